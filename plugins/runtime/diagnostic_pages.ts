/**
 * The runtime plugin's read-only diagnostic pages: DNS resolvers (the
 * `haproxy.resolvers[]` sections the state declares, the servers using
 * each, and HAProxy's per-name-server counters from `show resolvers`), and
 * protocol errors (`show errors`: the last invalid request and response per
 * proxy). Both read the same routes as the REST surface
 * (`/api/runtime/resolvers`, `/api/runtime/errors`); the captured bytes of
 * an invalid message are shown to admins only, as the route answers them.
 *
 * @module
 */
import {
  ErrorBox,
  html,
  type PageContext,
  type PageDefinition,
  type PageResult,
  Table,
  type VNode,
} from "../../mod_ui.ts";
import type { NameserverStats, ResolversStats } from "./resolvers.ts";
import type { CapturedError } from "./errors.ts";

/** A declared resolvers section, as the state holds it. */
interface DeclaredResolver {
  id: string;
  nameservers: { name: string; address: string }[];
  resolveRetries?: number;
  timeouts?: { resolve?: string; retry?: string };
  hold?: Record<string, string>;
}

/** The parts of the state this page reads. */
interface StateView {
  haproxy: {
    resolvers?: DeclaredResolver[];
    backends: { id: string; servers?: { name: string; resolvers?: string }[] }[];
  };
}

/** The counters shown as columns; every counter HAProxy printed is listed under "All counters". */
const MAIN_COUNTERS = ["sent", "valid", "update", "nx", "timeout", "refused", "other", "invalid"];

/** `backend/server` of every server resolved through section `id`. */
export function serversUsing(state: StateView, id: string): string[] {
  return state.haproxy.backends.flatMap((b) =>
    (b.servers ?? []).filter((s) => s.resolvers === id).map((s) => `${b.id}/${s.name}`)
  );
}

/** The declared section's settings in words (`resolve 1s, retry 200ms, 2 retries`). */
export function settingsText(r: DeclaredResolver): string {
  const parts: string[] = [];
  if (r.timeouts?.resolve) parts.push(`timeout resolve ${r.timeouts.resolve}`);
  if (r.timeouts?.retry) parts.push(`timeout retry ${r.timeouts.retry}`);
  if (r.resolveRetries !== undefined) parts.push(`resolve_retries ${r.resolveRetries}`);
  for (const [status, period] of Object.entries(r.hold ?? {})) {
    parts.push(`hold ${status} ${period}`);
  }
  return parts.length ? parts.join(", ") : "HAProxy's defaults";
}

function Section(props: {
  declared: DeclaredResolver;
  live: ResolversStats | undefined;
  liveError: boolean;
  users: string[];
}): VNode {
  const r = props.declared;
  const byName = new Map((props.live?.nameservers ?? []).map((n) => [n.name, n]));
  const rows = r.nameservers.map((ns) => ({ ...ns, stats: byName.get(ns.name) }));
  type Row = typeof rows[0];
  const count = (row: Row, key: string) =>
    row.stats ? String(row.stats.counters[key] ?? "–") : html`<span class="muted">–</span>`;
  return html`<section class="panel" id=${`resolvers-${r.id}`} aria-labelledby=${`res-h-${r.id}`}>
    <h2 id=${`res-h-${r.id}`}>Resolvers ${r.id}</h2>
    <p class="muted">${settingsText(r)}. Used by: ${
    props.users.length
      ? props.users.map((u, i) => html`${i ? ", " : ""}<code>${u}</code>`)
      : "no server"
  }.</p>
    ${
    props.live || props.liveError
      ? null
      : html`<p class="badge warn">HAProxy does not report this section (not loaded yet)</p>`
  }
    <${Table} caption=${`Name servers of ${r.id}`} id=${`nameservers-${r.id}`} rows=${rows}
      columns=${[
    { label: "Name server", cell: (row: Row) => row.name },
    { label: "Address", cell: (row: Row) => html`<code>${row.address}</code>` },
    ...MAIN_COUNTERS.map((key) => ({ label: key, cell: (row: Row) => count(row, key) })),
    {
      label: "All counters",
      cell: (row: Row) => row.stats ? html`<${AllCounters} ns=${row.stats} />` : null,
    },
  ]} />
  </section>`;
}

