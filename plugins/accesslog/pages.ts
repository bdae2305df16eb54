/**
 * The console's logs page: the stored access-log lines with the filters of
 * `GET /api/logs` (a plain GET form, so the filtered list works without
 * JavaScript) and, with it, a live tail fed by `GET /api/logs/stream` (the
 * `log-tail` island) above the list.
 *
 * @module
 */
import { ErrorBox, html, type PageDefinition, Table } from "../../mod_ui.ts";
import type { LogEntry } from "./parse.ts";

interface LogsReply {
  entries: LogEntry[];
  clientShown: boolean;
  listening: boolean;
  received: number;
  held: number;
  evicted: number;
  dropped: { haproxy: number | null; stream: number };
}

const FILTERS = ["frontend", "backend", "status", "client", "limit"] as const;

/** The `/logs` page (viewer). */
export function logsPage(): PageDefinition {
  return {
    path: "/logs",
    title: "Access logs",
    role: "viewer",
    nav: { group: "Operations", order: 40, label: "Access logs" },
    async render(ctx) {
      const query = new URLSearchParams();
      for (const name of FILTERS) {
        const v = ctx.url.searchParams.get(name);
        if (v) query.set(name, v);
      }
      if (!query.has("limit")) query.set("limit", "200");
      const reply = await ctx.api<LogsReply>("GET", `/api/logs?${query}`);
      const value = (name: string) => ctx.url.searchParams.get(name) ?? "";
      const form = html`
        <form method="get" action="/logs" class="filters" aria-label="Filter access logs">
          <label>Frontend <input name="frontend" value=${value("frontend")} /></label>
          <label>Backend <input name="backend" value=${value("backend")} /></label>
          <label>Status <input name="status" value=${value(
            "status",
          )} placeholder="404 or 5xx" /></label>
          ${reply.ok && reply.body.clientShown
            ? html`<label>Client <input name="client" value=${value("client")} /></label>`
            : null}
          <label>Limit <input name="limit" type="number" min="1" value=${query.get(
            "limit",
          )} /></label>
          <button type="submit">Filter</button>
        </form>
      `;
      if (!reply.ok) return html`${form}<${ErrorBox} reply=${reply} />`;
      const b = reply.body;
      const stream = new URLSearchParams(query);
      stream.delete("limit");
      return html`
        ${form}
        <p class="muted">
          ${b.listening ? "Receiving" : "Not receiving (access log off)"}: ${b.held} lines held,
          ${b.received} received, ${b.evicted} evicted by the size/age limits; dropped:
          ${b.dropped.haproxy ?? "?"} by HAProxy (socket full), ${b.dropped.stream} by slow live
          streams.
        </p>
        <section aria-label="Live tail">
          <h2>Live tail</h2>
          <div data-island="log-tail" data-src=${`/api/logs/stream?${stream}`}>
            <p class="muted">Live tail needs JavaScript; the list below is the latest lines.</p>
          </div>
        </section>
        <${Table}
          caption="Latest lines (newest last)"
          id="log-entries"
          rows=${b.entries}
          empty="No lines match."
          columns=${[
            { label: "Received", cell: (e: LogEntry) => new Date(e.at).toISOString() },
            { label: "Frontend", cell: (e: LogEntry) => e.frontend ?? "" },
            { label: "Backend", cell: (e: LogEntry) => e.backend ?? "" },
            { label: "Server", cell: (e: LogEntry) => e.server ?? "" },
            { label: "Status", cell: (e: LogEntry) => e.status ?? "" },
            { label: "ms", cell: (e: LogEntry) => e.durationMs ?? "" },
            { label: "Client", cell: (e: LogEntry) => e.client ?? "—" },
            { label: "Request", cell: (e: LogEntry) => e.request ?? e.message },
          ]}
        />
      `;
    },
  };
}
