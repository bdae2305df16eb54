/**
 * The `defaults` section as a form: mode, every timeout HAProxy knows,
 * maxconn, retries and whether proxies log to the global log targets.
 * Operators change it (the log switch is admin's: the API answers 403
 * naming the path when an operator flips it). Blank fields are unset; the
 * values shown for a fresh state are the API's own defaults, read from the
 * schema so the form never disagrees with it.
 *
 * @module
 */
import type { PageDefinition } from "../../core/pages.ts";
import { Defaults } from "../../core/state/haproxy_schema.ts";
import { html, type VNode } from "../html.ts";
import { ErrorSummary, Field, Form, Select } from "../components/form.ts";
import { ErrorBox } from "../components/errors.ts";
import { loadState, type StateDoc } from "../edit_flow.ts";
import { sectionAction, type SectionEditor, type SectionView } from "../section_flow.ts";
import { durationField, intField, setOrDelete, shown } from "./form_values.ts";
import type { Entity } from "../edit_flow.ts";

/** The timeouts in the order the form lists them, with HAProxy's keyword and what each bounds. */
export const TIMEOUT_FIELDS: { key: string; keyword: string; hint: string }[] = [
  { key: "connect", keyword: "connect", hint: "to open a connection to a server" },
  { key: "client", keyword: "client", hint: "client inactivity" },
  { key: "server", keyword: "server", hint: "server inactivity" },
  { key: "httpRequest", keyword: "http-request", hint: "for a whole request's headers" },
  { key: "httpKeepAlive", keyword: "http-keep-alive", hint: "between two requests" },
  { key: "queue", keyword: "queue", hint: "waiting for a free server slot" },
  { key: "check", keyword: "check", hint: "a health check's read, after connect" },
  { key: "tunnel", keyword: "tunnel", hint: "WebSocket / CONNECT inactivity" },
  { key: "clientFin", keyword: "client-fin", hint: "half-closed client side" },
  { key: "serverFin", keyword: "server-fin", hint: "half-closed server side" },
];

/** The `defaults` section a state gets when it names none: the API's defaults. */
export const API_DEFAULTS = Defaults.parse(undefined);

function defaultsOf(state: StateDoc): Entity {
  return (state.haproxy.defaults as Entity | undefined) ?? structuredClone(API_DEFAULTS);
}

/** Hint for a timeout: what it bounds and the API's default when it has one. */
function timeoutHint(key: string, hint: string): string {
  const d = (API_DEFAULTS.timeouts as Record<string, unknown>)[key];
  return d === undefined ? `${hint}; unset by default` : `${hint}; default ${d}`;
}

/** Writes the posted defaults form into a candidate state. */
export function defaultsFromForm(form: URLSearchParams, next: StateDoc): void {
  const df: Entity = { ...defaultsOf(next) };
  const mode = form.get("defaults.mode");
  if (mode) df.mode = mode;
  const log = form.get("defaults.log");
  if (log) df.log = log;
  const timeouts: Entity = { ...(df.timeouts as Entity | undefined ?? {}) };
  for (const t of TIMEOUT_FIELDS) {
    setOrDelete(timeouts, t.key, durationField(form.get(`defaults.timeouts.${t.key}`)));
  }
  df.timeouts = timeouts;
  setOrDelete(df, "maxconn", intField(form.get("defaults.maxconn")));
  setOrDelete(df, "retries", intField(form.get("defaults.retries")));
  next.haproxy.defaults = df;
}

/** The defaults form; posts `_step=plan` to `/settings/defaults`. */
export function DefaultsForm(props: SectionView): VNode {
  const df = defaultsOf(props.state);
  const t = (df.timeouts as Entity | undefined) ?? {};
  const errors = props.errors;
  return html`
    <section class="panel" aria-label="Defaults">
      ${props.problem}
      <${ErrorSummary} errors=${errors} />
      <p class="muted">What every frontend and backend inherits unless it says otherwise.
        Times are numbers with a unit (<code>5s</code>, <code>500ms</code>, <code>1m</code>)
        or bare milliseconds.</p>
      <${Form} label="Edit defaults" action="/settings/defaults">
        <button type="submit" class="default-submit" tabindex="-1" aria-hidden="true"></button>
        <input type="hidden" name="_step" value="plan" />
        <div class="row">
          <${Select} name="defaults.mode" label="Mode" value=${shown(df.mode)} errors=${errors}
            options=${["http", "tcp"]} />
          <${Select} name="defaults.log" label="Logging" value=${shown(df.log)} errors=${errors}
            options=${[
              { value: "global", label: "to the global log targets" },
              { value: "none", label: "off" },
            ]} />
          <${Field} name="defaults.maxconn" label="Max connections per proxy"
            hint="unset: HAProxy's default" value=${shown(df.maxconn)} errors=${errors} />
          <${Field} name="defaults.retries" label="Retries" hint="unset: HAProxy's 3"
            value=${shown(df.retries)} errors=${errors} />
        </div>
        <fieldset>
          <legend>Timeouts</legend>
          <div class="row">
            ${TIMEOUT_FIELDS.map((f) =>
              html`
                <${Field} name=${`defaults.timeouts.${f.key}`} label=${`timeout ${f.keyword}`}
                  hint=${timeoutHint(f.key, f.hint)} value=${shown(t[f.key])} errors=${errors} />
              `
            )}
          </div>
        </fieldset>
        <div class="actions">
          <button type="submit" class="primary">Review changes</button>
          <a class="button" href="/settings/defaults">Cancel</a>
        </div>
      <//>
    </section>
  `;
}

/** The defaults editor for the section flow. */
export const defaultsEditor: SectionEditor = {
  what: "defaults",
  home: "/settings/defaults",
  prefix: ["haproxy"],
  fromForm: defaultsFromForm,
  view: DefaultsForm,
};

/** The `/settings/defaults` page. */
export function defaultsPages(): PageDefinition[] {
  return [{
    path: "/settings/defaults",
    title: "Defaults",
    role: "viewer",
    actionRole: "operator",
    nav: { group: "Configuration", order: 50 },
    async render(ctx) {
      const loaded = await loadState(ctx);
      if ("error" in loaded) return html`<${ErrorBox} reply=${loaded.error} />`;
      return DefaultsForm({ state: loaded.state, errors: {}, problem: null });
    },
    action: (ctx) => sectionAction(ctx, defaultsEditor),
  }];
}
