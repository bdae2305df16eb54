/**
 * The rendered cfg as the runtime differ reads it: sections, each with its
 * `server` lines by name and every other line in order. A runtime apply is
 * allowed only when two renders differ in nothing but server lines (and ACL
 * files), so the comparison is made on the printed text itself, not on the
 * state: whatever a plugin's render hook adds is compared too, and nothing
 * a reload would change can slip through.
 *
 * @module
 */

/** One section of a printed cfg. */
export interface CfgSection {
  /** The header line as printed (`backend app`). */
  header: string;
  /** `backend`, `listen`, `frontend`, `global`, ... */
  kind: string;
  /** The section's name, "" for `global` and `defaults`. */
  name: string;
  /** Every directive line except `server` lines, trimmed, in order. */
  other: string[];
  /** `server` lines (trimmed) by server name, in order of appearance. */
  servers: Map<string, string>;
}

/** Splits a printed cfg into sections (comments and blank lines dropped). */
export function parseCfgSections(cfg: string): CfgSection[] {
  const out: CfgSection[] = [];
  let current: CfgSection | null = null;
  let start = 0;
  while (start < cfg.length) {
    let end = cfg.indexOf("\n", start);
    if (end < 0) end = cfg.length;
    const raw = cfg.slice(start, end);
    start = end + 1;
    const line = raw.trim();
    if (line === "" || line[0] === "#") continue;
    const c0 = raw.charCodeAt(0);
    if (c0 !== 32 && c0 !== 9) {
      const [kind, name = ""] = line.split(/\s+/);
      current = { header: line, kind, name, other: [], servers: new Map() };
      out.push(current);
      continue;
    }
    if (current === null) {
      // A directive before any section: never printed by patchpanel; keep it comparable.
      current = { header: "", kind: "", name: "", other: [], servers: new Map() };
      out.push(current);
    }
    const isProxy = current.kind === "backend" || current.kind === "listen";
    if (isProxy && line.startsWith("server ")) {
      const name = line.split(/\s+/)[1] ?? "";
      // A duplicate name is haproxy -c's to refuse; keep it out of the server map.
      if (current.servers.has(name)) current.other.push(line);
      else current.servers.set(name, line);
    } else {
      current.other.push(line);
    }
  }
  return out;
}

/** A `server` line split into its parts. */
export interface ServerLine {
  name: string;
  address: string;
  /** The arguments after the address, `weight N` and `disabled` removed. */
  keywords: string[];
  weight: number;
  disabled: boolean;
}

/** Parses a trimmed `server <name> <address> [args]` line. */
export function parseServerLine(line: string): ServerLine {
  const [, name = "", address = "", ...rest] = line.split(/\s+/);
  const keywords: string[] = [];
  let weight = 1;
  let disabled = false;
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] === "weight" && i + 1 < rest.length) weight = Number(rest[++i]);
    else if (rest[i] === "disabled") disabled = true;
    else keywords.push(rest[i]);
  }
  return { name, address, keywords, weight, disabled };
}

/** `ip:port` split, or null when the address is not an IP literal with a port. */
export function ipPort(address: string): { ip: string; port: number } | null {
  const v6 = /^\[([0-9a-fA-F:.]+)\]:(\d{1,5})$/.exec(address);
  const v4 = /^(\d{1,3}(?:\.\d{1,3}){3}):(\d{1,5})$/.exec(address);
  const m = v6 ?? v4;
  if (!m) return null;
  const port = Number(m[2]);
  if (port < 1 || port > 65535) return null;
  return { ip: m[1], port };
}

/**
 * The balance algorithm a backend runs (its own `balance` line, else the
 * defaults', else HAProxy's `roundrobin`) and whether hashing is consistent.
 */
export function balanceOf(
  section: CfgSection,
  defaults: CfgSection | undefined,
): { algorithm: string; consistent: boolean } {
  const pick = (prefix: string) => {
    const own = section.other.find((l) => l.startsWith(prefix));
    return own ?? defaults?.other.find((l) => l.startsWith(prefix));
  };
  const balance = pick("balance ");
  const algorithm = balance ? balance.split(/\s+/)[1].replace(/\(.*$/, "") : "roundrobin";
  const hashType = pick("hash-type ");
  return { algorithm, consistent: hashType?.split(/\s+/)[1] === "consistent" };
}
