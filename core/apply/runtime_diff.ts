/**
 * Which applies need no reload. Given the live cfg and the candidate (both
 * as rendered and printed) and the generated files whose content changes,
 * decides whether every difference is one HAProxy 2.6 makes at run time,
 * and if so lists them:
 *
 * - a server line whose weight, `disabled` flag or IP address/port changed
 *   (nothing else on the line);
 * - a server line added to or removed from an existing backend whose
 *   balance algorithm takes dynamic servers, with only keywords
 *   `add server` accepts (the backend's `default-server` arguments
 *   included: dynamic servers do not inherit them);
 * - the entries of a file-backed ACL (`-f <acl dir>/<name>.lst`).
 *
 * Every other line of the two renders must be identical, in order; any
 * other difference, or a generated file that is not such an ACL, is a
 * reason to reload. Pure: the caller reads the files and asks HAProxy.
 *
 * @module
 */
import {
  balanceOf,
  type CfgSection,
  ipPort,
  parseCfgSections,
  parseServerLine,
  type ServerLine,
} from "./runtime_cfg.ts";
import { isDynamicBalance, type RuntimeSupport } from "./runtime_support.ts";
import { commonPrefix, differingRegion, sectionEnd } from "../haproxy/cfg_region.ts";

/** A server whose line changed in what the Runtime API can set. */
export interface ServerUpdate {
  kind: "update";
  backend: string;
  server: string;
  before: ServerLine;
  after: ServerLine;
}

/** A server line that is new in an existing backend. */
export interface ServerAdd {
  kind: "add";
  backend: string;
  server: string;
  after: ServerLine;
  /** What `add server` is given after the address (default-server's, then the line's). */
  keywords: string[];
}

/** A server line that is gone from a backend that stays. */
export interface ServerRemove {
  kind: "remove";
  backend: string;
  server: string;
  before: ServerLine;
  /** What `add server` would need to put it back (the undo of a deletion). */
  keywords: string[];
}

/** One server-level difference. */
export type ServerChange = ServerUpdate | ServerAdd | ServerRemove;

/** A file-backed ACL whose entries change. */
export interface AclChange {
  /** The pattern file's path, which is also the ACL's reference in `show acl`. */
  file: string;
  /** The entries the file will hold, in order. */
  entries: string[];
}

/** Everything a runtime apply must do. */
export interface RuntimeChanges {
  servers: ServerChange[];
  acls: AclChange[];
}

/** The differ's verdict. */
export type RuntimeVerdict =
  | { ok: true; changes: RuntimeChanges }
  | { ok: false; reason: string };

/** What {@link diffRenders} compares. */
export interface DiffInput {
  liveCfg: string;
  nextCfg: string;
  /** Generated files whose content differs from what is on disk. */
  changedFiles: { path: string; content: string }[];
  /** The directory file-backed ACLs live in (paths.acls). */
  aclDir: string;
  support: RuntimeSupport;
}

const no = (reason: string): RuntimeVerdict => ({ ok: false, reason });

/** Compares two renders; see the module doc for what passes. */
export function diffRenders(input: DiffInput): RuntimeVerdict {
  const { support } = input;
  const acls: AclChange[] = [];
  for (const f of input.changedFiles) {
    if (!f.path.startsWith(`${input.aclDir}/`) || !f.path.endsWith(".lst")) {
      return no(`generated file ${f.path} changes`);
    }
    // Not referenced by the cfg: HAProxy never loaded it, writing it is enough.
    if (!input.nextCfg.includes(` -f ${f.path}`)) continue;
    if (!support.aclVersions) return no("HAProxy cannot replace ACL entries at run time");
    const entries = f.content.split("\n").filter((l) => l !== "");
    const bad = entries.find((e) => e.startsWith("#") || /[\s;\\]/.test(e));
    if (bad !== undefined) return no(`ACL entry ${JSON.stringify(bad)} cannot be sent at run time`);
    acls.push({ file: f.path, entries });
  }
  if (input.liveCfg === input.nextCfg) return { ok: true, changes: { servers: [], acls } };
  const early = beyondServers(input.liveCfg, input.nextCfg);
  if (early) return no(early);

  // Only the sections that hold a difference are parsed (cfg_region.ts): the rest is the
  // same text on both sides.
  const region = differingRegion(input.liveCfg, input.nextCfg)!;
  const live = parseCfgSections(input.liveCfg.slice(region.live.start, region.live.end));
  const next = parseCfgSections(input.nextCfg.slice(region.next.start, region.next.end));
  if (live.length !== next.length) return no("sections added or removed");
  const defaults = next.find((s) => s.kind === "defaults") ?? defaultsOf(input.nextCfg);
  const servers: ServerChange[] = [];
  for (let i = 0; i < live.length; i++) {
    const a = live[i];
    const b = next[i];
    if (a.header !== b.header) return no(`section ${b.header} differs`);
    if (!sameLines(a.other, b.other)) return no(`${b.header} differs beyond its server lines`);
    if (a.servers.size === 0 && b.servers.size === 0) continue;
    const found = serverChanges(a, b, defaults, support);
    if (typeof found === "string") return no(found);
    servers.push(...found);
  }
  return { ok: true, changes: { servers, acls } };
}

/**
 * A cheap first look (no parse of either render): where the two first differ.
 * When that line is, on both sides, neither a `server` line nor a comment, no
 * runtime change can explain it, so the reload path is chosen without parsing
 * two 10,000-server renders (~20 ms). Anything else is left to the full
 * comparison. Null: not decided here.
 */
