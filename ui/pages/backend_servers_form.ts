/**
 * The server rows of the backend form: every existing server plus blank
 * rows for new ones, so several servers go in with one apply. An
 * "Add a server row" submit posts the form back and redraws it with one more
 * blank row, which works without JavaScript. Each row carries the name it
 * was loaded with (`servers.N._orig`), so fields the form does not edit
 * (server TLS options) stay with their server when rows are removed.
 *
 * New rows start with the API's defaults: health check on, weight 100.
 *
 * @module
 */
import { html, type VNode } from "../html.ts";
import { Checkbox, Field } from "../components/form.ts";
import type { Entity, FormView } from "../edit_flow.ts";
import { boolField, intField, setOrDelete, shown, textField } from "./form_values.ts";

/** A new server row as the API would default it. */
export const BLANK_SERVER: Entity = { name: "", address: "", weight: 100, check: true };

/** How many blank rows the form offers: two on a new backend, one on an existing one, plus any added. */
export function blankRows(isNew: boolean, added: number): number {
  return (isNew ? 2 : 1) + Math.max(0, added);
}

/** The posted rows that are filled in and not marked "remove", each merged with the server it was loaded as. */
export function serversFromForm(form: URLSearchParams, existing: Entity[]): Entity[] {
  const out: Entity[] = [];
  for (let i = 0; form.has(`servers.${i}.name`); i++) {
    if (boolField(form, `servers.${i}.remove`)) continue;
    const name = (form.get(`servers.${i}.name`) ?? "").trim();
    const address = (form.get(`servers.${i}.address`) ?? "").trim();
    const orig = form.get(`servers.${i}._orig`) ?? "";
    if (!orig && !name && !address) continue;
    const before = orig ? existing.find((s) => s.name === orig) : undefined;
    const s: Entity = { ...(before ?? {}), name, address };
    setOrDelete(s, "weight", intField(form.get(`servers.${i}.weight`)));
    setOrDelete(s, "maxconn", intField(form.get(`servers.${i}.maxconn`)));
    s.check = boolField(form, `servers.${i}.check`);
    s.backup = boolField(form, `servers.${i}.backup`);
    s.ssl = boolField(form, `servers.${i}.ssl`);
    s.disabled = boolField(form, `servers.${i}.disabled`);
    const sni = textField(form.get(`servers.${i}.tls.sni`));
    const ca = textField(form.get(`servers.${i}.tls.ca`));
    if (s.ssl && (sni || ca)) {
      const tls: Entity = { ...(s.tls as Entity | undefined ?? {}) };
      setOrDelete(tls, "sni", sni);
      setOrDelete(tls, "ca", ca);
      tls.verify = ca ? "required" : "none";
      s.tls = tls;
    } else if (!s.ssl) delete s.tls;
    else if (s.tls) {
      const tls = { ...(s.tls as Entity) };
      delete tls.sni;
      delete tls.ca;
      tls.verify = "none";
      s.tls = tls;
    }
    out.push(s);
  }
  return out;
}

/** The `_orig` of each posted row that {@link serversFromForm} keeps, by its new index. */
export function postedOrigins(form: URLSearchParams): string[] {
  const out: string[] = [];
  for (let i = 0; form.has(`servers.${i}.name`); i++) {
    if (boolField(form, `servers.${i}.remove`)) continue;
    const orig = form.get(`servers.${i}._orig`) ?? "";
    const filled = (form.get(`servers.${i}.name`) ?? "").trim() ||
      (form.get(`servers.${i}.address`) ?? "").trim();
    if (orig || filled) out.push(orig);
  }
  return out;
}

/** How many blank rows were posted (kept when the form is redrawn). */
export function postedBlankRows(form: URLSearchParams): number {
  let n = 0;
  for (let i = 0; form.has(`servers.${i}.name`); i++) {
    const blank = !form.get(`servers.${i}._orig`) &&
      !(form.get(`servers.${i}.name`) ?? "").trim() &&
      !(form.get(`servers.${i}.address`) ?? "").trim();
    if (blank) n++;
  }
  return n;
}

function ServerRow(props: {
  s: Entity;
  i: number;
  orig: string;
  errors: FormView<Entity>["errors"];
  cas: string[];
}): VNode {
  const { s, i, errors } = props;
  const tls = (s.tls as Entity | undefined) ?? {};
  const p = `servers.${i}`;
  return html`
    <fieldset class="server-row">
      <legend>${props.orig ? `Server ${props.orig}` : "New server"}</legend>
      <input type="hidden" name=${`${p}._orig`} value=${props.orig} />
      <div class="row">
        <${Field} name=${`${p}.name`} label="Name" value=${s.name as string} errors=${errors} />
        <${Field} name=${`${p}.address`} label="Address" hint="host:port"
          value=${s.address as string} errors=${errors} />
        <${Field} name=${`${p}.weight`} label="Weight" hint="0-256" value=${shown(s.weight)}
          errors=${errors} />
        <${Field} name=${`${p}.maxconn`} label="Max connections" hint="blank: no limit"
          value=${shown(s.maxconn)} errors=${errors} />
      </div>
      <div class="row">
        <${Checkbox} name=${`${p}.check`} label="Health check" checked=${s.check !== false}
          errors=${errors} />
        <${Checkbox} name=${`${p}.backup`} label="Backup" checked=${s.backup === true}
          errors=${errors} />
        <${Checkbox} name=${`${p}.disabled`} label="Disabled" checked=${s.disabled === true}
          errors=${errors} />
        <${Checkbox} name=${`${p}.ssl`} label="TLS to server" checked=${s.ssl === true ||
          s.tls !== undefined} errors=${errors} />
        <${Checkbox} name=${`${p}.remove`} label="Remove" checked=${false} />
      </div>
      <details open=${tls.sni !== undefined || tls.ca !== undefined ? true : undefined}>
        <summary>Server TLS: verify and SNI</summary>
        <div class="row">
          <div class="field">
            <label for=${`f-${p}-tls-ca`.replaceAll(".", "-")}>Verify against CA</label>
            <select id=${`f-${p}-tls-ca`.replaceAll(".", "-")} name=${`${p}.tls.ca`}>
              <option value="">do not verify</option>
              ${props.cas.map((c) =>
                html`<option value=${c} selected=${tls.ca === c}>${c}</option>`
              )}
            </select>
          </div>
          <${Field} name=${`${p}.tls.sni`} label="SNI" hint="DNS name sent to the server"
            value=${shown(tls.sni)} errors=${errors} />
        </div>
      </details>
    </fieldset>
  `;
}

/** Every server row, existing then blank, and the "add a row" submit. */
export function ServerRows(props: {
  servers: Entity[];
  /** The name each row was loaded as, by index (blank for a server not yet applied). */
  origs: string[];
  blank: number;
  errors: FormView<Entity>["errors"];
  cas: string[];
}): VNode {
  const rows: { s: Entity; orig: string }[] = props.servers.map((s, i) => ({
    s,
    orig: props.origs[i] ?? "",
  }));
  for (let k = 0; k < props.blank; k++) rows.push({ s: { ...BLANK_SERVER }, orig: "" });
  return html`
    ${rows.map((r, i) =>
      html`
        <${ServerRow} s=${r.s} i=${i} orig=${r.orig} errors=${props.errors}
          cas=${props.cas} />
      `
    )}
    <input type="hidden" name="_blank" value=${String(props.blank)} />
    <button type="submit" name="_addrow" value="1">Add a server row</button>
  `;
}
