/**
 * Writes small MaxMind DB (`.mmdb`, format 2.0) files, so tests build the
 * databases they read instead of downloading one. IPv4 trees with 24-bit
 * records; maps, arrays, strings, unsigned integers, doubles and booleans.
 * It follows the published "MaxMind DB File Format Specification" and is
 * test support, not a general-purpose writer (no deduplication, no IPv6).
 *
 * @module
 */

/** A value the data section can hold. */
export type MmdbValue = string | number | boolean | MmdbValue[] | { [key: string]: MmdbValue };

/** One network and its record, e.g. `{cidr: "127.0.0.0/8", data: {...}}`. */
export interface MmdbNetwork {
  cidr: string;
  data: MmdbValue;
}

/** What to write. */
export interface MmdbSpec {
  databaseType: string;
  /** Build time, epoch seconds. */
  buildEpoch: number;
  description?: string;
  networks: MmdbNetwork[];
}

type Rec = { t: "node"; i: number } | { t: "empty" } | { t: "data"; off: number };

const encoder = new TextEncoder();
const METADATA_MARKER = [0xab, 0xcd, 0xef, ...encoder.encode("MaxMind.com")];

/** Builds the bytes of an IPv4 `.mmdb` file. */
export function writeMmdb(spec: MmdbSpec): Uint8Array {
  const data: number[] = [];
  const nodes: [Rec, Rec][] = [[{ t: "empty" }, { t: "empty" }]];
  for (const net of spec.networks) {
    const off = data.length;
    encode(net.data, data);
    const [ip, len] = parseCidr(net.cidr);
    let node = 0;
    for (let depth = 0; depth < len; depth++) {
      const bit = (ip >>> (31 - depth)) & 1;
      if (depth === len - 1) {
        nodes[node][bit] = { t: "data", off };
        break;
      }
      const rec = nodes[node][bit];
      if (rec.t === "node") {
        node = rec.i;
        continue;
      }
      nodes.push([rec, rec]); // a wider network above keeps covering both halves
      nodes[node][bit] = { t: "node", i: nodes.length - 1 };
      node = nodes.length - 1;
    }
  }
  const n = nodes.length;
  const value = (r: Rec) => (r.t === "node" ? r.i : r.t === "empty" ? n : n + 16 + r.off);
  const tree: number[] = [];
  for (const [left, right] of nodes) tree.push(...uint24(value(left)), ...uint24(value(right)));
  const metadata: number[] = [];
  encode({
    node_count: n,
    record_size: 24,
    ip_version: 4,
    database_type: spec.databaseType,
    languages: ["en"],
    binary_format_major_version: 2,
    binary_format_minor_version: 0,
    build_epoch: spec.buildEpoch,
    description: { en: spec.description ?? spec.databaseType },
  }, metadata);
  return new Uint8Array([
    ...tree,
    ...new Array(16).fill(0),
    ...data,
    ...METADATA_MARKER,
    ...metadata,
  ]);
}

function parseCidr(cidr: string): [number, number] {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(cidr);
  if (!m) throw new Error(`not an IPv4 CIDR: ${cidr}`);
  const len = Number(m[5]);
  if (len < 1 || len > 32) throw new Error(`prefix length out of range: ${cidr}`);
  const ip = ((Number(m[1]) << 24) | (Number(m[2]) << 16) | (Number(m[3]) << 8) | Number(m[4])) >>>
    0;
  return [ip, len];
}

function uint24(v: number): number[] {
  return [(v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
}

function bigEndian(v: number): number[] {
  const out: number[] = [];
  while (v > 0) {
    out.unshift(v % 256);
    v = Math.floor(v / 256);
  }
  return out;
}

function control(type: number, size: number, out: number[]): void {
  let sizeBits: number;
  const extra: number[] = [];
  if (size < 29) sizeBits = size;
  else if (size < 285) {
    sizeBits = 29;
    extra.push(size - 29);
  } else if (size < 65_821) {
    sizeBits = 30;
    extra.push(...[(size - 285) >> 8, (size - 285) & 0xff]);
  } else {
    sizeBits = 31;
    extra.push(...uint24(size - 65_821));
  }
  if (type <= 7) out.push((type << 5) | sizeBits);
  else out.push(sizeBits, type - 7);
  out.push(...extra);
}

function encode(v: MmdbValue, out: number[]): void {
  if (typeof v === "string") {
    const bytes = encoder.encode(v);
    control(2, bytes.length, out);
    out.push(...bytes);
  } else if (typeof v === "boolean") {
    control(14, v ? 1 : 0, out);
  } else if (typeof v === "number") {
    if (Number.isInteger(v) && v >= 0 && v < 2 ** 32) {
      const bytes = bigEndian(v);
      control(6, bytes.length, out);
      out.push(...bytes);
    } else if (Number.isInteger(v) && v >= 0 && v <= Number.MAX_SAFE_INTEGER) {
      const bytes = bigEndian(v);
      control(9, bytes.length, out);
      out.push(...bytes);
    } else {
      const buf = new DataView(new ArrayBuffer(8));
      buf.setFloat64(0, v);
      control(3, 8, out);
      for (let i = 0; i < 8; i++) out.push(buf.getUint8(i));
    }
  } else if (Array.isArray(v)) {
    control(11, v.length, out);
    for (const item of v) encode(item, out);
  } else {
    const entries = Object.entries(v);
    control(7, entries.length, out);
    for (const [key, value] of entries) {
      encode(key, out);
      encode(value, out);
    }
  }
}
