/**
 * Frontends: the list, each one's traffic charts, and the edit form (name,
 * mode, listening addresses with their TLS, routes by host and path,
 * default backend, HTTP→HTTPS redirect and HSTS, maxconn) through the
 * plan → apply flow; delete through the same review.
 *
 * @module
 */
import type { PageContext, PageDefinition, PageResult } from "../../core/pages.ts";
import { pageWithStatus } from "../../core/pages.ts";
import { html, type VNode } from "../html.ts";
import { Table } from "../components/table.ts";
import { ErrorBox } from "../components/errors.ts";
import { ErrorSummary, Field, Form, Select } from "../components/form.ts";
import {
  applyStep,
  type Entity,
  type EntityEditor,
  type FormView,
  loadState,
  planStep,
  redrawStep,
  type StateDoc,
  wantsRedraw,
} from "../edit_flow.ts";
import { DeleteButton, type Deleter, deleteStep } from "../delete_flow.ts";
import { intField } from "./form_values.ts";
import { AddressOptions, BIND_ADDRESSES, hostAddresses } from "../components/address_picker.ts";
import { proxyTraffic } from "./proxy_traffic.ts";
import {
  applyRoutes,
  isRouteAcl,
  type Route,
  RouteRows,
  routesFromForm,
  routesOf,
} from "./frontend_routes.ts";
import {
  BindTlsFields,
  bindTlsFromForm,
  RedirectFields,
  type TlsChoices,
  tlsChoices,
} from "./frontend_tls.ts";

function bindsFromForm(form: URLSearchParams, existing: Entity[]): Entity[] {
  const out: Entity[] = [];
  for (let i = 0; form.has(`binds.${i}.address`); i++) {
    const address = (form.get(`binds.${i}.address`) ?? "").trim();
    if (!address) continue;
    const before = existing[i] ?? {};
    const b: Entity = { ...before, address };
    const tls = bindTlsFromForm(form, i, before.tls as Entity | undefined);
    if (tls) b.tls = tls;
    else delete b.tls;
    out.push(b);
  }
  return out;
}

interface FrontendExtras {
  backends: string[];
  choices: TlsChoices;
  routes: Route[];
  other: Entity[];
  routeBlank: number;
  /** The host's addresses, suggested for each bind (address_picker.ts). */
  addresses: string[];
}

function FrontendForm(props: FormView<Entity> & FrontendExtras): VNode {
  const e = props.entity;
  const existing = (e.binds as Entity[] | undefined) ?? [];
  // A new frontend offers two addresses (HTTP and HTTPS side by side), an existing one one more.
  const blank = props.isNew && existing.length === 0 ? 2 : 1;
  const binds: Entity[] = [...existing, ...Array.from({ length: blank }, () => ({ address: "" }))];
  const errors = props.errors;
  return html`
    <section class=${props.highlighted ? "panel highlight" : "panel"}
      aria-label=${props.isNew ? "New frontend" : `Frontend ${String(e.id)}`}>
        ${props.problem}
        <${ErrorSummary} errors=${errors} />
        <${Form} label="Edit frontend">
          <button type="submit" class="default-submit" tabindex="-1" aria-hidden="true"></button>
          <input type="hidden" name="_step" value="plan" />
          <${Field} name="id" label="Name" value=${e.id as string} errors=${errors}
            required=${true} />
          <div class="row">
            <${Select} name="mode" label="Mode" value=${(e.mode as string) ?? ""} errors=${errors}
              options=${[{ value: "", label: "inherit from defaults" }, "http", "tcp"]} />
            <${Select} name="defaultBackend" label="Default backend" errors=${errors}
              value=${(e.defaultBackend as string) ?? ""}
              options=${[{ value: "", label: "none" }, ...props.backends]} />
            <${Field} name="maxconn" label="Max connections" value=${e.maxconn as number}
              errors=${errors} />
          </div>
          <h2>Listening addresses</h2>
          <${AddressOptions} addresses=${props.addresses} />
          ${binds.map((b, i) =>
            html`
              <fieldset>
                <legend>${i < existing.length ? `Address ${i + 1}` : "Add an address"}</legend>
                <${Field} name=${`binds.${i}.address`} label="Address"
                  hint="host:port, e.g. 127.0.0.1:8080" value=${b.address as string}
                  errors=${errors} list=${props.addresses.length ? BIND_ADDRESSES : undefined} />
                <${BindTlsFields} i=${i} tls=${b.tls as Entity | undefined}
                  choices=${props.choices} errors=${errors} />
              </fieldset>
            `
          )}
          <${RedirectFields} binds=${binds} errors=${errors} />
          <${RouteRows} routes=${props.routes} other=${props.other} blank=${props.routeBlank}
            backends=${props.backends} errors=${errors} />
          <div class="actions">
            <button type="submit" name="_addrow" value="1">Add a route row</button>
            <button type="submit" class="primary">Review changes</button>
            <a class="button" href="/frontends">Cancel</a>
          </div>
        <//>
      </section>
  `;
}

