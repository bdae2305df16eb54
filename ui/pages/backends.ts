/**
 * Backends and their servers: the list with live server health, the edit
 * form (through the plan → apply flow), delete (through the same review),
 * the live per-server numbers, the backend's traffic charts, and the
 * runtime server actions (ready, drain, maint, weight) that go to the
 * admin socket after a confirmation.
 *
 * @module
 */
import type { PageContext, PageDefinition, PageResult } from "../../core/pages.ts";
import { pageWithStatus } from "../../core/pages.ts";
import { html, type VNode } from "../html.ts";
import { Table } from "../components/table.ts";
import { ConfirmForm, ConfirmPage, isConfirmed } from "../components/confirm.ts";
import { ErrorBox } from "../components/errors.ts";
import { Form } from "../components/form.ts";
import {
  applyStep,
  type Entity,
  type EntityEditor,
  loadState,
  planStep,
  redrawStep,
  wantsRedraw,
} from "../edit_flow.ts";
import { DeleteButton, type Deleter, deleteStep } from "../delete_flow.ts";
import { backendEditorFor, BackendForm, intField, trustedCaNames } from "./backends_form.ts";
import {
  LIVE_COLUMNS,
  LiveCells,
  type LiveServer,
  liveServers,
  StateBadge,
} from "./backend_live.ts";
import { proxyTraffic } from "./proxy_traffic.ts";
import { redirect } from "../respond.ts";
import { describeError } from "../components/errors.ts";

export { type LiveServer, liveServers, StateBadge } from "./backend_live.ts";

function BackendList(props: { backends: Entity[]; live: Map<string, LiveServer> }): VNode {
  return html`
    <div class="panel">
      <${Table} caption="Backends" rows=${props.backends} empty="No backends yet."
        columns=${[
          {
            label: "Name",
            cell: (b: Entity) =>
              html`<a href=${`/backends/${encodeURIComponent(String(b.id))}`}>${b.id}</a>`,
          },
          {
            label: "Balance",
            cell: (b: Entity) => (b.balance as { algorithm?: string })?.algorithm ?? "default",
          },
          {
            label: "Servers",
            cell: (b: Entity) =>
              html`${
                (b.servers as Entity[]).map((s) =>
                  html`<div>${s.name} <code>${s.address}</code> <${StateBadge}
            live=${props.live.get(`${b.id}/${s.name}`)} /></div>`
                )
              }`,
          },
        ]} />
    </div>
    <p><a class="button primary" href="/backends/new">New backend</a></p>
  `;
}

const SERVER_STATES = ["ready", "drain", "maint"] as const;

function ServerActions(props: { backend: string; s: Entity; live: LiveServer | undefined }) {
  const { s, backend } = props;
  return html`
    ${SERVER_STATES.map((st) =>
      html`
        <${ConfirmForm} small=${true} danger=${st !== "ready"}
          label=${st === "ready" ? "Ready" : st === "drain" ? "Drain" : "Maint"}
          question=${`Set server ${s.name} of backend ${backend} to ${st.toUpperCase()}?`}
          fields=${{ _step: "server-state", server: String(s.name), state: st }} />
      `
    )}
    <${Form} class="inline" label=${`Weight of ${s.name}`}>
      <input type="hidden" name="_step" value="server-weight" />
      <input type="hidden" name="server" value=${String(s.name)} />
      <input type="hidden" name="_confirm" value="ask" />
      <label class="inline" for=${`w-${s.name}`}>Weight</label>
      <input id=${`w-${s.name}`} type="number" name="weight" min="0" max="256"
        value=${String(props.live?.weight ?? s.weight ?? "")} />
      <button type="submit" class="small">Set weight</button>
      <//>
  `;
}

function ServersAtRuntime(
  props: { backend: string; servers: Entity[]; live: Map<string, LiveServer> },
) {
  return html`
    <section class="panel" aria-labelledby="rt-h" data-island="live-servers"
      data-backend=${props.backend}>
      <h2 id="rt-h">Servers at runtime</h2>
      <p class="muted">Live from the running HAProxy; refreshed with every statistics sample
        when JavaScript is on (reload the page otherwise). Ready, drain, maint and weight act
        through the admin socket without a reload; they carry over later reloads for as long
        as the server's definition stays the same (a changed address, port or check starts it
        as the configuration says).</p>
      <p class="muted" role="status" data-cell="status"></p>
      <table id="servers-live">
        <caption class="sr-only">Servers of ${props.backend}</caption>
        <thead>
          <tr>
          <th scope="col">Server</th><th scope="col">State</th><th scope="col">Weight</th>
          ${LIVE_COLUMNS.map((c) => html`<th scope="col" class=${c.cls}>${c.label}</th>`)}
          <th scope="col">Actions</th>
        </tr>
        </thead>
        <tbody>
          ${props.servers.length
            ? props.servers.map((s) => {
              const live = props.live.get(`${props.backend}/${s.name}`);
              return html`
                <tr data-server=${String(s.name)}>
                  <td>${s.name} <code>${s.address}</code></td>
                  <td>
                    <${StateBadge} live=${live} />
                  </td>
                  <td data-cell="weight">${String(live?.weight ?? s.weight)}</td>
                  <${LiveCells} live=${live} />
                  <td>
                    <${ServerActions} backend=${props.backend} s=${s} live=${live} />
                  </td>
                </tr>
              `;
            })
            : html`
              <tr>
                <td colspan=${LIVE_COLUMNS.length + 4} class="muted">This backend has no
                          servers.</td>
              </tr>
            `}
        </tbody>
      </table>
    </section>
  `;
}

