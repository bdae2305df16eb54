/**
 * The backend editor: form fields ↔ backend entity, and the form view with
 * per-field errors. Servers are rows (`servers.N.*`, see
 * backend_servers_form.ts); the health check, balance algorithm with its
 * argument and stickiness are fieldsets mapping one-to-one onto
 * `healthCheck`, `balance` and `cookie` or `stickTable`/`stickOn` of the
 * schema.
 *
 * @module
 */
import { html, type VNode } from "../html.ts";
import { Checkbox, ErrorSummary, Field, Form, Select } from "../components/form.ts";
import type { Entity, EntityEditor, FormView, StateDoc } from "../edit_flow.ts";
import { BALANCE_ALGORITHMS, CookieStickiness } from "../../core/state/haproxy_schema.ts";
import {
  blankRows,
  postedBlankRows,
  postedOrigins,
  ServerRows,
  serversFromForm,
} from "./backend_servers_form.ts";
import {
  boolField,
  durationField,
  intField,
  setOrDelete,
  shown,
  textField,
} from "./form_values.ts";

export { boolField, intField } from "./form_values.ts";

/** Algorithms whose argument the form asks for, with what it means. */
const BALANCE_ARG_HINT: Record<string, string> = {
  hdr: "header name, e.g. Host",
  url_param: "parameter name, e.g. userid",
  "rdp-cookie": "cookie name, e.g. mstshash",
  uri: "options, e.g. whole or depth 3",
  random: "draws, e.g. 2",
};

function healthFromForm(form: URLSearchParams, existing: Entity | undefined): Entity | undefined {
  const type = form.get("healthCheck.type") ?? "";
  const interval = durationField(form.get("healthCheck.interval"));
  const rise = intField(form.get("healthCheck.rise"));
  const fall = intField(form.get("healthCheck.fall"));
  if (type !== "http" && interval === undefined && rise === undefined && fall === undefined) {
    return undefined;
  }
  const hc: Entity = { ...(existing ?? {}), type: type === "http" ? "http" : "tcp" };
  setOrDelete(hc, "interval", interval);
  setOrDelete(hc, "rise", rise);
  setOrDelete(hc, "fall", fall);
  if (type === "http") {
    setOrDelete(hc, "method", textField(form.get("healthCheck.method")));
    setOrDelete(hc, "path", textField(form.get("healthCheck.path")));
    setOrDelete(hc, "expectStatus", textField(form.get("healthCheck.expectStatus")));
    setOrDelete(hc, "host", textField(form.get("healthCheck.host")));
  } else {
    for (const k of ["method", "path", "expectStatus", "host"]) delete hc[k];
  }
  return hc;
}

/**
 * Stickiness as posted: none, a cookie naming the server, a stick table on
 * the client address, or (kept as it is) another `stick on` the state had.
 */
function stickFromForm(form: URLSearchParams, e: Entity): void {
  const on = form.get("stick") ?? "";
  if (on !== "cookie") delete e.cookie;
  if (on === "" || on === "cookie") {
    delete e.stickTable;
    delete e.stickOn;
  }
  if (on === "cookie") {
    const c: Entity = { ...(e.cookie as Entity | undefined ?? {}) };
    c.name = textField(form.get("cookie.name")) ?? "";
    for (const flag of COOKIE_FLAGS) c[flag] = boolField(form, `cookie.${flag}`);
    e.cookie = c;
    return;
  }
  if (on !== "src") return;
  const expire = durationField(form.get("stickExpire")) ?? "30m";
  e.stickTable = {
    ...(e.stickTable as Entity | undefined ?? {}),
    type: "ip",
    size: "100k",
    expire,
  };
  e.stickOn = on;
}

/** The cookie's on/off flags, in the order HAProxy writes them. */
const COOKIE_FLAGS = ["indirect", "nocache", "httponly", "secure"] as const;

/** The cookie flags' defaults, from the schema (what the form ticks for a new cookie). */
const COOKIE_DEFAULTS = CookieStickiness.parse({ name: "SERVERID" });

