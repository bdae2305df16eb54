/**
 * The backend editor: form fields ↔ backend entity, and the form view with
 * per-field errors. Servers are rows (`servers.N.*`) plus one blank row for
 * adding a server; a ticked "remove" drops a row.
 *
 * @module
 */
import { html, type VNode } from "../html.ts";
import { Checkbox, ErrorSummary, Field, Form, Select } from "../components/form.ts";
import type { Entity, EntityEditor, FormView, StateDoc } from "../edit_flow.ts";
import { BALANCE_ALGORITHMS } from "../../core/state/haproxy_schema.ts";

/** Reads an integer field: blank is "unset", digits a number, anything else stays text for Zod to refuse. */
export function intField(v: string | null): number | string | undefined {
  if (v === null || v.trim() === "") return undefined;
  return /^-?\d+$/.test(v.trim()) ? Number(v.trim()) : v;
}

/** Reads a checkbox posted with a hidden `0` before it: the last value wins. */
export function boolField(form: URLSearchParams, name: string): boolean {
  const all = form.getAll(name);
  return all.length > 0 && all[all.length - 1] === "1";
}

function setOrDelete(target: Entity, key: string, value: unknown): void {
  if (value === undefined || value === "") delete target[key];
  else target[key] = value;
}

function serversFromForm(form: URLSearchParams, existing: Entity[]): Entity[] {
  const out: Entity[] = [];
  for (let i = 0; form.has(`servers.${i}.name`); i++) {
    if (boolField(form, `servers.${i}.remove`)) continue;
    const name = (form.get(`servers.${i}.name`) ?? "").trim();
    const address = (form.get(`servers.${i}.address`) ?? "").trim();
    const isBlankNew = i >= existing.length && !name && !address;
    if (isBlankNew) continue;
    const s: Entity = { ...(existing[i] ?? {}), name, address };
    setOrDelete(s, "weight", intField(form.get(`servers.${i}.weight`)));
    s.check = boolField(form, `servers.${i}.check`);
    s.backup = boolField(form, `servers.${i}.backup`);
    out.push(s);
  }
  return out;
}

function ServerRows(props: { servers: Entity[]; errors: FormView<Entity>["errors"] }): VNode {
  const rows = [...props.servers, { name: "", address: "", check: false, backup: false }];
  return html`${
    rows.map((s, i) => {
      const isNew = i === props.servers.length;
      return html`
        <fieldset>
          <legend>${isNew ? "Add a server" : `Server ${String(s.name ?? "")}`}</legend>
          <div class="row">
                <${Field} name=${`servers.${i}.name`} label="Name" value=${s.name as string}
                  errors=${props.errors} />
                <${Field} name=${`servers.${i}.address`} label="Address" hint="host:port"
                  value=${s.address as string} errors=${props.errors} />
                <${Field} name=${`servers.${i}.weight`} label="Weight" hint="0-256"
                  value=${s.weight as number} errors=${props.errors} />
                <${Checkbox} name=${`servers.${i}.check`} label="Health check"
                  checked=${s.check === true} errors=${props.errors} />
                <${Checkbox} name=${`servers.${i}.backup`} label="Backup"
                  checked=${s.backup === true} errors=${props.errors} />
                ${isNew ? null : html`
                  <${Checkbox} name=${`servers.${i}.remove`} label="Remove"
                    checked=${false} />
                `}
              </div>
        </fieldset>
      `;
    })
  }`;
}

/** The backend form: id, mode, balance and servers; posts `_step=plan`. */
export function BackendForm(props: FormView<Entity>): VNode {
  const e = props.entity;
  const balance = (e.balance as { algorithm?: string } | undefined)?.algorithm ?? "";
  const servers = Array.isArray(e.servers) ? e.servers as Entity[] : [];
  return html`
    <section class=${props.highlighted ? "panel highlight" : "panel"}
      aria-label=${props.isNew ? "New backend" : `Backend ${String(e.id)}`}>
        ${props.problem}
        <${ErrorSummary} errors=${props.errors} />
        <${Form} label="Edit backend">
          <input type="hidden" name="_step" value="plan" />
          <${Field} name="id" label="Name" value=${e.id as string} errors=${props.errors}
            hint="letters, digits, . _ -" required=${true} />
          <div class="row">
            <${Select} name="mode" label="Mode" value=${e.mode as string ?? ""} errors=${props
              .errors}
              options=${[{ value: "", label: "inherit from defaults" }, "http", "tcp"]} />
            <${Select} name="balance" label="Balance" value=${balance} errors=${props.errors}
              options=${[{ value: "", label: "HAProxy default" }, ...BALANCE_ALGORITHMS]} />
          </div>
          <h2>Servers</h2>
          <${ServerRows} servers=${servers} errors=${props.errors} />
          <div class="actions">
            <button type="submit" class="primary">Review changes</button>
            <a class="button" href="/backends">Cancel</a>
          </div>
        <//>
      </section>
  `;
}

/** The backend editor for the shared edit flow. */
export const backendEditor: EntityEditor<Entity> = {
  kind: "backend",
  list: (state: StateDoc) => state.haproxy.backends,
  listPath: ["haproxy", "backends"],
  idOf: (e) => String(e.id ?? ""),
  fromForm(form, existing) {
    const e: Entity = structuredClone(existing ?? {});
    e.id = (form.get("id") ?? "").trim();
    setOrDelete(e, "mode", form.get("mode") ?? "");
    const algorithm = form.get("balance") ?? "";
    if (algorithm) {
      e.balance = { ...(e.balance as Entity | undefined ?? {}), algorithm };
    } else delete e.balance;
    e.servers = serversFromForm(form, (existing?.servers as Entity[] | undefined) ?? []);
    return e;
  },
  view: BackendForm,
  after: (e) => `/backends/${encodeURIComponent(String(e.id))}`,
};
