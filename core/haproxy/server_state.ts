/**
 * The two sides of "what servers does HAProxy run": the Runtime API's
 * `show servers state` dump (format version 1, as HAProxy 2.6 prints it and
 * reads it back from `server-state-file`), and the `server` lines a rendered
 * `haproxy.cfg` declares. Pure functions over text, so the reload filter
 * (server_state_filter.ts) and the drift comparison
 * (server_state_compare.ts) are tested on fixtures of real output.
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

/** One line of a dump, every column by its header name. */
export type DumpRow = Record<string, string>;

/** A parsed `show servers state` dump. */
export interface ServerStateDump {
  /** The format version on the first line (HAProxy 2.6 writes and reads only 1). */
  version: number;
  /** The column names of the `#` header line, in order. */
  columns: string[];
  /** One record per server line. */
  rows: DumpRow[];
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

const MAINT_BITS = ADMIN.FMAINT | ADMIN.IMAINT | ADMIN.CMAINT | ADMIN.RMAINT | ADMIN.HMAINT;
const DRAIN_BITS = ADMIN.FDRAIN | ADMIN.IDRAIN;

/** The admin state a `srv_admin_state` bit field means; maint wins over drain. */
export function adminStateOf(flags: number): AdminState {
  if (flags & MAINT_BITS) return "maint";
  if (flags & DRAIN_BITS) return "drain";
  return "ready";
}

/**
 * Parses a dump; null when it is not one (no version line, a version other
 * than 1, or no header), so a caller never feeds HAProxy a file it would
 * reject or misread.
 */
export function parseServerStateDump(text: string): ServerStateDump | null {
  const lines = text.split("\n");
  if (lines[0]?.trim() !== "1") return null;
  const header = lines.find((l) => l.startsWith("# "));
  if (!header) return null;
  const columns = header.slice(2).trim().split(/\s+/);
  if (!REQUIRED_COLUMNS.every((c) => columns.includes(c))) return null;
  const rows: DumpRow[] = [];
  for (const line of lines.slice(1)) {
    if (!line.trim() || line.startsWith("#")) continue;
    const fields = line.trim().split(/\s+/);
    const row: DumpRow = {};
    columns.forEach((c, i) => (row[c] = fields[i] ?? ""));
    rows.push(row);
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
    backend: r.be_name,
    server: r.srv_name,
    address: r.srv_addr,
    port: Number(r.srv_port),
    adminState: adminStateOf(Number(r.srv_admin_state)),
    weight: Number(r.srv_uweight),
  }));
}

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
 * `server-template` line (in raw directives) stands for.
 */
export function declaredServers(cfg: string): Map<string, DeclaredServer> {
  const out = new Map<string, DeclaredServer>();
  let proxy: string | null = null;
  let defaults: string[] = [];
  for (const raw of cfg.split("\n")) {
    if (!raw.trim() || raw.trimStart().startsWith("#")) continue;
    const words = raw.trim().split(/\s+/);
    if (!/^\s/.test(raw)) {
      proxy = words[0] === "backend" || words[0] === "listen" ? (words[1] ?? null) : null;
      defaults = [];
      continue;
    }
    if (proxy === null) continue;
    if (words[0] === "default-server") defaults.push(words.slice(1).join(" "));
    const context = defaults.map((d) => `default-server ${d}`);
    if (words[0] === "server" && words.length >= 3) {
      const [, name, address, ...rest] = words;
      out.set(serverKey(proxy, name), declared(proxy, name, address, rest, context));
    } else if (words[0] === "server-template" && words.length >= 4) {
      const [, prefix, range, address, ...rest] = words;
      const [from, to] = range.includes("-") ? range.split("-").map(Number) : [1, Number(range)];
      for (let i = from; i <= to && i - from < 100_000; i++) {
        const name = `${prefix}${i}`;
        out.set(
          serverKey(proxy, name),
          declared(proxy, name, address, rest, [...context, raw.trim()]),
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
  context: string[],
): DeclaredServer {
  // `host:port`, `[v6]:port`; a form without a port (or `unix@…`) gets NaN, never compared.
  const at = address.lastIndexOf(":");
  const bracketed = address.startsWith("[") && !address.includes("]:");
  const hasPort = at > 0 && !bracketed && /^\d+$/.test(address.slice(at + 1));
  const host = (hasPort ? address.slice(0, at) : address).replace(/^\[|\]$/g, "");
  const w = rest.indexOf("weight");
  const weight = w >= 0 ? Number(rest[w + 1]) : 1;
  const args = w >= 0 ? [...rest.slice(0, w), ...rest.slice(w + 2)] : rest;
  return {
    backend,
    server,
    host,
    port: hasPort ? Number(address.slice(at + 1)) : NaN,
    weight,
    disabled: args.includes("disabled"),
    definition: [...context, `${address} ${args.join(" ")}`].join("\n"),
  };
}

/** Whether a host is an IP literal (so the running `srv_addr` must equal it). */
export function isIpLiteral(host: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(host) ||
    (host.includes(":") && /^[0-9a-f:.]+$/i.test(host));
}
