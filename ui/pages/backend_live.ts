/**
 * A backend's servers as the running HAProxy sees them: state, weight,
 * sessions (current/total), session rate, 4xx and 5xx answers, the last
 * check's status and how long ago the state last changed. Rendered on the
 * server, so it reads without JavaScript; the `live-servers` island
 * refreshes the same cells on every sample of the stats stream (SSE).
 *
 * @module
 */
import type { PageContext } from "../../core/pages.ts";
import { html, type VNode } from "../html.ts";

/** A server's live state as `GET /api/haproxy/servers` reports it. */
export interface LiveServer {
  backend: string;
  server: string;
  opState: string;
  adminState: "ready" | "drain" | "maint";
  weight: number;
  status: string | null;
  checkStatus: string | null;
  sessions?: { current: number; total: number } | null;
  rate?: number | null;
  http4xx?: number | null;
  http5xx?: number | null;
  lastChangeSec?: number | null;
}

/** Live server states keyed `backend/server`; empty when the runtime plugin is absent. */
export async function liveServers(ctx: PageContext): Promise<Map<string, LiveServer>> {
  const r = await ctx.api<{ servers: LiveServer[] }>("GET", "/api/haproxy/servers");
  const map = new Map<string, LiveServer>();
  if (r.ok && Array.isArray(r.body?.servers)) {
    for (const s of r.body.servers) map.set(`${s.backend}/${s.server}`, s);
  }
  return map;
}

/** The badge class and text of a server's live state: green up, red down, amber drain/maint. */
export function stateOf(l: LiveServer | undefined): { cls: string; text: string } {
  if (!l) return { cls: "badge", text: "unknown" };
  if (l.adminState !== "ready") return { cls: "badge warn", text: l.adminState.toUpperCase() };
  const status = l.status ?? l.opState;
  const cls = /^UP|no check/i.test(status)
    ? "badge ok"
    : /DOWN/i.test(status)
    ? "badge bad"
    : "badge";
  return { cls, text: status };
}

/** A badge for a server's live state. */
export function StateBadge(props: { live: LiveServer | undefined }): VNode {
  const s = stateOf(props.live);
  return html`<span class=${s.cls} data-cell="state">${s.text}</span>`;
}

/** Seconds as the largest sensible unit: `42 s`, `5 min`, `3 h`, `2 d`. */
export function ago(sec: number | null | undefined): string {
  if (sec === null || sec === undefined || !Number.isFinite(sec)) return "–";
  if (sec < 120) return `${sec} s ago`;
  if (sec < 7200) return `${Math.floor(sec / 60)} min ago`;
  if (sec < 172800) return `${Math.floor(sec / 3600)} h ago`;
  return `${Math.floor(sec / 86400)} d ago`;
}

/** The text of every live cell of one server, by cell name (the island uses the same). */
export function liveCells(l: LiveServer | undefined): Record<string, string> {
  const n = (v: number | null | undefined) => (v === null || v === undefined ? "–" : String(v));
  return {
    sessions: l?.sessions ? `${l.sessions.current} / ${l.sessions.total}` : "–",
    rate: l?.rate === null || l?.rate === undefined ? "–" : `${l.rate}/s`,
    http4xx: n(l?.http4xx),
    http5xx: n(l?.http5xx),
    check: l?.checkStatus ?? "–",
    changed: ago(l?.lastChangeSec),
  };
}

/** The headers of the live columns, in display order, with their cell names. */
export const LIVE_COLUMNS: { key: string; label: string; cls?: string }[] = [
  { key: "sessions", label: "Sessions now / total" },
  { key: "rate", label: "Rate" },
  { key: "http4xx", label: "4xx", cls: "n4xx" },
  { key: "http5xx", label: "5xx", cls: "n5xx" },
  { key: "check", label: "Last check" },
  { key: "changed", label: "State changed" },
];

/** One server's live cells as table cells, tagged for the island. */
export function LiveCells(props: { live: LiveServer | undefined }): VNode {
  const cells = liveCells(props.live);
  return html`${
    LIVE_COLUMNS.map((c) => html`<td class=${c.cls} data-cell=${c.key}>${cells[c.key]}</td>`)
  }`;
}
