/**
 * A frontend's `http-request` and `tcp-request` rules as form rows
 * (`/frontends/:id/rules`): an action with its arguments, when it applies
 * (always, if or unless ACL terms) and, for tcp-request, at which point.
 * Rows are reordered by their position numbers, removed with a tick, and
 * added with an "Add a rule row" post that redraws the form (no JavaScript
 * needed). The frontend goes through the same plan → apply flow as its main
 * form; the state models rules on frontends only (a backend has none).
 *
 * Field names are the state's paths (`httpRequest.N.action`,
 * `httpRequest.N.cond`), so a 422 lands on the row it is about.
 *
 * @module
 */
import type { PageContext, PageDefinition, PageResult } from "../../core/pages.ts";
import { pageWithStatus } from "../../core/pages.ts";
import { actionKeywords } from "../../core/state/actions.ts";
import { TcpRequestRule } from "../../core/state/haproxy_schema.ts";
import { html, type VNode } from "../html.ts";
import {
  Checkbox,
  ErrorSummary,
  Field,
  type FieldErrors,
  Form,
  Select,
} from "../components/form.ts";
import { ErrorBox } from "../components/errors.ts";
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
import { boolField, intField } from "./form_values.ts";

/** The two rule lists the page edits. */
export type RuleList = "httpRequest" | "tcpRequest";

const TCP_POINTS = TcpRequestRule.shape.on.options;

/** A rule's condition split as the form shows it: always, or if/unless with ACL terms. */
export function condParts(cond: unknown): { kind: "" | "if" | "unless"; terms: string } {
  const m = /^(if|unless)\s+(.*)$/.exec(typeof cond === "string" ? cond.trim() : "");
  return m ? { kind: m[1] as "if" | "unless", terms: m[2] } : { kind: "", terms: "" };
}

/**
 * The posted rows of one list, filled and not removed, in the order of
 * their positions (ties keep the form's order). A condition typed with
 * "always" chosen is kept as `if <terms>` so nothing typed is lost silently.
 */
export function rulesFromForm(form: URLSearchParams, list: RuleList): Entity[] {
  const rows: { r: Entity; pos: number; i: number }[] = [];
  for (let i = 0; form.has(`${list}.${i}.action`); i++) {
    const p = `${list}.${i}`;
    if (boolField(form, `${p}.remove`)) continue;
    const action = (form.get(`${p}.action`) ?? "").trim().replace(/\s+/g, " ");
    const terms = (form.get(`${p}.cond`) ?? "").trim();
    if (!action && !terms) continue;
    const r: Entity = {};
    if (list === "tcpRequest") r.on = form.get(`${p}.on`) ?? "";
    r.action = action;
    const kind = form.get(`${p}.condKind`) || (terms ? "if" : "");
    if (kind && terms) r.cond = `${kind} ${terms}`;
    else if (kind) r.cond = kind; // "if" with no terms: the schema refuses it at this row
    const pos = intField(form.get(`${p}.position`));
    rows.push({ r, pos: typeof pos === "number" ? pos : i + 1, i });
  }
  rows.sort((a, b) => a.pos - b.pos || a.i - b.i);
  return rows.map((x) => x.r);
}

function RuleRows(props: {
  list: RuleList;
  rules: Entity[];
  blank: number;
  errors: FieldErrors;
}): VNode {
  const { list, errors } = props;
  const rows = [...props.rules];
  for (let k = 0; k < props.blank; k++) {
    rows.push(list === "tcpRequest" ? { on: "content", action: "" } : { action: "" });
  }
  return html`${
    rows.map((r, i) => {
      const c = condParts(r.cond);
      const p = `${list}.${i}`;
      return html`<div class="row rule-row" data-list=${list}>
      <${Field} name=${`${p}.position`} label="Position" value=${String(i + 1)}
        errors=${errors} />
      ${
        list === "tcpRequest"
          ? html`
            <${Select} name=${`${p}.on`} label="At" value=${String(r.on ?? "content")}
              errors=${errors} options=${TCP_POINTS} />
          `
          : null
      }
      <${Field} name=${`${p}.action`} label="Action" value=${String(r.action ?? "")}
        errors=${errors} hint=${
        list === "tcpRequest"
          ? "e.g. reject, accept; inspect-delay takes a time"
          : "e.g. deny, set-header X-Env prod, redirect scheme https"
      } />
      <${Select} name=${`${p}.condKind`} label="When" value=${c.kind} errors=${errors}
        options=${[{ value: "", label: "always" }, "if", "unless"]} />
      <${Field} name=${`${p}.cond`} label="ACLs" value=${c.terms} errors=${errors}
        hint="e.g. is_admin !from_office" />
      ${
        i < props.rules.length
          ? html`<${Checkbox} name=${`${p}.remove`} label="Remove" checked=${false} />`
          : null
      }
    </div>`;
    })
  }`;
}