/** Removes a backend from a state (for the delete review). */
const backendDeleter: Deleter = {
  kind: "backend",
  home: "/backends",
  remove(state, id) {
    const list = state.haproxy.backends;
    const i = list.findIndex((b) => b.id === id);
    if (i < 0) return false;
    list.splice(i, 1);
    return true;
  },
};

async function editorFor(ctx: PageContext): Promise<EntityEditor<Entity>> {
  const loaded = await loadState(ctx);
  const ed = backendEditorFor("error" in loaded ? undefined : loaded.state);
  return { ...ed, home: "/backends" };
}

async function backendPage(ctx: PageContext): Promise<PageResult> {
  const loaded = await loadState(ctx);
  if ("error" in loaded) return html`<${ErrorBox} reply=${loaded.error} />`;
  const b = loaded.state.haproxy.backends.find((x) => x.id === ctx.params.id);
  if (!b) {
    return pageWithStatus(
      404,
      html`
        <div class="alert"
          role="alert">There is no backend named <code>${ctx.params
            .id}</code>. <a href="/backends">All backends</a></div>
      `,
    );
  }
  const [live, traffic] = await Promise.all([
    liveServers(ctx),
    proxyTraffic(ctx, "backend", String(b.id)),
  ]);
  return {
    kind: "page",
    status: 200,
    title: `Backend ${b.id}`,
    body: html`
      <${ServersAtRuntime} backend=${String(b.id)} servers=${b.servers as Entity[]}
        live=${live} />
      ${traffic}
      <h2>Configuration</h2>
      <${BackendForm} entity=${b} isNew=${false} errors=${{}} problem=${null}
        highlighted=${false} cas=${trustedCaNames(loaded.state)} />
      <div class="actions">
        <${DeleteButton} what=${`backend ${b.id}`} />
      </div>
    `,
  };
}

async function serverAction(ctx: PageContext): Promise<PageResult> {
  const form = ctx.form!;
  const backend = ctx.params.id;
  const server = form.get("server") ?? "";
  const step = form.get("_step");
  const here = `/backends/${encodeURIComponent(backend)}`;
  const isWeight = step === "server-weight";
  const state = form.get("state") ?? "";
  const weight = intField(form.get("weight"));
  const what = isWeight
    ? `Set the weight of server ${server} (backend ${backend}) to ${form.get("weight")}`
    : `Set server ${server} of backend ${backend} to ${state.toUpperCase()}`;
  if (!isConfirmed(form)) {
    const fields: Record<string, string> = { _step: step ?? "", server };
    if (isWeight) fields.weight = form.get("weight") ?? "";
    else fields.state = state;
    return {
      kind: "page",
      status: 200,
      title: "Confirm",
      body: html`
        <${ConfirmPage} question=${`${what}?`} fields=${fields} cancel=${here}
          danger=${!isWeight && state !== "ready"}
          detail=${html`<p>This changes the running HAProxy at once, without a reload.</p>`} />
      `,
    };
  }
  const path = `/api/haproxy/servers/${encodeURIComponent(backend)}/${encodeURIComponent(server)}/${
    isWeight ? "weight" : "state"
  }`;
  const reply = await ctx.api("POST", path, isWeight ? { weight } : { state });
  if (reply.ok) return redirect(here, { kind: "ok", message: `Done: ${what}.` });
  return redirect(here, { kind: "bad", message: `${what} failed. ${describeError(reply)}` });
}

async function editAction(ctx: PageContext, id: string | null): Promise<PageResult> {
  const ed = await editorFor(ctx);
  const step = ctx.form?.get("_step");
  if (step === "apply") return applyStep(ctx, ed);
  if (wantsRedraw(ctx.form)) return redrawStep(ctx, ed, id);
  if (step === "delete" && id !== null) return deleteStep(ctx, backendDeleter, id);
  return planStep(ctx, ed, id);
}

/** The backend pages. */
export function backendPages(): PageDefinition[] {
  return [
    {
      path: "/backends",
      title: "Backends",
      role: "viewer",
      nav: { group: "Configuration", order: 20 },
      async render(ctx) {
        const loaded = await loadState(ctx);
        if ("error" in loaded) return html`<${ErrorBox} reply=${loaded.error} />`;
        return html`
          <${BackendList} backends=${loaded.state.haproxy.backends}
            live=${await liveServers(ctx)} />
        `;
      },
    },
    {
      path: "/backends/new",
      title: "New backend",
      role: "operator",
      async render(ctx) {
        const ed = await editorFor(ctx);
        return ed.view({
          entity: { id: "", servers: [] },
          isNew: true,
          errors: {},
          problem: null,
          highlighted: false,
        });
      },
      action: (ctx) => editAction(ctx, null),
    },
    {
      path: "/backends/:id",
      title: "Backend",
      role: "viewer",
      actionRole: "operator",
      render: backendPage,
      action(ctx) {
        const step = ctx.form?.get("_step");
        if (step === "server-state" || step === "server-weight") return serverAction(ctx);
        return editAction(ctx, ctx.params.id);
      },
    },
  ];
}
