/**
 * Turns a run of traffic samples into one {@link Reading} per proxy: how
 * many responses, 5xx and server errors happened over the run, and the
 * newest response time and servers up. HAProxy's counters belong to a
 * worker and start again from 0 after a reload, so an increase is summed
 * sample to sample and a counter that went down counts from 0 (a reset).
 *
 * @module
 */
import type { Reading, TrafficProxy, TrafficSample } from "./confirm_types.ts";

type Counter = "responses" | "r5xx" | "connErrors" | "respErrors";
const COUNTERS: Counter[] = ["responses", "r5xx", "connErrors", "respErrors"];

/** The increase of one cumulative series, resets counted from zero. */
export function increase(values: number[]): number {
  let total = 0;
  for (let i = 1; i < values.length; i++) {
    const d = values[i] - values[i - 1];
    total += d >= 0 ? d : values[i];
  }
  return total;
}

/**
 * The reading of each proxy (keyed `frontend/<name>`, `backend/<name>`: a
 * frontend and a backend may share a name) over `samples` (oldest first). A proxy
 * absent from every sample is absent from the result. With one sample the
 * increases are 0: a run needs two samples to count anything.
 */
export function readings(
  samples: TrafficSample[],
  names: string[],
): Record<string, Reading> {
  const out: Record<string, Reading> = {};
  for (const name of names) {
    const points: TrafficProxy[] = [];
    for (const s of samples) {
      const p = s.proxies.find((x) => proxyKey(x.kind, x.name) === name);
      if (p) points.push(p);
    }
    if (points.length === 0) continue;
    const sums = {} as Record<Counter, number>;
    for (const c of COUNTERS) sums[c] = increase(points.map((p) => p[c]));
    const newest = points[points.length - 1];
    out[name] = {
      samples: points.length,
      responses: sums.responses,
      r5xx: sums.r5xx,
      share5xxPct: sums.responses > 0 ? round(100 * sums.r5xx / sums.responses) : null,
      connErrors: sums.connErrors,
      respErrors: sums.respErrors,
      rtimeMs: newest.rtimeMs,
      serversUp: newest.serversUp,
      serversTotal: newest.serversTotal,
    };
  }
  return out;
}

/** A proxy's key in readings: kind and name. */
export function proxyKey(kind: "frontend" | "backend", name: string): string {
  return `${kind}/${name}`;
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
