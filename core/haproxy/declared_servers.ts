/**
 * The declared side of "what servers does HAProxy run": the `server` lines
 * (and `server-template` ranges) a rendered `haproxy.cfg` declares, with what
 * identifies each definition, so the reload filter can tell an unchanged
 * server from a changed one and the post-reload check knows what must run.
 * server_state.ts reads the running side.
 *
 * @module
 */
import { proxySection } from "./cfg_region.ts";

/** A `server` line of a rendered cfg, with what identifies its definition. */
export interface DeclaredServer {
  backend: string;
  server: string;
  /** The host as written: an IP literal (IPv6 without brackets) or a DNS name. */
  host: string;
  /** NaN when the address has no port of its own (HAProxy then uses the client's). */
  port: number;
  weight: number;
  /** Whether the line says `disabled` (HAProxy then starts it in maintenance). */
  disabled: boolean;
  /**
   * Everything that defines the server except its weight: the backend's
   * `default-server` lines and the `server` line's arguments. Two servers
   * with the same key and definition are the same server to HAProxy.
   */
  definition: string;
}

/** `backend/server`, the key both sides share. */
export function serverKey(backend: string, server: string): string {
  return `${backend}/${server}`;
}

/**
 * The servers a cfg declares, by {@link serverKey}: the `server` lines of
 * `backend` and `listen` sections as patchpanel prints them (one directive
 * per line, arguments separated by spaces), and the servers a
 * `server-template` line (in raw directives) stands for. The last cfg parsed
 * is remembered: an apply asks for the live cfg (remembered from the
 * previous apply, whose candidate it was), then parses its candidate, which
 * the post-reload check and the next apply ask for again. One is enough for
 * that, and at 100,000 servers each remembered cfg holds ~27 MB.
 */
export function declaredServers(cfg: string): ReadonlyMap<string, DeclaredServer> {
  for (const c of recent) if (c.cfg === cfg) return c.servers;
  const servers = parseBySection(cfg);
  recent.unshift({ cfg, servers });
  recent.length = Math.min(recent.length, 1);
  return servers;
}

const recent: { cfg: string; servers: ReadonlyMap<string, DeclaredServer> }[] = [];

/**
 * The servers of `cfg` parsed in one pass, remembering nothing: what
 * {@link declaredServers}' section-at-a-time reading must agree with (its
 * test compares the two).
 */
export function declaredServersWhole(cfg: string): Map<string, DeclaredServer> {
  return parseDeclared(cfg);
}

/** A section of the last cfg parsed: its own copy of the text, and its servers by key. */
interface Section {
  text: string;
  servers: [string, DeclaredServer][];
}

/** The sections of the last cfg {@link parseBySection} read, by their text. */
let sections = new Map<string, Section>();

/**
 * {@link parseDeclared} a section at a time (a section's servers depend on
 * its own lines only), taking a section whose text the previous cfg had
 * from that parse: a candidate differs from the live cfg in a few sections,
 * and at 10,000 servers parsing the rest again cost ~7 ms beside `haproxy
 * -c`. A section parsed anew is parsed from its own copy of the text, so
 * the servers kept from it hold that copy and not the whole cfg it came in
 * (which would keep every cfg alive that a kept section was first read
 * in); the copies cost about one cfg's size.
 */
function parseBySection(cfg: string): Map<string, DeclaredServer> {
  const out = new Map<string, DeclaredServer>();
  const seen = new Map<string, Section>();
  const add = (text: string) => {
    let section = sections.get(text) ?? seen.get(text);
    if (!section) {
      // A copy of any string, lone surrogates included, that shares no memory with the cfg.
      const copy: string = JSON.parse(JSON.stringify(text));
      section = { text: copy, servers: [...parseDeclared(copy)] };
    }
    seen.set(section.text, section);
    for (const [key, d] of section.servers) out.set(key, d);
  };
  let open = -1;
  let at = 0;
  while (at < cfg.length) {
    let end = cfg.indexOf("\n", at);
    if (end < 0) end = cfg.length;
    // Where parseDeclared opens a section: an unindented line, not blank, not a comment.
    const c0 = cfg.charCodeAt(at);
    if (end > at && c0 !== 32 && c0 !== 9 && c0 !== 35) {
      if (open >= 0) add(cfg.slice(open, at));
      open = at;
    }
    at = end + 1;
  }
  if (open >= 0) add(cfg.slice(open));
  sections = seen;
  return out;
}

