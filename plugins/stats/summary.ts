/**
 * Turns one full sample into what the history keeps (a compact point per
 * frontend and backend), and two consecutive samples into health
 * transitions (server up → down, down → up, backend left with no server).
 *
 * @module
 */
import type { Info, StatTable } from "./csv.ts";
import { NameInterner } from "./retention.ts";

/** HTTP response counters by class, as HAProxy counts them. */
export interface Codes {
  "1xx": number;
  "2xx": number;
  "3xx": number;
  "4xx": number;
  "5xx": number;
  other: number;
}

/** The code classes, in HAProxy's column order (`hrsp_1xx` ... `hrsp_other`). */
export const CODE_CLASSES = ["1xx", "2xx", "3xx", "4xx", "5xx", "other"] as const;

/** One frontend or backend at one instant. */
export interface ProxyPoint {
  name: string;
  kind: "frontend" | "backend";
  status: string;
  /** Current sessions. */
  scur: number;
  /** Sessions per second over the last second. */
  rate: number;
  /** Cumulative sessions. */
  stot: number;
  /** Cumulative HTTP requests (null in TCP mode). */
  reqTot: number | null;
  hrsp: Codes;
  bytesIn: number;
  bytesOut: number;
  /** Average response / total time over the last 1,024 requests, ms (backends). */
  rtimeMs: number | null;
  ttimeMs: number | null;
}

/** Process-wide counters from `show info`. */
export interface Totals {
  currentConnections: number;
  connectionRate: number;
  sessionRate: number;
  cumulativeRequests: number;
  idlePct: number;
}

/** A history entry: a sample, or a gap where reading failed (reload, HAProxy down). */
export type HistoryEntry =
  | {
    kind: "sample";
    at: number;
    /** How long reading and parsing took, ms. */
    durationMs: number;
    /** How late the sample started against its schedule, ms. */
    lagMs: number;
    totals: Totals;
    proxies: ProxyPoint[];
    /**
     * Set once the sample was stripped of its points to keep the history
     * within `stats.historyPoints` (retention.ts); its totals stay.
     */
    proxiesTrimmed?: true;
  }
  | { kind: "gap"; at: number; reason: string };

const n = (v: string | number | undefined): number => (typeof v === "number" ? v : 0);

/** Builds a history point from a parsed `show info` and `show stat`. */
export function summarize(
  at: number,
  info: Info,
  table: StatTable,
  timing: { durationMs: number; lagMs: number },
  names: NameInterner = new NameInterner(),
): HistoryEntry {
  const c = {
    scur: table.col("scur"),
    rate: table.col("rate"),
    stot: table.col("stot"),
    reqTot: table.col("req_tot"),
    bin: table.col("bin"),
    bout: table.col("bout"),
    rtime: table.col("rtime"),
    ttime: table.col("ttime"),
    status: table.col("status"),
    hrsp: CODE_CLASSES.map((k) => table.col(`hrsp_${k}`)),
  };
  const proxies: ProxyPoint[] = [];
  for (const row of table.rows) {
    const kind = table.kind(row);
    if (kind !== "frontend" && kind !== "backend") continue;
    const hrsp = {} as Codes;
    CODE_CLASSES.forEach((k, i) => hrsp[k] = table.num(row, c.hrsp[i]) ?? 0);
    proxies.push({
      // Detached: a slice of the CSV would keep the sample's whole text alive (retention.ts).
      name: names.take(table.proxy(row)),
      kind,
      status: names.take(table.raw(row, c.status)),
      scur: table.num(row, c.scur) ?? 0,
      rate: table.num(row, c.rate) ?? 0,
      stot: table.num(row, c.stot) ?? 0,
      reqTot: table.num(row, c.reqTot),
      hrsp,
      bytesIn: table.num(row, c.bin) ?? 0,
      bytesOut: table.num(row, c.bout) ?? 0,
      rtimeMs: kind === "backend" ? table.num(row, c.rtime) : null,
      ttimeMs: kind === "backend" ? table.num(row, c.ttime) : null,
    });
  }
  return {
    kind: "sample",
    at,
    durationMs: timing.durationMs,
    lagMs: timing.lagMs,
    totals: {
      currentConnections: n(info.CurrConns),
      connectionRate: n(info.ConnRate),
      sessionRate: n(info.SessRate),
      cumulativeRequests: n(info.CumReq),
      idlePct: n(info.Idle_pct),
    },
    proxies,
  };
}

/** A server's health, reduced from HAProxy's status text. */
export type Health = "up" | "down" | "maint" | "other";

/** "UP", "UP 1/3", "no check", "DRAIN", "NOLB" → up; "DOWN", "DOWN 1/2" → down. */
export function healthOf(status: string): Health {
  if (/^(UP|no check|DRAIN|NOLB|OPEN)/.test(status)) return "up";
  if (status.startsWith("DOWN")) return "down";
  if (status.startsWith("MAINT")) return "maint";
  return "other";
}

/** Server and backend health at one instant, keyed `backend/server` and `backend`. */
export interface HealthMap {
  servers: Map<string, { backend: string; server: string; health: Health; status: string }>;
  backends: Map<string, Health>;
}

/** Extracts the health of every server and backend of a sample. */
export function healthMap(table: StatTable): HealthMap {
  const status = table.col("status");
  const out: HealthMap = { servers: new Map(), backends: new Map() };
  for (const row of table.rows) {
    const kind = table.kind(row);
    const s = table.raw(row, status);
    if (kind === "server") {
      out.servers.set(`${table.proxy(row)}/${table.server(row)}`, {
        backend: table.proxy(row),
        server: table.server(row),
        health: healthOf(s),
        status: s,
      });
    } else if (kind === "backend") out.backends.set(table.proxy(row), healthOf(s));
  }
  return out;
}

/** A change worth telling the other plugins about. */
export type Transition =
  | { event: "server:down" | "server:up"; backend: string; server: string; status: string }
  | { event: "backend:down"; backend: string };

/**
 * The transitions between two consecutive samples. Servers or backends that
 * appear or disappear (an apply changed the config) produce none.
 */
export function transitions(prev: HealthMap, next: HealthMap): Transition[] {
  const out: Transition[] = [];
  for (const [key, now] of next.servers) {
    const before = prev.servers.get(key);
    if (!before) continue;
    if (before.health === "up" && now.health === "down") {
      out.push({
        event: "server:down",
        backend: now.backend,
        server: now.server,
        status: now.status,
      });
    } else if (before.health === "down" && now.health === "up") {
      out.push({
        event: "server:up",
        backend: now.backend,
        server: now.server,
        status: now.status,
      });
    }
  }
  for (const [backend, now] of next.backends) {
    const before = prev.backends.get(backend);
    if (before && before !== "down" && now === "down") out.push({ event: "backend:down", backend });
  }
  return out;
}
