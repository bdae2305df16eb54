/**
 * One frontend's or backend's charts from the stats plugin's history
 * entries (`/api/stats/history/:kind/:name`, and the whole entries of
 * `/api/stats/stream`, which carry every proxy): its request rate, its
 * responses per second by class (2xx green, 4xx amber, 5xx red) and its
 * current sessions. Pure, so the page and the live island draw the same.
 *
 * @module
 */
import type { ChartData } from "../components/chart.ts";
import type { HistoryPoint } from "./metrics.ts";

/** A proxy kind the history keeps points for. */
export type ProxyKind = "frontend" | "backend";

/** The three charts of one proxy, in display order. */
export interface ProxyCharts {
  requests: ChartData;
  codes: ChartData;
  sessions: ChartData;
}

type Sample = Extract<HistoryPoint, { kind: "sample" }>;
type Proxy = Sample["proxies"][number];

/** The proxy's point in an entry, or null (a gap, or a sample from before it existed). */
export function pointOf(p: HistoryPoint, kind: ProxyKind, name: string): Proxy | null {
  if (p.kind !== "sample") return null;
  return p.proxies.find((x) => x.kind === kind && x.name === name) ?? null;
}

/** An entry cut down to the one proxy (what the per-proxy history route answers). */
export function onlyProxy(p: HistoryPoint, kind: ProxyKind, name: string): HistoryPoint {
  if (p.kind !== "sample") return p;
  const mine = pointOf(p, kind, name);
  return { ...p, proxies: mine ? [mine] : [] };
}

const CLASSES = [
  { key: "2xx", tone: "ok" },
  { key: "4xx", tone: "warn" },
  { key: "5xx", tone: "bad" },
] as const;

/**
 * Builds the series. Rates come from the counters' deltas between
 * consecutive points; a gap, a missing point or a counter that went back
 * (a reload reset it) breaks the lines. TCP proxies (no request counter)
 * chart sessions per second instead.
 */
export function proxyChartsFrom(
  points: HistoryPoint[],
  kind: ProxyKind,
  name: string,
): ProxyCharts {
  const times: number[] = [];
  const req: (number | null)[] = [];
  const sess: (number | null)[] = [];
  const codes = CLASSES.map(() => [] as (number | null)[]);
  let prev: { at: number; x: Proxy } | null = null;
  let http = false;
  for (const p of points) {
    times.push(p.at);
    const x = pointOf(p, kind, name);
    if (!x) {
      prev = null;
      [req, sess, ...codes].forEach((s) => s.push(null));
      continue;
    }
    http = x.reqTot !== null;
    sess.push(x.scur);
    if (prev) {
      const dt = Math.max(0.001, (p.at - prev.at) / 1000);
      const was = prev.x;
      const dReq = (x.reqTot ?? x.stot) - (was.reqTot ?? was.stot);
      const d = CLASSES.map((c) => (x.hrsp?.[c.key] ?? 0) - (was.hrsp?.[c.key] ?? 0));
      const reset = dReq < 0 || d.some((v) => v < 0);
      req.push(reset ? null : dReq / dt);
      d.forEach((v, i) => codes[i].push(reset ? null : v / dt));
    } else {
      req.push(null);
      codes.forEach((s) => s.push(null));
    }
    prev = { at: p.at, x };
  }
  return {
    requests: {
      times,
      unit: http ? "req/s" : "sess/s",
      series: [{
        label: http ? "requests per second" : "sessions per second",
        values: req,
        tone: "accent",
      }],
    },
    codes: {
      times,
      unit: "/s",
      series: CLASSES.map((c, i) => ({ label: c.key, values: codes[i], tone: c.tone })),
    },
    sessions: {
      times,
      unit: "",
      series: [{ label: "current sessions", values: sess, tone: "accent" }],
    },
  };
}