/**
 * The servers of `backends` only, as {@link declaredServers} would list
 * them: each section is found and parsed alone, so checking one backend of
 * 10,000 after a runtime change costs one backend.
 */
export function declaredServersIn(
  cfg: string,
  backends: Iterable<string>,
): Map<string, DeclaredServer> {
  const out = new Map<string, DeclaredServer>();
  for (const backend of backends) {
    const text = proxySection(cfg, backend);
    if (text !== null) { for (const [key, d] of parseDeclared(text)) out.set(key, d); }
  }
  return out;
}

function parseDeclared(cfg: string): Map<string, DeclaredServer> {
  const out = new Map<string, DeclaredServer>();
  let proxy: string | null = null;
  let context = "";
  let start = 0;
  while (start < cfg.length) {
    let end = cfg.indexOf("\n", start);
    if (end < 0) end = cfg.length;
    const raw = cfg.slice(start, end);
    start = end + 1;
    const c0 = raw.charCodeAt(0);
    if (c0 !== 32 && c0 !== 9) {
      // A section header (or a blank or comment line, which ends nothing).
      if (raw === "" || c0 === 35) continue;
      const words = raw.trim().split(/\s+/);
      proxy = words[0] === "backend" || words[0] === "listen" ? (words[1] ?? null) : null;
      context = "";
      continue;
    }
    if (proxy === null) continue;
    const line = raw.trim();
    if (!line.startsWith("server") && !line.startsWith("default-server")) continue;
    // patchpanel prints single spaces; a raw directive may not.
    const words = line.includes("  ") || line.includes("\t") ? line.split(/\s+/) : line.split(" ");
    if (words[0] === "default-server") {
      context += `${line}\n`;
    } else if (words[0] === "server" && words.length >= 3) {
      // Indexing, not destructuring with a rest: once per server line, iterators add up.
      const name = words[1];
      out.set(serverKey(proxy, name), declared(proxy, name, words[2], words.slice(3), context));
    } else if (words[0] === "server-template" && words.length >= 4) {
      const [, prefix, range, address] = words;
      const rest = words.slice(4);
      const [from, to] = range.includes("-") ? range.split("-").map(Number) : [1, Number(range)];
      for (let i = from; i <= to && i - from < 100_000; i++) {
        const name = `${prefix}${i}`;
        out.set(
          serverKey(proxy, name),
          declared(proxy, name, address, rest, `${context}${line}\n`),
        );
      }
    }
  }
  return out;
}

function declared(
  backend: string,
  server: string,
  address: string,
  rest: string[],
  context: string,
): DeclaredServer {
  // `host:port`, `[v6]:port`; a form without a port (or `unix@…`) gets NaN, never compared.
  const at = address.lastIndexOf(":");
  const bracketed = address.startsWith("[") && !address.includes("]:");
  const port = at > 0 && !bracketed ? Number(address.slice(at + 1)) : NaN;
  const hasPort = Number.isInteger(port) && at < address.length - 1;
  let host = hasPort ? address.slice(0, at) : address;
  if (host.startsWith("[") && host.endsWith("]")) host = host.slice(1, -1);
  const w = rest.indexOf("weight");
  const weight = w >= 0 ? Number(rest[w + 1]) : 1;
  const args = w >= 0 ? rest.slice(0, w).concat(rest.slice(w + 2)) : rest;
  return {
    backend,
    server,
    host,
    port: hasPort ? port : NaN,
    weight,
    disabled: args.includes("disabled"),
    definition: `${context}${address} ${args.join(" ")}`,
  };
}

/** Whether a host is an IP literal (so the running `srv_addr` must equal it). */
export function isIpLiteral(host: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(host) ||
    (host.includes(":") && /^[0-9a-f:.]+$/i.test(host));
}
