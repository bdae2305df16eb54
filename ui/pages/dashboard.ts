/**
 * The dashboard: live charts (request rate, sessions, response classes,
 * response time) from the stats plugin's history and stream, a grid of
 * server health by backend (each cell labelled with its server and state),
 * and the certificates that expire soon. Each part degrades to a plain note
 * when the plugin behind it is absent.
 *
 * @module
 */
import type { PageContext, PageDefinition, PageResult } from "../../core/pages.ts";
import { html, type VNode } from "../html.ts";
import { ChartGrid } from "../islands/live_charts.ts";
import type { HistoryPoint } from "../islands/metrics.ts";
import { type LiveServer, liveServers } from "./backends.ts";
import { loadState } from "../edit_flow.ts";
import { Table } from "../components/table.ts";

interface Cert {
  name: string;
  domains: string[];
  notAfter: string | null;
  daysLeft: number | null;
  status: string;
}

/** Certificates expiring within this many days are listed. */
export const EXPIRING_DAYS = 30;

/** The mark inside each health cell (its colour and the label beside it say the same). */
const HEALTH_MARK: Record<string, string> = {
  up: "✓",
  down: "✕",
  drain: "D",
  maint: "M",
  unknown: "?",
};

function healthClass(l: LiveServer | undefined): string {
  if (!l) return "unknown";
  if (l.adminState === "maint") return "maint";
  if (l.adminState === "drain") return "drain";
  const s = l.status ?? l.opState;
  if (/^DOWN|^down/.test(s)) return "down";
  if (/^UP|^up|no check/i.test(s)) return "up";
  return "unknown";
}

async function charts(ctx: PageContext): Promise<VNode> {
  const r = await ctx.api<{ samples: HistoryPoint[] }>("GET", "/api/stats/history");
  if (!r.ok) {
    return html`<p class="muted panel">Traffic charts need the statistics plugin, which is not
      answering (HTTP ${r.status}).</p>`;
  }
  return html`
    <section aria-labelledby="traffic-h">
      <h2 id="traffic-h">Traffic</h2>
      <div data-island="live-charts">
        <${ChartGrid} points=${r.body.samples ?? []} />
      </div>
    </section>
  `;
}

async function health(ctx: PageContext): Promise<VNode> {
  const loaded = await loadState(ctx);
  if ("error" in loaded) return html`<p class="muted">State unavailable.</p>`;
  const live = await liveServers(ctx);
  const backends = loaded.state.haproxy.backends;
  return html`<section class="panel" aria-labelledby="health-h">
    <h2 id="health-h">Server health</h2>
    ${backends.length === 0 ? html`<p class="muted">No backends yet.</p>` : null}
    ${
    backends.map((b) => {
      const servers = (b.servers as { name: string }[]) ?? [];
      return html`<div class="row"><strong><a href=${`/backends/${
        encodeURIComponent(String(b.id))
      }`}>
        ${b.id}</a></strong>
        <div class="health" role="list" aria-label=${`Servers of ${b.id}`}>
          ${
        servers.map((s) => {
          const cls = healthClass(live.get(`${b.id}/${s.name}`));
          return html`
            <span role="listitem" class="hc" data-server=${s.name} data-health=${cls}
              title=${`${s.name}: ${cls}`}><span class=${`cell ${cls}`} aria-hidden="true">${HEALTH_MARK[
                cls
              ]}</span>${s.name} <span class="muted">${cls}</span></span>
          `;
        })
      }
        </div></div>`;
    })
  }
    ${
    live.size === 0 && backends.length
      ? html`<p class="muted">Live state needs the runtime plugin.</p>`
      : null
  }
  </section>`;
}

async function certs(ctx: PageContext): Promise<VNode | null> {
  const r = await ctx.api<{ certificates: Cert[] }>("GET", "/api/certificates");
  if (r.status === 404) return null;
  if (!r.ok) return html`<p class="muted">Certificates unavailable (HTTP ${r.status}).</p>`;
  const soon = r.body.certificates.filter((c) => c.daysLeft !== null && c.daysLeft <= EXPIRING_DAYS)
    .sort((a, b) => (a.daysLeft ?? 0) - (b.daysLeft ?? 0));
  return html`
    <section class="panel" aria-labelledby="certs-h">
      <h2 id="certs-h">Certificates expiring within ${EXPIRING_DAYS} days</h2>
      <${Table} rows=${soon} empty="None: every certificate has more than 30 days left."
        columns=${[
          { label: "Certificate", cell: (c: Cert) => c.name },
          { label: "Domains", cell: (c: Cert) => c.domains.join(", ") },
          {
            label: "Days left",
            cell: (c: Cert) =>
              html`<span class=${
                (c.daysLeft ?? 0) < 7 ? "badge bad" : "badge warn"
              }>${c.daysLeft}</span>`,
          },
          { label: "Expires", cell: (c: Cert) => c.notAfter ?? "" },
        ]} />
    </section>
  `;
}

async function render(ctx: PageContext): Promise<PageResult> {
  const [c, h, x] = await Promise.all([charts(ctx), health(ctx), certs(ctx)]);
  return html`${c}${h}${x}`;
}

/** The dashboard page. */
export function dashboardPages(): PageDefinition[] {
  return [{
    path: "/dashboard",
    title: "Dashboard",
    role: "viewer",
    nav: { group: "Overview", order: 10 },
    render,
  }];
}
