/**
 * The running side of "what servers does HAProxy run": the Runtime API's
 * `show servers state` dump (format version 1, as HAProxy 2.6 prints it and
 * reads it back from `server-state-file`); declared_servers.ts reads the
 * other side, the `server` lines of a rendered `haproxy.cfg`. Pure functions
 * over text, so the reload filter (server_state_filter.ts) and the drift
 * comparison (server_state_compare.ts) are tested on fixtures of real output.
 *
 * @module
 */

/** The columns of a version-1 dump that HAProxy requires (it accepts 20 to 25). */
export const REQUIRED_COLUMNS = [
  "be_id",
  "be_name",
  "srv_id",
  "srv_name",
  "srv_addr",
  "srv_op_state",
  "srv_admin_state",
  "srv_uweight",
  "srv_iweight",
  "srv_time_since_last_change",
  "srv_check_status",
  "srv_check_result",
  "srv_check_health",
  "srv_check_state",
  "srv_agent_state",
  "bk_f_forced_id",
  "srv_f_forced_id",
  "srv_fqdn",
  "srv_port",
  "srvrecord",
] as const;

/** A required column's name. */
export type RequiredColumn = typeof REQUIRED_COLUMNS[number];

/** Where each required column sits in a row: HAProxy prints them first, in this order. */
export const COL = Object.fromEntries(REQUIRED_COLUMNS.map((c, i) => [c, i])) as Record<
  RequiredColumn,
  number
>;

/** A parsed `show servers state` dump. */
export interface ServerStateDump {
  /** The format version on the first line (HAProxy 2.6 writes and reads only 1). */
  version: number;
  /** The column names of the `#` header line, in order (the required ones first). */
  columns: string[];
  /** One array of fields per server line, in {@link columns} order (see {@link COL}). */
  rows: string[][];
}

/** A row as a column → value record (for reading in tests and tools, not on hot paths). */
export function rowRecord(dump: ServerStateDump, row: string[]): Record<string, string> {
  return Object.fromEntries(dump.columns.map((c, i) => [c, row[i] ?? ""]));
}

/** `srv_admin_state` bits (HAProxy's `enum srv_admin`). */
export const ADMIN = {
  /** Forced maintenance: `set server … state maint`. */
  FMAINT: 0x01,
  /** Inherited maintenance (a tracked server). */
  IMAINT: 0x02,
  /** Maintenance from the configuration: `disabled`. */
  CMAINT: 0x04,
  /** Forced drain: `set server … state drain`. */
  FDRAIN: 0x08,
  /** Inherited drain (a tracked server). */
  IDRAIN: 0x10,
  /** Maintenance because name resolution failed. */
  RMAINT: 0x20,
  /** Maintenance because the hostname was changed at run time. */
  HMAINT: 0x40,
} as const;

/** A server's administrative state as the API names it. */
export type AdminState = "ready" | "drain" | "maint";

// CMAINT alone is not maintenance: a `disabled` server starts with FMAINT|CMAINT, and
// `set server … state ready` clears FMAINT only, leaving a running server flagged CMAINT.
// RMAINT is not an admin state either: a server with `resolvers` waits in it until its name
// resolves (`init-addr none`), as a health-checked server waits DOWN; nobody set it.
const MAINT_BITS = ADMIN.FMAINT | ADMIN.IMAINT | ADMIN.HMAINT;
const DRAIN_BITS = ADMIN.FDRAIN | ADMIN.IDRAIN;

/** The admin state a `srv_admin_state` bit field means; maint wins over drain (CMAINT alone: see MAINT_BITS). */
export function adminStateOf(flags: number): AdminState {
  if (flags & MAINT_BITS) return "maint";
  if (flags & DRAIN_BITS) return "drain";
  return "ready";
}

/**
 * Parses a dump; null when it is not one (no version line, a version other
 * than 1, or a header whose first columns are not the required ones), so a
 * caller never feeds HAProxy a file it would reject or misread. 10,000
 * servers parse in a few milliseconds: rows stay arrays of fields.
 */
