/**
 * The `proxy-charts` island: follows the page's stats stream (stream.ts),
 * loads the proxy's own history (`/api/stats/history/:kind/:name`), and
 * only then takes over the grid the page rendered, so the charts never
 * blank while loading; from there each entry, cut down to the proxy,
 * is appended and the grid redrawn.
 *
 * @module
 */
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { html, type VNode } from "../html.ts";
import { LIVE_WINDOW } from "./live_charts.ts";
import type { HistoryPoint } from "./metrics.ts";
import { ProxyChartGrid } from "./proxy_charts.ts";
import { onlyProxy, type ProxyKind } from "./proxy_metrics.ts";
import { follow } from "./stream.ts";

/** Appends entries newer than the newest held, keeping the window. */
export function appendNewer(old: HistoryPoint[], more: HistoryPoint[]): HistoryPoint[] {
  const last = old.length ? old[old.length - 1].at : -Infinity;
  const fresh = more.filter((p) => p.at > last);
  return fresh.length ? [...old, ...fresh].slice(-LIVE_WINDOW) : old;
}

/** Where the component hears new entries (and stream trouble) from. */
interface Feed {
  listen(on: { entry(p: HistoryPoint): void; error(): void }): void;
}

function LiveProxyCharts(
  props: { kind: ProxyKind; name: string; initial: HistoryPoint[]; feed: Feed },
): VNode {
  const [points, setPoints] = useState(props.initial);
  const [status, setStatus] = useState("live");
  useEffect(() => {
    props.feed.listen({
      entry: (p) => {
        setPoints((old) => appendNewer(old, [p]));
        setStatus("live");
      },
      error: () => setStatus("reconnecting…"),
    });
  }, []);
  return html`
    <div>
      <p class="muted" role="status" aria-live="polite">Charts: ${status}</p>
      <${ProxyChartGrid} points=${points} kind=${props.kind} name=${props.name} />
    </div>
  `;
}

/** Starts a `data-island="proxy-charts"` element (`data-kind`, `data-name`). */
export function proxyCharts(el: HTMLElement): void {
  const kind: ProxyKind = el.dataset.kind === "frontend" ? "frontend" : "backend";
  const name = el.dataset.name ?? "";
  // Entries that arrive before the component listens are held, then handed over.
  const held: HistoryPoint[] = [];
  let on: { entry(p: HistoryPoint): void; error(): void } | null = null;
  follow({
    entry: (e) => {
      const mine = onlyProxy(e, kind, name);
      if (on) on.entry(mine);
      else held.push(mine);
    },
    error: () => on?.error(),
  });
  const feed: Feed = {
    listen(listener) {
      on = listener;
      for (const p of held.splice(0)) listener.entry(p);
    },
  };
  fetch(`/api/stats/history/${kind}/${encodeURIComponent(name)}`, {
    headers: { accept: "application/json" },
  })
    .then((r) => (r.ok ? r.json() : { samples: [] }))
    .catch(() => ({ samples: [] }))
    .then((body: { samples?: HistoryPoint[] }) => {
      const initial = (body.samples ?? []).slice(-LIVE_WINDOW);
      render(
        html`<${LiveProxyCharts} kind=${kind} name=${name} initial=${initial} feed=${feed} />`,
        el,
      );
    });
}
