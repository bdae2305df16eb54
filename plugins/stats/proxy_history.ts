/**
 * One frontend's or backend's slice of the rolling history, for
 * `GET /api/stats/history/:kind/:name`: the same entries as the whole
 * history, each sample keeping only that proxy's point, so a frontend or
 * backend page charts its own traffic without downloading every proxy's.
 *
 * @module
 */
import type { HistoryEntry } from "./summary.ts";

/** The proxy kinds the history keeps points for. */
export type ProxyKind = "frontend" | "backend";

/** Whether a path segment names a proxy kind. */
export function isProxyKind(v: string): v is ProxyKind {
  return v === "frontend" || v === "backend";
}

/**
 * The entries with each sample cut down to the one proxy (an empty
 * `proxies` where the sample did not have it: it was added or removed
 * since); gaps pass through, so a chart breaks its line where the whole
 * history does.
 */
export function proxyEntries(
  entries: HistoryEntry[],
  kind: ProxyKind,
  name: string,
): HistoryEntry[] {
  return entries.map((e) =>
    e.kind === "sample"
      ? { ...e, proxies: e.proxies.filter((p) => p.kind === kind && p.name === name) }
      : e
  );
}

/** Whether any sample of the entries has a point for the proxy. */
export function hasProxy(entries: HistoryEntry[], kind: ProxyKind, name: string): boolean {
  return entries.some((e) =>
    e.kind === "sample" && e.proxies.some((p) => p.kind === kind && p.name === name)
  );
}