export function parseServerStateDump(text: string): ServerStateDump | null {
  if (!text.startsWith("1\n")) return null;
  const lines = text.split("\n");
  const header = lines[1] ?? "";
  if (!header.startsWith("# ")) return null;
  const columns = header.slice(2).trim().split(" ");
  if (REQUIRED_COLUMNS.some((c, i) => columns[i] !== c)) return null;
  const rows: string[][] = [];
  for (let i = 2; i < lines.length; i++) {
    const line = lines[i];
    if (line === "" || line[0] === "#") continue;
    const fields = line.split(" ");
    if (fields.length >= REQUIRED_COLUMNS.length) rows.push(fields);
  }
  return { version: 1, columns, rows };
}

/** A server as the running HAProxy reports it. */
export interface RunningServer {
  backend: string;
  server: string;
  /** The IP address in use (`srv_addr`). */
  address: string;
  port: number;
  adminState: AdminState;
  /** The weight in effect (`srv_uweight`). */
  weight: number;
}

/** The servers of a dump, in the fields the comparison looks at. */
export function runningServers(dump: ServerStateDump): RunningServer[] {
  return dump.rows.map((r) => ({
    backend: r[COL.be_name],
    server: r[COL.srv_name],
    address: r[COL.srv_addr],
    port: Number(r[COL.srv_port]),
    adminState: adminStateOf(Number(r[COL.srv_admin_state])),
    weight: Number(r[COL.srv_uweight]),
  }));
}

/** A dump line being scanned: its required fields by index (see {@link COL}), unsplit. */
export interface RowView {
  /** Field `i` (0..19). */
  field(i: number): string;
  /** Fields `from`..`to` (inclusive) as they stand in the line, spaces included. */
  span(from: number, to: number): string;
  /** Whether field `i` is exactly `text`; makes no string, so a per-row check allocates nothing. */
  is(i: number, text: string): boolean;
  /**
   * Field `i` as the number its digits spell when it is only ASCII digits (at most 15, so
   * the value is exact; then `Number(field(i))` gives the same), else NaN. Makes no string.
   */
  digits(i: number): number;
}

/**
 * Visits every server line of a dump without splitting it: 10,000 servers
 * take a few milliseconds, which the pipeline pays twice per apply (the
 * filter beside `haproxy -c`, the check after the reload). Lines with fewer
 * than the required fields are skipped. False when the text is not a
 * version-1 dump (nothing is visited).
 */
export function scanDump(text: string, visit: (row: RowView) => void): boolean {
  const scanner = new DumpScanner(visit);
  scanner.push(text);
  return scanner.end();
}

/**
 * {@link scanDump} over a dump that arrives in pieces (the post-reload check
 * reads it while HAProxy is still writing it): each complete line is visited
 * as soon as its piece is pushed; a piece may end anywhere, even mid-line.
 */