function AllCounters(props: { ns: NameserverStats }): VNode {
  return html`
    <details>
      <summary>${Object.keys(props.ns.counters).length} counters</summary>
      <pre>${Object.entries(props.ns.counters).map(([k, v]) => `${k}: ${v}`).join("\n")}</pre>
    </details>
  `;
}

async function resolversView(ctx: PageContext): Promise<PageResult> {
  const [state, live] = await Promise.all([
    ctx.api<StateView>("GET", "/api/state"),
    ctx.api<{ resolvers: ResolversStats[] }>("GET", "/api/runtime/resolvers"),
  ]);
  if (!state.ok) return html`<${ErrorBox} reply=${state} />`;
  const declared = state.body.haproxy.resolvers ?? [];
  const sections = live.ok ? live.body.resolvers : [];
  return html`
    <p class="muted">Each section is a set of DNS name servers HAProxy asks for the servers
      that name it (<code>resolvers</code> on a server); the counters are HAProxy's own, from${" "}
      <code>show resolvers</code>, since its last start or reload.</p>
    ${live.ok
      ? null
      : html`<${ErrorBox} reply=${live} title="HAProxy's counters are unavailable" />`}
    ${declared.length
      ? declared.map((r) =>
        html`
          <${Section} declared=${r} live=${sections.find((s) => s.id === r.id)}
            liveError=${!live.ok} users=${serversUsing(state.body, r.id)} />
        `
      )
      : html`
        <div class="panel">
          <p class="muted" id="no-resolvers">No resolvers sections in the
                  state: add one under haproxy.resolvers (Raw state) to resolve servers by DNS name.</p>
        </div>
      `}
  `;
}

async function errorsView(ctx: PageContext): Promise<PageResult> {
  const r = await ctx.api<{ errors: CapturedError[]; captureShown: boolean }>(
    "GET",
    "/api/runtime/errors",
  );
  if (!r.ok) return html`<${ErrorBox} reply=${r} />`;
  const { errors, captureShown } = r.body;
  return html`
    <p class="muted">The last invalid request and response each proxy refused (HAProxy's${" "}
      <code>show errors</code>), with where in the message the fault was. ${captureShown
        ? "The captured bytes are shown: they are the client's own and may carry its cookies."
        : "The captured bytes are shown to admins only: they may carry a client's credentials."}</p>
    <div class="panel">
      <${Table} caption="Captured protocol errors" id="protocol-errors" rows=${errors}
        empty="HAProxy has captured no invalid request or response since it started."
        columns=${[
          { label: "When", cell: (e: CapturedError) => e.at },
          {
            label: "Proxy",
            cell: (e: CapturedError) => html`${e.proxyKind} <code>${e.proxy}</code>`,
          },
          { label: "Invalid", cell: (e: CapturedError) => e.direction },
          {
            label: "Backend / server",
            cell: (e: CapturedError) =>
              e.backend ? `${e.backend}/${e.server ?? "–"}` : html`<span class="muted">none</span>`,
          },
          { label: "Client", cell: (e: CapturedError) => html`<code>${e.source}</code>` },
          {
            label: "Fault at byte",
            cell: (e: CapturedError) => `${e.errorAt ?? "?"} of ${e.length ?? "?"}`,
          },
          ...(captureShown
            ? [{
              label: "Captured",
              cell: (e: CapturedError) =>
                html`
                  <details>
                    <summary>${e.capture?.length ?? 0} lines</summary>
                    <pre>${(e.capture ?? []).join("\n")}</pre>
                  </details>
                `,
            }]
            : []),
        ]} />
    </div>
  `;
}

/** The resolvers and protocol-errors pages. */
export function diagnosticPages(): PageDefinition[] {
  return [
    {
      path: "/resolvers",
      title: "DNS resolvers",
      role: "viewer",
      nav: { group: "Operations", order: 50 },
      render: resolversView,
    },
    {
      path: "/protocol-errors",
      title: "Protocol errors",
      role: "viewer",
      nav: { group: "Operations", order: 55 },
      render: errorsView,
    },
  ];
}