function editor(state: StateDoc | undefined, addresses: string[] = []): EntityEditor<Entity> {
  const backends = state?.haproxy.backends.map((b) => String(b.id)) ?? [];
  const choices = tlsChoices(state);
  let acls: Entity[] = state?.acls ?? [];
  // The routes posted with the last form, so a redraw or a refused plan shows them as typed.
  let posted: { routes: Route[]; other: Entity[] } | null = null;
  const extras = (e: Entity, routeBlank: number): FrontendExtras => {
    const { routes, other } = posted ?? routesOf(e, acls);
    return { backends, choices, routes, other, routeBlank, addresses };
  };
  return {
    kind: "frontend",
    list: (s) => s.haproxy.frontends,
    listPath: ["haproxy", "frontends"],
    idOf: (e) => String(e.id ?? ""),
    home: "/frontends",
    fromForm(form, existing) {
      const e: Entity = structuredClone(existing ?? {});
      e.id = (form.get("id") ?? "").trim();
      for (const key of ["mode", "defaultBackend"]) {
        const v = form.get(key) ?? "";
        if (v) e[key] = v;
        else delete e[key];
      }
      const maxconn = intField(form.get("maxconn"));
      if (maxconn === undefined) delete e.maxconn;
      else e.maxconn = maxconn;
      e.binds = bindsFromForm(form, (existing?.binds as Entity[] | undefined) ?? []);
      const other = existing ? routesOf(existing, acls).other : [];
      posted = { routes: routesFromForm(form), other };
      return e;
    },
    patchState(next, entity, originalId) {
      if (!posted) return;
      applyRoutes(next, entity, originalId, posted.routes, posted.other);
      acls = next.acls;
    },
    view: (p) => FrontendForm({ ...p, ...extras(p.entity, p.isNew ? 2 : 1) }),
    redraw: (p, form) =>
      FrontendForm({
        ...p,
        ...extras(p.entity, 1 + Math.max(0, (intField(form.get("_routeBlank")) as number) || 0)),
      }),
    after: (e) => `/frontends/${encodeURIComponent(String(e.id))}`,
  };
}

/** Removes a frontend and the ACLs generated for its routes. */
const frontendDeleter: Deleter = {
  kind: "frontend",
  home: "/frontends",
  remove(state, id) {
    const list = state.haproxy.frontends;
    const i = list.findIndex((f) => f.id === id);
    if (i < 0) return false;
    list.splice(i, 1);
    state.acls = state.acls.filter((a) => !isRouteAcl(String(a.name), id));
    return true;
  },
};

async function editorFor(ctx: PageContext): Promise<EntityEditor<Entity>> {
  const [loaded, addresses] = await Promise.all([loadState(ctx), hostAddresses(ctx)]);
  return editor("error" in loaded ? undefined : loaded.state, addresses);
}