export class DumpScanner {
  #visit: (row: RowView) => void;
  /** The text not yet visited: the start of a line whose end has not arrived. */
  #pending = "";
  /** null until the header has arrived, then whether it is a version-1 dump's. */
  #valid: boolean | null = null;
  #text = "";
  // #cut[i]: where field i starts; #cut[LAST + 1]: one past the end of the last one, plus one.
  #cut = new Int32Array(LAST + 2);
  #row: RowView = {
    field: (i) => this.#text.slice(this.#cut[i], this.#cut[i + 1] - 1),
    span: (from, to) => this.#text.slice(this.#cut[from], this.#cut[to + 1] - 1),
    is: (i, text) => {
      const at = this.#cut[i];
      return this.#cut[i + 1] - 1 - at === text.length && this.#text.startsWith(text, at);
    },
    digits: (i) => {
      const text = this.#text;
      const from = this.#cut[i];
      const to = this.#cut[i + 1] - 1;
      if (to <= from || to - from > 15) return NaN;
      let n = 0;
      for (let at = from; at < to; at++) {
        const c = text.charCodeAt(at) - 48;
        if (c < 0 || c > 9) return NaN;
        n = n * 10 + c;
      }
      return n;
    },
  };

  /** `visit` is called once per server line, with a view valid only during the call. */
  constructor(visit: (row: RowView) => void) {
    this.#visit = visit;
  }

  /** Visits the complete lines that `piece` finishes. */
  push(piece: string): void {
    if (this.#valid === false || piece === "") return;
    if (this.#valid === null) {
      // The version line and the column header, both whole, come first.
      const text = this.#pending + piece;
      const headerEnd = text.indexOf("\n", 2);
      if (headerEnd < 0) {
        this.#pending = text;
        if (!"1\n# ".startsWith(text.slice(0, 4))) this.#valid = false;
        return;
      }
      this.#valid = isDumpHeader(text.slice(0, headerEnd));
      if (!this.#valid) return;
      this.#pending = "";
      piece = text.slice(headerEnd + 1);
    }
    let start = 0;
    if (this.#pending !== "") {
      // The line the previous piece began, finished apart: the piece itself is scanned as the
      // flat string it came as (a concatenation would be scanned through its halves).
      const nl = piece.indexOf("\n");
      if (nl < 0) {
        this.#pending += piece;
        return;
      }
      const line = this.#pending + piece.slice(0, nl);
      this.#pending = "";
      this.#lines(line, 0, line.length);
      start = nl + 1;
    }
    const last = piece.lastIndexOf("\n");
    if (last < start) {
      this.#pending = piece.slice(start);
      return;
    }
    this.#lines(piece, start, last);
    this.#pending = piece.slice(last + 1);
  }

  /** Visits a last line without a line break; false when the text was not a version-1 dump. */
  end(): boolean {
    if (this.#valid === null) {
      // The whole text had no line break after its header: a dump with no servers, or not one.
      this.#valid = isDumpHeader(this.#pending);
      this.#pending = "";
      return this.#valid;
    }
    if (this.#valid && this.#pending !== "") this.#lines(this.#pending, 0, this.#pending.length);
    this.#pending = "";
    return this.#valid;
  }

  /** Visits the lines of `text` from `start` to `stop` (a line break, or the text's end). */
  #lines(text: string, start: number, stop: number): void {
    this.#text = text;
    const cut = this.#cut;
    while (start < stop) {
      let end = text.indexOf("\n", start);
      if (end < 0 || end > stop) end = stop;
      if (end > start && text.charCodeAt(start) !== 35) {
        // One pass over the line's characters up to its last required field: a field is
        // a few characters, too short for indexOf's call to pay.
        let n = 1;
        cut[0] = start;
        let at = start;
        for (; at < end; at++) {
          if (text.charCodeAt(at) !== 32) continue;
          cut[n++] = at + 1;
          if (n > LAST + 1) break;
        }
        if (n === LAST + 1) cut[n++] = end + 1;
        if (n > LAST + 1) this.#visit(this.#row);
      }
      start = end + 1;
    }
  }
}

const LAST = REQUIRED_COLUMNS.length - 1;

/** Whether `head` (up to the header line's end) opens a version-1 dump with the required columns. */
function isDumpHeader(head: string): boolean {
  if (!head.startsWith("1\n# ")) return false;
  const columns = head.slice(4).trim().split(" ");
  return REQUIRED_COLUMNS.every((c, i) => columns[i] === c);
}

/**
 * {@link runningServers} straight from the text of a dump; null when the
 * text is not a version-1 dump.
 */
export function runningServersOf(text: string): RunningServer[] | null {
  const out: RunningServer[] = [];
  const ok = scanDump(text, (r) => out.push(runningServerAt(r)));
  return ok ? out : null;
}

/** The server a dump line describes, in the fields the comparison looks at. */
export function runningServerAt(r: RowView): RunningServer {
  return {
    backend: r.field(COL.be_name),
    server: r.field(COL.srv_name),
    address: r.field(COL.srv_addr),
    port: Number(r.field(COL.srv_port)),
    adminState: adminStateOf(Number(r.field(COL.srv_admin_state))),
    weight: Number(r.field(COL.srv_uweight)),
  };
}
