/**
 * Frontends: the list, and the edit form (name, mode, listening addresses,
 * default backend, maxconn) through the plan → apply flow.
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
} from "../edit_flow.ts";
import { intField } from "./backends_form.ts";

function bindsFromForm(form: URLSearchParams, existing: Entity[]): Entity[] {
  const out: Entity[] = [];
  for (let i = 0; form.has(`binds.${i}.address`); i++) {
    const address = (form.get(`binds.${i}.address`) ?? "").trim();
    if (!address) continue;
    out.push({ ...(existing[i] ?? {}), address });
  }
  return out;
}

function FrontendForm(props: FormView<Entity> & { backends: string[] }): VNode {
  const e = props.entity;
  const binds = [...((e.binds as Entity[] | undefined) ?? []), { address: "" }];
  return html`
    <section class=${props.highlighted ? "panel highlight" : "panel"}
      aria-label=${props.isNew ? "New frontend" : `Frontend ${String(e.id)}`}>
        ${props.problem}
        <${ErrorSummary} errors=${props.errors} />
        <${Form} label="Edit frontend">
          <input type="hidden" name="_step" value="plan" />
          <${Field} name="id" label="Name" value=${e.id as string} errors=${props
            .errors} required=${true} />
          <div class="row">
            <${Select} name="mode" label="Mode" value=${(e.mode as string) ?? ""} errors=${props
              .errors}
              options=${[{ value: "", label: "inherit from defaults" }, "http", "tcp"]} />
            <${Select} name="defaultBackend" label="Default backend" errors=${props.errors}
              value=${(e.defaultBackend as string) ?? ""}
              options=${[{ value: "", label: "none" }, ...props.backends]} />
            <${Field} name="maxconn" label="Max connections" value=${e.maxconn as number}
              errors=${props.errors} />
          </div>
          <h2>Listening addresses</h2>
          ${binds.map((b, i) =>
            html`
              <${Field} name=${`binds.${i}.address`} label=${i < binds.length - 1
                ? `Address ${i + 1}`
                : "Add an address"} hint="host:port, e.g. 127.0.0.1:8080"
                value=${b.address as string}
                errors=${props.errors} />
            `
          )}
          <div class="actions">
            <button type="submit" class="primary">Review changes</button>
            <a class="button" href="/frontends">Cancel</a>
          </div>
        <//>
      </section>
  `;
}

function editor(backends: string[]): EntityEditor<Entity> {
  return {
    kind: "frontend",
    list: (s) => s.haproxy.frontends,
    listPath: ["haproxy", "frontends"],
    idOf: (e) => String(e.id ?? ""),
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
      return e;
    },
    view: (p) => FrontendForm({ ...p, backends }),
    after: (e) => `/frontends/${encodeURIComponent(String(e.id))}`,
  };
}

async function editorFor(ctx: PageContext): Promise<EntityEditor<Entity>> {
  const loaded = await loadState(ctx);
  const names = "error" in loaded ? [] : loaded.state.haproxy.backends.map((b) => String(b.id));
  return editor(names);
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
            cell: (f: Entity) => (f.binds as Entity[]).map((b) => String(b.address)).join(", "),
          },
          { label: "Mode", cell: (f: Entity) => String(f.mode ?? "default") },
          { label: "Default backend", cell: (f: Entity) => String(f.defaultBackend ?? "none") },
        ]} />
    </div>
    <p><a class="button primary" href="/frontends/new">New frontend</a></p>
  `;
}

async function action(ctx: PageContext, id: string | null): Promise<PageResult> {
  const ed = await editorFor(ctx);
  return ctx.form?.get("_step") === "apply" ? applyStep(ctx, ed) : planStep(ctx, ed, id);
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
        const ed = editor(loaded.state.haproxy.backends.map((b) => String(b.id)));
        return {
          kind: "page",
          status: 200,
          title: `Frontend ${f.id}`,
          body: ed.view({ entity: f, isNew: false, errors: {}, problem: null, highlighted: false }),
        };
      },
      action: (ctx) => action(ctx, ctx.params.id),
    },
  ];
}