async function list(ctx: PageContext): Promise<PageResult> {
  const loaded = await loadState(ctx);
  if ("error" in loaded) return html`<${ErrorBox} reply=${loaded.error} />`;
  return html`
    <div class="panel">
      <${Table} caption="Frontends" rows=${loaded.state.haproxy.frontends}
        empty="No frontends yet." columns=${[
          {
            label: "Name",
            cell: (f: Entity) =>
              html`<a href=${`/frontends/${encodeURIComponent(String(f.id))}`}>${f.id}</a>`,
          },
          {
            label: "Listens on",
            cell: (f: Entity) =>
              (f.binds as Entity[]).map((b) => `${b.address}${b.tls ? " (HTTPS)" : ""}`).join(
                ", ",
              ),
          },
          { label: "Mode", cell: (f: Entity) => String(f.mode ?? "default") },
          {
            label: "Routes",
            cell: (f: Entity) => String(((f.useBackends as Entity[]) ?? []).length),
          },
          { label: "Default backend", cell: (f: Entity) => String(f.defaultBackend ?? "none") },
        ]} />
    </div>
    <p><a class="button primary" href="/frontends/new">New frontend</a></p>
  `;
}

async function action(ctx: PageContext, id: string | null): Promise<PageResult> {
  const ed = await editorFor(ctx);
  const step = ctx.form?.get("_step");
  if (step === "apply") return applyStep(ctx, ed);
  if (wantsRedraw(ctx.form)) return redrawStep(ctx, ed, id);
  if (step === "delete" && id !== null) return deleteStep(ctx, frontendDeleter, id);
  return planStep(ctx, ed, id);
}

/** How many http-request and tcp-request rules a frontend has (the rules page's link). */
function rulesCount(f: Entity): number {
  return ((f.httpRequest as Entity[] | undefined) ?? []).length +
    ((f.tcpRequest as Entity[] | undefined) ?? []).length;
}

/** The frontend pages. */
export function frontendPages(): PageDefinition[] {
  return [
    {
      path: "/frontends",
      title: "Frontends",
      role: "viewer",
      nav: { group: "Configuration", order: 10 },
      render: list,
    },
    {
      path: "/frontends/new",
      title: "New frontend",
      role: "operator",
      async render(ctx) {
        const ed = await editorFor(ctx);
        return ed.view({
          entity: { id: "", binds: [] },
          isNew: true,
          errors: {},
          problem: null,
          highlighted: false,
        });
      },
      action: (ctx) => action(ctx, null),
    },
    {
      path: "/frontends/:id",
      title: "Frontend",
      role: "viewer",
      actionRole: "operator",
      async render(ctx) {
        const loaded = await loadState(ctx);
        if ("error" in loaded) return html`<${ErrorBox} reply=${loaded.error} />`;
        const f = loaded.state.haproxy.frontends.find((x) => x.id === ctx.params.id);
        if (!f) {
          return pageWithStatus(
            404,
            html`<div class="alert" role="alert">There is no frontend named
            <code>${ctx.params.id}</code>.</div>`,
          );
        }
        const [addresses, traffic] = await Promise.all([
          hostAddresses(ctx),
          proxyTraffic(ctx, "frontend", String(f.id)),
        ]);
        const ed = editor(loaded.state, addresses);
        return {
          kind: "page",
          status: 200,
          title: `Frontend ${f.id}`,
          body: html`
            ${traffic}${ed.view({
              entity: f,
              isNew: false,
              errors: {},
              problem: null,
              highlighted: false,
            })}<div class="actions">
              <a class="button" href=${`/frontends/${encodeURIComponent(String(f.id))}/rules`}>
                Rules (${rulesCount(f)})</a>
              <${DeleteButton} what=${`frontend ${f.id}`} />
            </div>
          `,
        };
      },
      action: (ctx) => action(ctx, ctx.params.id),
    },
  ];
}