interface RulesExtras {
  acls: string[];
  blank: number;
}

function RulesForm(props: FormView<Entity> & RulesExtras): VNode {
  const e = props.entity;
  const id = String(e.id);
  const errors = props.errors;
  return html`
    <section class=${props.highlighted ? "panel highlight" : "panel"}
      aria-label=${`Rules of frontend ${id}`}>
      ${props.problem}
      <${ErrorSummary} errors=${errors} />
      <p class="muted">Rules run in order, before the routes; the first rule that ends the
        request (deny, return, redirect…) wins. Change a position number to move a rule.
        ACLs: ${props.acls.length
          ? props.acls.map((a, i) =>
            html`${i ? ", " : ""}<a href=${`/acls/defined/${encodeURIComponent(a)}`}>${a}</a>`
          )
          : "none yet"} (<a href="/acls/defined/new">new ACL</a>).</p>
      <${Form} label="Edit rules">
        <button type="submit" class="default-submit" tabindex="-1" aria-hidden="true"></button>
        <input type="hidden" name="_step" value="plan" />
        <input type="hidden" name="_blank" value=${String(props.blank)} />
        <fieldset>
          <legend>http-request rules</legend>
          <${RuleRows} list="httpRequest" rules=${(e.httpRequest as Entity[]) ?? []}
            blank=${props.blank} errors=${errors} />
        </fieldset>
        <fieldset>
          <legend>tcp-request rules</legend>
          <${RuleRows} list="tcpRequest" rules=${(e.tcpRequest as Entity[]) ?? []}
            blank=${props.blank} errors=${errors} />
        </fieldset>
        <details>
          <summary>Actions HAProxy accepts</summary>
          <p><strong>http-request:</strong> ${actionKeywords("http-request").join(", ")}</p>
          <p><strong>tcp-request content:</strong> ${actionKeywords("tcp-request content").join(
            ", ",
          )}</p>
        </details>
        <div class="actions">
          <button type="submit" name="_addrow" value="1">Add a rule row</button>
          <button type="submit" class="primary">Review changes</button>
          <a class="button" href=${`/frontends/${encodeURIComponent(id)}`}>Cancel</a>
        </div>
      <//>
    </section>
  `;
}

function editor(state: StateDoc | undefined): EntityEditor<Entity> {
  const acls = state?.acls.map((a) => String(a.name)) ?? [];
  return {
    kind: "frontend",
    list: (s) => s.haproxy.frontends,
    listPath: ["haproxy", "frontends"],
    idOf: (e) => String(e.id ?? ""),
    home: "/frontends",
    fromForm(form, existing) {
      const e: Entity = structuredClone(existing ?? {});
      e.httpRequest = rulesFromForm(form, "httpRequest");
      e.tcpRequest = rulesFromForm(form, "tcpRequest");
      return e;
    },
    view: (p) => RulesForm({ ...p, acls, blank: 1 }),
    redraw: (p, form) =>
      RulesForm({
        ...p,
        acls,
        blank: 1 + Math.max(0, (intField(form.get("_blank")) as number) || 0),
      }),
    after: (e) => `/frontends/${encodeURIComponent(String(e.id))}/rules`,
  };
}

async function render(ctx: PageContext): Promise<PageResult> {
  const loaded = await loadState(ctx);
  if ("error" in loaded) return html`<${ErrorBox} reply=${loaded.error} />`;
  const fe = loaded.state.haproxy.frontends.find((f) => f.id === ctx.params.id);
  if (!fe) {
    return pageWithStatus(
      404,
      html`<div class="alert" role="alert">There is no frontend named
        <code>${ctx.params.id}</code>.</div>`,
    );
  }
  return {
    kind: "page",
    status: 200,
    title: `Rules of frontend ${fe.id}`,
    body: editor(loaded.state).view({
      entity: fe,
      isNew: false,
      errors: {},
      problem: null,
      highlighted: false,
    }),
  };
}

async function action(ctx: PageContext): Promise<PageResult> {
  const loaded = await loadState(ctx);
  const ed = editor("error" in loaded ? undefined : loaded.state);
  const id = ctx.params.id;
  if (ctx.form?.get("_step") === "apply") return applyStep(ctx, ed);
  if (wantsRedraw(ctx.form)) return redrawStep(ctx, ed, id);
  return planStep(ctx, ed, id);
}

/** The rules page of a frontend. */
export function frontendRulePages(): PageDefinition[] {
  return [{
    path: "/frontends/:id/rules",
    title: "Frontend rules",
    role: "viewer",
    actionRole: "operator",
    render,
    action,
  }];
}
