/**
 * Turns the stats plugin's history entries (`/api/stats/history`, and the
 * same entries on `/api/stats/stream`) into the dashboard's four charts:
 * request rate, current sessions, response classes share and response
 * time. Pure, so the server renders and the live island redraws the same.
 *
 * @module
 */
import type { ChartData } from "../components/chart.ts";

/** The parts of a history entry the charts read. */
export type HistoryPoint =
  | {
    kind: "sample";
    at: number;
    totals: { currentConnections: number };
    proxies: {
      name: string;
      kind: "frontend" | "backend";
      scur: number;
      reqTot: number | null;
      stot: number;
      hrsp: Record<string, number>;
      rtimeMs: number | null;
    }[];
  }
  | { kind: "gap"; at: number; reason?: string };

/** The dashboard's charts, in display order. */
export interface DashboardCharts {
  requests: ChartData;
  sessions: ChartData;
  codes: ChartData;
  latency: ChartData;
}

type Sample = Extract<HistoryPoint, { kind: "sample" }>;
type Proxy = Sample["proxies"][number];

function frontendSum(p: Sample, f: (x: Proxy) => number): number {
  return p.proxies.filter((x) => x.kind === "frontend").reduce((n, x) => n + f(x), 0);
}

/** Builds the chart series; a gap (or a counter reset by a reload) breaks the lines. */
export function chartsFrom(points: HistoryPoint[]): DashboardCharts {
  const times: number[] = [];
  const req: (number | null)[] = [];
  const sess: (number | null)[] = [];
  const c2: (number | null)[] = [];
  const c4: (number | null)[] = [];
  const c5: (number | null)[] = [];
  const rt: (number | null)[] = [];
  let prev: Sample | null = null;
  for (const p of points) {
    times.push(p.at);
    if (p.kind !== "sample") {
      prev = null;
      [req, sess, c2, c4, c5, rt].forEach((s) => s.push(null));
      continue;
    }
    sess.push(frontendSum(p, (x) => x.scur));
    const backends = p.proxies.filter((x) => x.kind === "backend" && x.rtimeMs !== null);
    rt.push(
      backends.length ? backends.reduce((n, x) => n + (x.rtimeMs ?? 0), 0) / backends.length : null,
    );
    const reqNow = frontendSum(p, (x) => x.reqTot ?? x.stot);
    const codes = (k: string) => frontendSum(p, (x) => x.hrsp?.[k] ?? 0);
    if (prev) {
      const dt = Math.max(0.001, (p.at - prev.at) / 1000);
      const dReq = reqNow - frontendSum(prev, (x) => x.reqTot ?? x.stot);
      const was = prev;
      const d = (k: string) => codes(k) - frontendSum(was, (x) => x.hrsp?.[k] ?? 0);
      const d2 = d("2xx"), d4 = d("4xx"), d5 = d("5xx");
      const all = d2 + d4 + d5 + d("3xx") + d("1xx") + d("other");
      const reset = dReq < 0 || all < 0;
      req.push(reset ? null : dReq / dt);
      c2.push(reset || all === 0 ? null : (100 * d2) / all);
      c4.push(reset || all === 0 ? null : (100 * d4) / all);
      c5.push(reset || all === 0 ? null : (100 * d5) / all);
    } else {
      req.push(null);
      c2.push(null);
      c4.push(null);
      c5.push(null);
    }
    prev = p;
  }
  return {
    requests: { times, unit: "req/s", series: [{ label: "requests per second", values: req }] },
    sessions: { times, unit: "", series: [{ label: "current sessions", values: sess }] },
    codes: {
      times,
      unit: "%",
      series: [
        { label: "2xx", values: c2, tone: "ok" },
        { label: "4xx", values: c4, tone: "warn" },
        { label: "5xx", values: c5, tone: "bad" },
      ],
    },
    latency: { times, unit: "ms", series: [{ label: "avg response time", values: rt }] },
  };
}