function beyondServers(a: string, b: string): string | null {
  const i = commonPrefix(a, b);
  const plain = (line: string) =>
    line !== "" && !line.startsWith("#") && !line.startsWith("server ");
  if (!plain(lineAt(a, i)) || !plain(lineAt(b, i))) return null;
  return `${sectionAt(b, i)} differs beyond its server lines`;
}

/** The first `defaults` section of a render, parsed alone (outside a change's region). */
function defaultsOf(cfg: string): CfgSection | undefined {
  const at = /^defaults\b/m.exec(cfg)?.index;
  return at === undefined ? undefined : parseCfgSections(cfg.slice(at, sectionEnd(cfg, at)))[0];
}

/** The trimmed line of `text` that holds offset `at`. */
function lineAt(text: string, at: number): string {
  const start = text.lastIndexOf("\n", at - 1) + 1;
  const end = text.indexOf("\n", at);
  return text.slice(start, end < 0 ? text.length : end).trim();
}

/** The header of the section that holds offset `at` (the last unindented line before it). */
function sectionAt(text: string, at: number): string {
  let end = text.indexOf("\n", at);
  if (end < 0) end = text.length;
  for (;;) {
    const start = text.lastIndexOf("\n", end - 1) + 1;
    const line = text.slice(start, end);
    const c0 = line.charCodeAt(0);
    if (line.trim() !== "" && line[0] !== "#" && c0 !== 32 && c0 !== 9) return line.trim();
    if (start === 0) return "the config";
    end = start - 1;
  }
}

function sameLines(a: string[], b: string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The server changes of one backend, or why they need a reload. */
function serverChanges(
  live: CfgSection,
  next: CfgSection,
  defaults: CfgSection | undefined,
  support: RuntimeSupport,
): ServerChange[] | string {
  const out: ServerChange[] = [];
  const where = next.header;
  const balance = balanceOf(next, defaults);
  const dynamic = isDynamicBalance(balance.algorithm, balance.consistent);
  const inherited = defaultServerArgs(next);
  const addable = () => {
    if (!support.dynamicServers) return "HAProxy cannot add or delete servers at run time";
    if (!dynamic) return `${where}: balance ${balance.algorithm} takes no dynamic servers`;
    if (defaults?.other.some((l) => l.startsWith("default-server "))) {
      return "defaults has default-server lines, which dynamic servers would not inherit";
    }
    if (next.other.some((l) => /^(server-template|use-server|dynamic-cookie-key)\b/.test(l))) {
      return `${where} uses server-template, use-server or dynamic cookies`;
    }
    return null;
  };
  for (const [name, line] of live.servers) {
    const after = next.servers.get(name);
    if (after === line) continue;
    const before = parseServerLine(line);
    if (after === undefined) {
      const refused = addable();
      if (refused) return refused;
      const keywords = addKeywords(inherited, before, support);
      if (typeof keywords === "string") return `${where}/${name}: ${keywords}`;
      out.push({ kind: "remove", backend: next.name, server: name, before, keywords });
      continue;
    }
    if (!support.setServer) return "HAProxy cannot change servers at run time";
    const parsed = parseServerLine(after);
    if (!sameLines(before.keywords, parsed.keywords)) {
      return `${where}/${name}: a server option other than weight, disabled or address changes`;
    }
    if (before.address !== parsed.address && (!ipPort(before.address) || !ipPort(parsed.address))) {
      return `${where}/${name}: the address is not an IP and port`;
    }
    // HAProxy re-resolves such a server on its own: a `set server addr` would race its resolver.
    if (before.address !== parsed.address && before.keywords.includes("resolvers")) {
      return `${where}/${name}: the server resolves its address through DNS (resolvers)`;
    }
    if (before.weight !== parsed.weight && !dynamic) {
      return `${where}: balance ${balance.algorithm} cannot change weights at run time`;
    }
    out.push({ kind: "update", backend: next.name, server: name, before, after: parsed });
  }
  for (const [name, line] of next.servers) {
    if (live.servers.has(name)) continue;
    const refused = addable();
    if (refused) return refused;
    const after = parseServerLine(line);
    if (!ipPort(after.address)) return `${where}/${name}: the address is not an IP and port`;
    const keywords = addKeywords(inherited, after, support);
    if (typeof keywords === "string") return `${where}/${name}: ${keywords}`;
    out.push({ kind: "add", backend: next.name, server: name, after, keywords });
  }
  return out;
}

/** The arguments of a backend's `default-server` lines, in order. */
function defaultServerArgs(section: CfgSection): string[] {
  return section.other
    .filter((l) => l.startsWith("default-server "))
    .flatMap((l) => l.split(/\s+/).slice(1));
}

/**
 * `add server`'s arguments after the address: the backend's default-server
 * ones, the line's own, then its weight; a string when one is not accepted.
 */
function addKeywords(
  inherited: string[],
  line: ServerLine,
  support: RuntimeSupport,
): string[] | string {
  const words = [...inherited, ...line.keywords, "weight", String(line.weight)];
  for (let i = 0; i < words.length; i++) {
    // An agent may bring a server up by itself, before `enable server`: reload instead.
    if (words[i].startsWith("agent-")) return `${words[i]} is not sent through add server`;
    const arity = support.addServerKeywords.get(words[i]);
    if (arity === undefined) {
      return `${words[i]} is not among the add server keywords patchpanel sends`;
    }
    i += arity;
    if (i >= words.length) return `${words[i - arity]} lacks its argument`;
  }
  return words;
}
