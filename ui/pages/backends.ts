/**
 * Backends and their servers: the list with live server health, the edit
 * form (through the plan → apply flow), and the runtime server actions
 * (ready, drain, maint, weight) that go to the admin socket after a
 * confirmation.
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
import { applyStep, type Entity, loadState, planStep } from "../edit_flow.ts";
import { backendEditor, BackendForm, intField } from "./backends_form.ts";
import { redirect } from "../respond.ts";
import { describeError } from "../components/errors.ts";

/** A server's live state as `GET /api/haproxy/servers` reports it. */
export interface LiveServer {
  backend: string;
  server: string;
  opState: string;
  adminState: "ready" | "drain" | "maint";
  weight: number;
  status: string | null;
  checkStatus: string | null;
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

/** A badge for a server's live state. */
export function StateBadge(props: { live: LiveServer | undefined }): VNode {
  const l = props.live;
  if (!l) return html`<span class="badge">unknown</span>`;
  if (l.adminState !== "ready") {
    return html`<span class="badge warn">${l.adminState.toUpperCase()}</span>`;
  }
  const status = l.status ?? l.opState;
  const cls = /^UP|^up|no check/i.test(status)
    ? "badge ok"
    : /DOWN|down/.test(status)
    ? "badge bad"
    : "badge";
  return html`<span class=${cls}>${status}</span>`;
}

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

function ServerActions(
  props: { backend: string; servers: Entity[]; live: Map<string, LiveServer> },
) {
  return html`
    <section class="panel" aria-labelledby="rt-h">
      <h2 id="rt-h">Servers at runtime</h2>
      <p class="muted">These act on the running HAProxy through its admin socket: no reload, and
          they last until the next reload.</p>
      <${Table} rows=${props.servers} empty="This backend has no servers." columns=${[
        { label: "Server", cell: (s: Entity) => html`${s.name} <code>${s.address}</code>` },
        {
          label: "State",
          cell: (s: Entity) =>
            html`<${StateBadge} live=${props.live.get(`${props.backend}/${s.name}`)} />`,
        },
        {
          label: "Weight",
          cell: (s: Entity) =>
            String(props.live.get(`${props.backend}/${s.name}`)?.weight ?? s.weight),
        },
        {
          label: "Actions",
          cell: (s: Entity) =>
            html`
              ${SERVER_STATES.map((st) =>
                html`
                  <${ConfirmForm} small=${true} danger=${st !== "ready"}
                    label=${st === "ready" ? "Ready" : st === "drain" ? "Drain" : "Maint"}
                    question=${`Set server ${s.name} of backend ${props.backend} to ${st.toUpperCase()}?`}
                    fields=${{ _step: "server-state", server: String(s.name), state: st }} />
                `
              )}
                      <${Form} class="inline" label=${`Weight of ${s.name}`}>
                <input type="hidden" name="_step" value="server-weight" />
                <input type="hidden" name="server" value=${String(s.name)} />
                <input type="hidden" name="_confirm" value="ask" />
                <label class="inline" for=${`w-${s.name}`}>Weight</label>
                <input id=${`w-${s.name}`} type="number" name="weight" min="0" max="256"
                  value=${String(
                    props.live.get(`${props.backend}/${s.name}`)?.weight ?? s.weight ?? "",
                  )} />
                <button type="submit" class="small">Set weight</button>
                <//>
            `,
        },
      ]} />
    </section>
  `;
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
  const live = await liveServers(ctx);
  return {
    kind: "page",
    status: 200,
    title: `Backend ${b.id}`,
    body: html`
      <${ServerActions} backend=${String(b.id)} servers=${b.servers as Entity[]}
        live=${live} />
      <h2>Configuration</h2>
      <${BackendForm} entity=${b} isNew=${false} errors=${{}} problem=${null}
        highlighted=${false} />
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
      render: () =>
        html`
          <${BackendForm} entity=${{ id: "", servers: [] }} isNew=${true} errors=${{}}
            problem=${null} highlighted=${false} />
        `,
      action: (ctx) =>
        ctx.form?.get("_step") === "apply"
          ? applyStep(ctx, backendEditor)
          : planStep(ctx, backendEditor, null),
    },
    {
      path: "/backends/:id",
      title: "Backend",
      role: "viewer",
      actionRole: "operator",
      render: backendPage,
      action(ctx) {
        const step = ctx.form?.get("_step");
        if (step === "apply") return applyStep(ctx, backendEditor);
        if (step === "server-state" || step === "server-weight") return serverAction(ctx);
        return planStep(ctx, backendEditor, ctx.params.id);
      },
    },
  ];
}
