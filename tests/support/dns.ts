/**
 * A tiny authoritative DNS responder on a loopback UDP port, for tests of
 * servers resolved through `resolvers`: it answers A queries for the names
 * it holds (names under `.test`, which no real resolver serves) and
 * NXDOMAIN for the rest, AAAA with an empty answer. A test changes a record
 * with `set`; the next query gets the new address.
 *
 * @module
 */

/** A running responder. */
export interface TestDns {
  /** `127.0.0.1:<port>`, for a `nameserver` line. */
  address: string;
  /** Queries answered so far. */
  queries: number;
  /** Sets (or replaces) a name's A record. */
  set(name: string, ip: string): void;
  close(): void;
}

function readName(buf: Uint8Array, offset: number): [string, number] {
  const labels: string[] = [];
  let i = offset;
  while (buf[i] !== 0) {
    const len = buf[i];
    labels.push(new TextDecoder().decode(buf.subarray(i + 1, i + 1 + len)));
    i += len + 1;
  }
  return [labels.join(".").toLowerCase(), i + 1];
}

/** Builds the answer to one query, or null for a packet that is not one. */
export function answer(query: Uint8Array, records: Map<string, string>): Uint8Array | null {
  if (query.length < 17) return null;
  const [name, end] = readName(query, 12);
  const qtype = (query[end] << 8) | query[end + 1];
  const question = query.subarray(12, end + 4);
  const ip = records.get(name);
  const a = ip !== undefined && qtype === 1;
  const rcode = ip === undefined ? 3 : 0;
  const out = new Uint8Array(12 + question.length + (a ? 16 : 0));
  out.set(query.subarray(0, 2), 0); // id
  out[2] = 0x84 | (query[2] & 0x01); // QR, AA, RD copied
  out[3] = rcode;
  out[5] = 1; // one question
  out[7] = a ? 1 : 0;
  out.set(question, 12);
  if (a) {
    const at = 12 + question.length;
    out.set([0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 1, 0, 4], at); // name ptr, A, IN, TTL 1 s, len 4
    out.set(ip.split(".").map(Number), at + 12);
  }
  return out;
}

/** Starts the responder on a free loopback UDP port. */
export function startTestDns(records: Record<string, string> = {}): TestDns {
  const table = new Map(Object.entries(records));
  const conn = Deno.listenDatagram({ transport: "udp", hostname: "127.0.0.1", port: 0 });
  const port = (conn.addr as Deno.NetAddr).port;
  const dns: TestDns = {
    address: `127.0.0.1:${port}`,
    queries: 0,
    set: (name, ip) => table.set(name.toLowerCase(), ip),
    close: () => conn.close(),
  };
  (async () => {
    try {
      for await (const [packet, from] of conn) {
        const reply = answer(packet, table);
        if (!reply) continue;
        dns.queries++;
        await conn.send(reply, from);
      }
    } catch { /* closed */ }
  })();
  return dns;
}
