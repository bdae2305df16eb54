/**
 * A frontend's or backend's chart grid (request rate, responses by class,
 * current sessions) as one component: drawn on the server from the proxy's
 * history, so it reads without JavaScript, and redrawn by the
 * `proxy-charts` island (live_proxy.ts) as the stats stream brings entries.
 *
 * @module
 */
import { html, type VNode } from "../html.ts";
import { LineChart } from "../components/chart.ts";
import { LIVE_WINDOW } from "./live_charts.ts";
import type { HistoryPoint } from "./metrics.ts";
import { proxyChartsFrom, type ProxyKind } from "./proxy_metrics.ts";

/** The grid of one proxy's charts over the newest {@link LIVE_WINDOW} entries. */
export function ProxyChartGrid(
  props: { points: HistoryPoint[]; kind: ProxyKind; name: string },
): VNode {
  const c = proxyChartsFrom(props.points.slice(-LIVE_WINDOW), props.kind, props.name);
  const id = (chart: string) => `chart-${props.kind}-${chart}`;
  return html`
    <div class="grid">
      <${LineChart} title="Request rate" data=${c.requests} id=${id("requests")} />
      <${LineChart} title="Responses by class" data=${c.codes} id=${id("codes")} />
      <${LineChart} title="Current sessions" data=${c.sessions} id=${id("sessions")} />
    </div>
  `;
}
