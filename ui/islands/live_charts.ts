/**
 * The dashboard's four charts as one component: rendered on the server
 * from `/api/stats/history`, and in the browser kept live by the island,
 * which appends each entry of `/api/stats/stream`.
 *
 * @module
 */
import { html, type VNode } from "../html.ts";
import { LineChart } from "../components/chart.ts";
import { chartsFrom, type HistoryPoint } from "./metrics.ts";

/** Entries kept in the browser (the charts' window). */
export const LIVE_WINDOW = 360;

/** The chart grid for a list of history entries. */
export function ChartGrid(props: { points: HistoryPoint[]; live?: boolean }): VNode {
  const c = chartsFrom(props.points.slice(-LIVE_WINDOW));
  return html`
    <div class="grid" aria-live=${props.live ? "off" : undefined}>
      <${LineChart} title="Request rate" data=${c.requests} id="chart-requests" />
      <${LineChart} title="Sessions" data=${c.sessions} id="chart-sessions" />
      <${LineChart} title="Responses by class" data=${c.codes} id="chart-codes" />
      <${LineChart} title="Response time" data=${c.latency} id="chart-latency" />
    </div>
  `;
}