const COOKIE_LABELS: Record<typeof COOKIE_FLAGS[number], string> = {
  indirect: "indirect (not passed on to the server)",
  nocache: "nocache (responses marked uncacheable)",
  httponly: "HttpOnly",
  secure: "Secure (HTTPS only)",
};

function StickFields(props: { e: Entity; errors: FormView<Entity>["errors"] }): VNode {
  const { e, errors } = props;
  const stickOn = typeof e.stickOn === "string" ? e.stickOn : "";
  const value = e.cookie ? "cookie" : stickOn;
  const cookie = { ...COOKIE_DEFAULTS, ...(e.cookie as Entity | undefined ?? {}) } as Entity;
  const options = [
    { value: "", label: "no" },
    { value: "cookie", label: "by cookie (names the server)" },
    { value: "src", label: "by client address (stick table)" },
  ];
  if (stickOn && stickOn !== "src") {
    options.push({ value: stickOn, label: `stick on ${stickOn} (as configured)` });
  }
  return html`
    <fieldset>
      <legend>Stickiness</legend>
      <div class="row">
        <${Select} name="stick" label="Keep a client on one server" value=${value}
          errors=${errors} options=${options} />
        <${Field} name="stickExpire" label="Forget after" hint="stick table, e.g. 30m"
          value=${shown((e.stickTable as Entity | undefined)?.expire)} errors=${errors} />
        <${Field} name="cookie.name" label="Cookie name" hint="cookie, e.g. SERVERID"
          value=${shown(e.cookie ? cookie.name : "SERVERID")} errors=${errors} />
      </div>
      <div class="row">
        ${COOKIE_FLAGS.map((f) =>
          html`
            <${Checkbox} name=${`cookie.${f}`} label=${COOKIE_LABELS[f]}
              checked=${cookie[f] === true} errors=${errors} />
          `
        )}
      </div>
    </fieldset>
  `;
}

function HealthFields(props: { hc: Entity | undefined; errors: FormView<Entity>["errors"] }) {
  const hc = props.hc ?? {};
  const errors = props.errors;
  return html`
    <fieldset>
      <legend>Health check</legend>
      <p class="muted">Servers with "Health check" ticked are checked: a TCP connect, or an HTTP
        request that must answer the expected status.</p>
      <div class="row">
        <${Select} name="healthCheck.type" label="Check" value=${hc.type === "http" ? "http" : ""}
          errors=${errors} options=${[{ value: "", label: "TCP connect" }, {
            value: "http",
            label: "HTTP request",
          }]} />
        <${Select} name="healthCheck.method" label="Method" value=${shown(hc.method ?? "GET")}
          errors=${errors} options=${["GET", "HEAD", "OPTIONS"]} />
        <${Field} name="healthCheck.path" label="Path" value=${shown(hc.path ?? "/")}
          errors=${errors} />
        <${Field} name="healthCheck.expectStatus" label="Expected status"
          hint="e.g. 200 or 200-399" value=${shown(hc.expectStatus)} errors=${errors} />
        <${Field} name="healthCheck.host" label="Host header" hint="optional"
          value=${shown(hc.host)} errors=${errors} />
      </div>
      <div class="row">
        <${Field} name="healthCheck.interval" label="Interval" hint="e.g. 2s (HAProxy: 2s)"
          value=${shown(hc.interval)} errors=${errors} />
        <${Field} name="healthCheck.rise" label="Rise" hint="checks to go up (2)"
          value=${shown(hc.rise)} errors=${errors} />
        <${Field} name="healthCheck.fall" label="Fall" hint="checks to go down (3)"
          value=${shown(hc.fall)} errors=${errors} />
      </div>
    </fieldset>
  `;
}

/** What the backend form needs besides the entity: extra blank rows and the trusted CAs. */
export interface BackendFormExtras {
  added?: number;
  cas?: string[];
  origs?: string[];
}

