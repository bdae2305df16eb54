/**
 * The backend page's live server numbers: on every sample of
 * `/api/stats/stream` (SSE, the page's one stream: stream.ts) it asks
 * `/api/haproxy/servers` again and rewrites the cells the server rendered
 * (same texts, from backend_live.ts), so the numbers of a drain can be
 * watched as they fall. Without JavaScript the page shows the numbers of
 * its own load.
 *
 * @module
 */
import { liveCells, type LiveServer, stateOf } from "../pages/backend_live.ts";
import { follow } from "./stream.ts";

/** Rewrites the live cells of every server row under `el` from one servers listing. */
export function applyLive(el: HTMLElement, backend: string, servers: LiveServer[]): void {
  const mine = new Map(servers.filter((s) => s.backend === backend).map((s) => [s.server, s]));
  for (const row of el.querySelectorAll<HTMLElement>("tr[data-server]")) {
    const live = mine.get(row.dataset.server ?? "");
    const cells = liveCells(live);
    for (const [key, text] of Object.entries(cells)) {
      const td = row.querySelector<HTMLElement>(`[data-cell="${key}"]`);
      if (td && td.textContent !== text) td.textContent = text;
    }
    const weight = row.querySelector<HTMLElement>('[data-cell="weight"]');
    if (weight && live) weight.textContent = String(live.weight);
    const badge = row.querySelector<HTMLElement>('[data-cell="state"]');
    if (badge) {
      const s = stateOf(live);
      badge.className = s.cls;
      badge.textContent = s.text;
    }
  }
}

/** Starts refreshing the live cells of a `data-island="live-servers"` element. */
export function liveServers(el: HTMLElement): void {
  const backend = el.dataset.backend ?? "";
  const status = el.querySelector<HTMLElement>('[data-cell="status"]');
  let busy = false;
  const refresh = async () => {
    if (busy) return;
    busy = true;
    try {
      const r = await fetch("/api/haproxy/servers", { headers: { accept: "application/json" } });
      if (r.ok) {
        applyLive(el, backend, ((await r.json()) as { servers: LiveServer[] }).servers ?? []);
        if (status) status.textContent = `Live: updated ${new Date().toLocaleTimeString()}`;
      }
    } catch {
      if (status) status.textContent = "Live updates paused (the daemon did not answer).";
    } finally {
      busy = false;
    }
  };
  follow({
    entry: (e) => {
      if (e.kind === "sample") void refresh();
    },
    error: () => {
      if (status) status.textContent = "Live updates reconnecting…";
    },
  });
}
