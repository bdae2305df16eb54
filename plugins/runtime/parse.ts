/**
 * Parsers for the Runtime API's text replies: `show servers state`,
 * `show stat`, `show info`, `show table`, `show acl`, `show sess`. Pure
 * functions over HAProxy 2.6's formats, tested on fixtures, so the routes
 * only join and filter.
 *
 * @module
 */

/** A server's administrative state as the API names it. */
export type AdminState = "ready" | "drain" | "maint";

/** A server's operational state (`srv_op_state`). */
export type OpState = "down" | "starting" | "up" | "stopping";

/** One row of `show servers state`. */
export interface ServerStateRow {
  backend: string;
  server: string;
  address: string;
  port: number;
  opState: OpState;
  adminState: AdminState;
  /** The raw `srv_admin_state` bit field (maint and drain causes). */
  adminFlags: number;
  /** The weight in effect (`srv_uweight`). */
  weight: number;
  /** The configured weight (`srv_iweight`). */
  initialWeight: number;
}

const OP_STATES: OpState[] = ["down", "starting", "up", "stopping"];
/** FMAINT, IMAINT, CMAINT, RMAINT, HMAINT. */
const MAINT_BITS = 0x01 | 0x02 | 0x04 | 0x20 | 0x40;
/** FDRAIN, IDRAIN. */
const DRAIN_BITS = 0x08 | 0x10;

/** The admin state a `srv_admin_state` bit field means; maint wins over drain. */
export function adminStateOf(flags: number): AdminState {
  if (flags & MAINT_BITS) return "maint";
  if (flags & DRAIN_BITS) return "drain";
  return "ready";
}

/** Parses `show servers state` (format version 1). */
export function parseServersState(output: string): ServerStateRow[] {
  const lines = output.split("\n");
  const header = lines.find((l) => l.startsWith("# "))?.slice(2).split(" ") ?? [];
  const col = (name: string) => header.indexOf(name);
  const rows: ServerStateRow[] = [];
  for (const line of lines) {
    if (!line || line.startsWith("#") || /^\d+$/.test(line)) continue;
    const f = line.split(" ");
    const at = (name: string) => f[col(name)] ?? "";
    const flags = Number(at("srv_admin_state"));
    rows.push({
      backend: at("be_name"),
      server: at("srv_name"),
      address: at("srv_addr"),
      port: Number(at("srv_port")),
      opState: OP_STATES[Number(at("srv_op_state"))] ?? "down",
      adminState: adminStateOf(flags),
      adminFlags: flags,
      weight: Number(at("srv_uweight")),
      initialWeight: Number(at("srv_iweight")),
    });
  }
  return rows;
}

/** Parses `show stat` CSV into one record per proxy/server row, keyed by column name. */
export function parseStat(output: string): Record<string, string>[] {
  const lines = output.split("\n").filter((l) => l.length > 0);
  const head = lines.find((l) => l.startsWith("# "));
  if (!head) return [];
  const names = head.slice(2).split(",");
  return lines.filter((l) => !l.startsWith("#")).map((line) => {
    const cells = line.split(",");
    const row: Record<string, string> = {};
    names.forEach((n, i) => {
      if (n) row[n] = cells[i] ?? "";
    });
    return row;
  });
}

/** Parses `show info` (`Key: value` lines). */
export function parseInfo(output: string): Record<string, string> {
  const info: Record<string, string> = {};
  for (const line of output.split("\n")) {
    const i = line.indexOf(": ");
    if (i > 0) info[line.slice(0, i)] = line.slice(i + 2);
  }
  return info;
}

/** A stick table's header line from `show table`. */
export interface TableInfo {
  name: string;
  type: string;
  size: number;
  used: number;
}

/** One entry of a stick table. */
export interface TableEntry {
  key: string;
  use: number;
  /** Milliseconds until it expires. */
  exp: number | null;
  /** Stored data, e.g. `{http_req_cnt: "3"}` (rates keep HAProxy's `(period)` suffix in the name). */
  data: Record<string, string>;
}

