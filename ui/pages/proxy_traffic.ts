/**
 * The "Traffic" section of a frontend's or backend's page: its request
 * rate, responses by class and current sessions over the stats plugin's
 * history, drawn on the server (inline SVG, readable without JavaScript)
 * inside the `proxy-charts` island that keeps it live over SSE. A proxy
 * the history has not seen yet (just created) starts empty and fills in.
 *
 * @module
 */
import type { PageContext } from "../../core/pages.ts";
import { html, type VNode } from "../html.ts";
import type { HistoryPoint } from "../islands/metrics.ts";
import { ProxyChartGrid } from "../islands/proxy_charts.ts";
import type { ProxyKind } from "../islands/proxy_metrics.ts";

/** The section, or a note saying why there are no charts (the stats plugin not answering). */
export async function proxyTraffic(
  ctx: PageContext,
  kind: ProxyKind,
  name: string,
): Promise<VNode> {
  const path = `/api/stats/history/${kind}/${encodeURIComponent(name)}`;
  const r = await ctx.api<{ samples: HistoryPoint[]; kind?: string }>("GET", path);
  // The route's own 404 names the proxy (not sampled yet); any other failure means no plugin.
  const unseen = r.status === 404 && r.body?.kind === kind;
  if (!r.ok && !unseen) {
    return html`<p class="muted panel">Traffic charts need the statistics plugin, which is not
      answering (HTTP ${r.status}).</p>`;
  }
  const points = r.ok ? r.body.samples ?? [] : [];
  const note = `Request rate, responses per second by class and current sessions of ${kind} ` +
    `${name}, from the statistics history; live when JavaScript is on (reload the page otherwise).`;
  return html`
    <section class="panel" aria-labelledby="traffic-h">
      <h2 id="traffic-h">Traffic</h2>
      <p class="muted">${note}</p>
      <div data-island="proxy-charts" data-kind=${kind} data-name=${name}>
        <${ProxyChartGrid} points=${points} kind=${kind} name=${name} />
      </div>
    </section>
  `;
}
