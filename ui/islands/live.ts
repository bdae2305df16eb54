/**
 * The live charts island: loads `/api/stats/history`, then appends each
 * entry of `/api/stats/stream` (server-sent events) and redraws.
 *
 * @module
 */
import { useEffect, useState } from "preact/hooks";
import { html, type VNode } from "../html.ts";
import { ChartGrid, LIVE_WINDOW } from "./live_charts.ts";
import type { HistoryPoint } from "./metrics.ts";

/** Live-updating chart grid. */
export function LiveCharts(): VNode {
  const [points, setPoints] = useState<HistoryPoint[]>([]);
  const [status, setStatus] = useState("connecting…");
  useEffect(() => {
    let source: EventSource | null = null;
    let closed = false;
    const push = (e: MessageEvent) => {
      try {
        const p = JSON.parse(e.data) as HistoryPoint;
        setPoints((old) => [...old, p].slice(-LIVE_WINDOW));
        setStatus("live");
      } catch {
        // A malformed event is skipped.
      }
    };
    fetch("/api/stats/history", { headers: { accept: "application/json" } })
      .then((r) => r.ok ? r.json() : { samples: [] })
      .then((body: { samples: HistoryPoint[] }) => {
        if (closed) return;
        setPoints((body.samples ?? []).slice(-LIVE_WINDOW));
        source = new EventSource("/api/stats/stream");
        source.addEventListener("sample", push);
        source.addEventListener("gap", push);
        source.addEventListener("error", () => setStatus("reconnecting…"));
      });
    return () => {
      closed = true;
      source?.close();
    };
  }, []);
  return html`
    <div>
      <p class="muted" role="status" aria-live="polite">Charts: ${status}</p>
      <${ChartGrid} points=${points} live=${true} />
    </div>
  `;
}
