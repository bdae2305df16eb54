/**
 * Read-only views over the latest sample that the `/api/stats/*` routes
 * return: the HTTP status-class distribution and the slowest backends.
 *
 * @module
 */
import type { StatTable } from "./csv.ts";
import { CODE_CLASSES, type Codes } from "./summary.ts";

/** `GET /api/stats/http-codes`. */
export interface HttpCodes {
  totals: Codes;
  frontends: ({ frontend: string } & Codes)[];
}

const zero = (): Codes => ({ "1xx": 0, "2xx": 0, "3xx": 0, "4xx": 0, "5xx": 0, other: 0 });

/** Sums the frontends' response counters by class (what clients actually received). */
export function httpCodes(table: StatTable): HttpCodes {
  const cols = CODE_CLASSES.map((k) => table.col(`hrsp_${k}`));
  const totals = zero();
  const frontends: HttpCodes["frontends"] = [];
  for (const row of table.rows) {
    if (table.kind(row) !== "frontend") continue;
    const codes = zero();
    CODE_CLASSES.forEach((k, i) => {
      codes[k] = table.num(row, cols[i]) ?? 0;
      totals[k] += codes[k];
    });
    frontends.push({ frontend: table.proxy(row), ...codes });
  }
  return { totals, frontends };
}

/** One backend in `GET /api/stats/slowest-backends`. */
export interface BackendTiming {
  backend: string;
  /** Average response time over the last 1,024 requests, ms. */
  responseTimeMs: number;
  /** Average total time (queue + connect + response + transfer), ms. */
  totalTimeMs: number;
  queueTimeMs: number;
  connectTimeMs: number;
  /** Requests (HTTP) or sessions (TCP) served so far. */
  requests: number;
  status: string;
}

/** Backends ranked by average response time, slowest first; ties by name. */
export function slowestBackends(table: StatTable, limit: number): BackendTiming[] {
  const c = {
    rtime: table.col("rtime"),
    ttime: table.col("ttime"),
    qtime: table.col("qtime"),
    ctime: table.col("ctime"),
    req: table.col("req_tot"),
    stot: table.col("stot"),
    status: table.col("status"),
  };
  const out: BackendTiming[] = [];
  for (const row of table.rows) {
    if (table.kind(row) !== "backend") continue;
    out.push({
      backend: table.proxy(row),
      responseTimeMs: table.num(row, c.rtime) ?? 0,
      totalTimeMs: table.num(row, c.ttime) ?? 0,
      queueTimeMs: table.num(row, c.qtime) ?? 0,
      connectTimeMs: table.num(row, c.ctime) ?? 0,
      requests: table.num(row, c.req) ?? table.num(row, c.stot) ?? 0,
      status: table.raw(row, c.status),
    });
  }
  out.sort((a, b) =>
    b.responseTimeMs - a.responseTimeMs ||
    (a.backend < b.backend ? -1 : a.backend > b.backend ? 1 : 0)
  );
  return out.slice(0, limit);
}