const TABLE_HEAD = /^# table: ([^,]+), type: ([^,]+), size:(\d+), used:(\d+)/;

/** Parses the header lines of `show table` (every table). */
export function parseTables(output: string): TableInfo[] {
  const out: TableInfo[] = [];
  for (const line of output.split("\n")) {
    const m = TABLE_HEAD.exec(line);
    if (m) out.push({ name: m[1], type: m[2], size: Number(m[3]), used: Number(m[4]) });
  }
  return out;
}

/** Parses `show table <name>`: its header and entries. */
export function parseTable(output: string): { table: TableInfo | null; entries: TableEntry[] } {
  const entries: TableEntry[] = [];
  let table: TableInfo | null = null;
  for (const line of output.split("\n")) {
    const head = TABLE_HEAD.exec(line);
    if (head) {
      table = { name: head[1], type: head[2], size: Number(head[3]), used: Number(head[4]) };
      continue;
    }
    const m = /^0x[0-9a-f]+: (.*)$/.exec(line);
    if (!m) continue;
    const entry: TableEntry = { key: "", use: 0, exp: null, data: {} };
    for (const field of m[1].split(" ")) {
      const eq = field.indexOf("=");
      if (eq < 0) continue;
      const k = field.slice(0, eq);
      const v = field.slice(eq + 1);
      if (k === "key") entry.key = v;
      else if (k === "use") entry.use = Number(v);
      else if (k === "exp") entry.exp = Number(v);
      else entry.data[k] = v;
    }
    entries.push(entry);
  }
  return { table, entries };
}

/** One pattern reference from `show acl`. */
export interface AclRef {
  /** The runtime id, used as `#<id>`. */
  id: number;
  /** The pattern file, for ACLs loaded with `-f`. */
  file: string | null;
  /** For an inline ACL: the config file and line that declared it. */
  declaredAt: { file: string; line: number } | null;
  entryCount: number;
}

/** Parses `show acl` (the list of pattern references). */
export function parseAclRefs(output: string): AclRef[] {
  const refs: AclRef[] = [];
  for (const line of output.split("\n")) {
    const m = /^(\d+) \((.*?)\) (.*)$/.exec(line);
    if (!m) continue;
    const decl = / file '(.*)' line (\d+)\./.exec(m[3]);
    const count = / entry_cnt=(\d+)/.exec(m[3]);
    refs.push({
      id: Number(m[1]),
      file: m[2] || null,
      declaredAt: !m[2] && decl ? { file: decl[1], line: Number(decl[2]) } : null,
      entryCount: count ? Number(count[1]) : 0,
    });
  }
  return refs;
}

/** Parses `show acl #<id>`: the patterns, in order. */
export function parseAclEntries(output: string): string[] {
  const out: string[] = [];
  for (const line of output.split("\n")) {
    const m = /^0x[0-9a-f]+ (.+)$/.exec(line);
    if (m) out.push(m[1]);
  }
  return out;
}

/** One stream from `show sess`. */
export interface SessionRow {
  id: string;
  proto: string;
  src: string;
  frontend: string;
  backend: string | null;
  server: string | null;
  /** Age as HAProxy prints it, e.g. `3s`. */
  age: string;
}

/** Parses `show sess` (the short form, one line per stream). */
export function parseSessions(output: string): SessionRow[] {
  const rows: SessionRow[] = [];
  for (const line of output.split("\n")) {
    const m = /^(0x[0-9a-f]+): (.*)$/.exec(line);
    if (!m) continue;
    const f: Record<string, string> = {};
    for (const field of m[2].split(" ")) {
      const eq = field.indexOf("=");
      if (eq > 0) f[field.slice(0, eq)] ??= field.slice(eq + 1);
    }
    const named = (v: string | undefined) => (!v || v.startsWith("<") ? null : v);
    rows.push({
      id: m[1],
      proto: f.proto ?? "",
      src: f.src ?? "",
      frontend: f.fe ?? "",
      backend: named(f.be),
      server: named(f.srv),
      age: f.age ?? "",
    });
  }
  return rows;
}