/** The backend form: name, mode, balance, health check, stickiness and servers; posts `_step=plan`. */
export function BackendForm(props: FormView<Entity> & BackendFormExtras): VNode {
  const e = props.entity;
  const balance = (e.balance as { algorithm?: string; args?: string[] } | undefined) ?? {};
  const servers = Array.isArray(e.servers) ? e.servers as Entity[] : [];
  const origs = props.origs ?? (props.isNew ? [] : servers.map((s) => String(s.name)));
  const errors = props.errors;
  return html`
    <section class=${props.highlighted ? "panel highlight" : "panel"}
      aria-label=${props.isNew ? "New backend" : `Backend ${String(e.id)}`}>
        ${props.problem}
        <${ErrorSummary} errors=${errors} />
        <${Form} label="Edit backend">
          <button type="submit" class="default-submit" tabindex="-1" aria-hidden="true"></button>
          <input type="hidden" name="_step" value="plan" />
          <${Field} name="id" label="Name" value=${e.id as string} errors=${errors}
            hint="letters, digits, . _ -" required=${true} />
          <div class="row">
            <${Select} name="mode" label="Mode" value=${e.mode as string ?? ""} errors=${errors}
              options=${[{ value: "", label: "inherit from defaults" }, "http", "tcp"]} />
            <${Select} name="balance" label="Balance" value=${balance.algorithm ?? ""}
              errors=${errors}
              options=${[
                { value: "", label: "HAProxy default (roundrobin)" },
                ...BALANCE_ALGORITHMS,
              ]} />
            <${Field} name="balance.args" label="Balance argument"
              hint=${Object.entries(BALANCE_ARG_HINT).map(([k, v]) => `${k}: ${v}`).join("; ")}
              value=${(balance.args ?? []).join(" ")} errors=${errors} />
          </div>
          <h2>Servers</h2>
          <${ServerRows} servers=${servers} origs=${origs}
            blank=${blankRows(props.isNew, props.added ?? 0)} errors=${errors}
            cas=${props.cas ?? []} />
          <${HealthFields} hc=${e.healthCheck as Entity | undefined} errors=${errors} />
          <${StickFields} e=${e} errors=${errors} />
          <div class="actions">
            <button type="submit" class="primary">Review changes</button>
            <a class="button" href="/backends">Cancel</a>
          </div>
        <//>
      </section>
  `;
}

/** The trusted CA names of a state (for the server TLS "verify against" choice). */
export function trustedCaNames(state: StateDoc | undefined): string[] {
  const cas = (state as { trustedCas?: { name: string }[] } | undefined)?.trustedCas;
  return Array.isArray(cas) ? cas.map((c) => c.name) : [];
}

/** The backend editor for the shared edit flow, offering the state's trusted CAs. */
export function backendEditorFor(state?: StateDoc): EntityEditor<Entity> {
  const cas = trustedCaNames(state);
  return {
    kind: "backend",
    list: (s: StateDoc) => s.haproxy.backends,
    listPath: ["haproxy", "backends"],
    idOf: (e) => String(e.id ?? ""),
    fromForm(form, existing) {
      const e: Entity = structuredClone(existing ?? {});
      e.id = (form.get("id") ?? "").trim();
      setOrDelete(e, "mode", form.get("mode") ?? "");
      const algorithm = form.get("balance") ?? "";
      const args = (form.get("balance.args") ?? "").trim().split(/\s+/).filter(Boolean);
      if (algorithm) e.balance = { algorithm, args };
      else delete e.balance;
      setOrDelete(e, "healthCheck", healthFromForm(form, existing?.healthCheck as Entity));
      stickFromForm(form, e);
      e.servers = serversFromForm(form, (existing?.servers as Entity[] | undefined) ?? []);
      return e;
    },
    view: (p) => BackendForm({ ...p, cas }),
    redraw: (p, form) =>
      BackendForm({
        ...p,
        cas,
        added: Math.max(0, postedBlankRows(form) + 1 - blankRows(p.isNew, 0)),
        origs: postedOrigins(form),
      }),
    after: (e) => `/backends/${encodeURIComponent(String(e.id))}`,
  };
}

/** The backend editor without trusted CAs (kept for callers that have no state at hand). */
export const backendEditor: EntityEditor<Entity> = backendEditorFor();
