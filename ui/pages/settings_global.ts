/**
 * The `global` section and the stats listener as a form (admins: both
 * reach HAProxy's control plane): process-wide maxconn and threads, log
 * targets with their format, the Runtime API's stats sockets with their
 * level (warned about when `admin` is reachable beyond loopback), the stats
 * socket timeout, and HAProxy's statistics page on its own listener.
 *
 * @module
 */
import type { PageDefinition } from "../../core/pages.ts";
import { StatsListener } from "../../core/state/haproxy_schema.ts";
import { html, type VNode } from "../html.ts";
import { Checkbox, ErrorSummary, Field, Form } from "../components/form.ts";
import { ErrorBox } from "../components/errors.ts";
import { type Entity, loadState, type StateDoc } from "../edit_flow.ts";
import { sectionAction, type SectionEditor, type SectionView } from "../section_flow.ts";
import {
  boolField,
  durationField,
  intField,
  setOrDelete,
  shown,
  textField,
} from "./form_values.ts";
import {
  LogRows,
  logsFromForm,
  SocketRows,
  socketsFromForm,
  socketWarning,
} from "./settings_rows.ts";

/** The stats listener's URI when the form leaves it blank (the schema's default). */
const DEFAULT_STATS_URI: string = StatsListener.shape.uri.parse(undefined);

function globalOf(state: StateDoc): Entity {
  return (state.haproxy.global as Entity | undefined) ?? {};
}

function statsOf(state: StateDoc): Entity | null {
  return (state.haproxy.stats as Entity | null | undefined) ?? null;
}

/** Writes the posted global form into a candidate state. */
export function globalFromForm(form: URLSearchParams, next: StateDoc): void {
  const g: Entity = { ...globalOf(next) };
  setOrDelete(g, "maxconn", intField(form.get("global.maxconn")));
  setOrDelete(g, "nbthread", intField(form.get("global.nbthread")));
  setOrDelete(g, "statsTimeout", durationField(form.get("global.statsTimeout")));
  g.logs = logsFromForm(form, (g.logs as Entity[] | undefined) ?? []);
  g.statsSockets = socketsFromForm(form, (g.statsSockets as Entity[] | undefined) ?? []);
  next.haproxy.global = g;
  if (!boolField(form, "stats.enabled")) {
    next.haproxy.stats = null;
    return;
  }
  const st: Entity = { ...(statsOf(next) ?? {}) };
  st.bind = textField(form.get("stats.bind")) ?? "";
  st.uri = textField(form.get("stats.uri")) ?? DEFAULT_STATS_URI;
  setOrDelete(st, "refresh", durationField(form.get("stats.refresh")));
  st.admin = boolField(form, "stats.admin");
  st.prometheus = boolField(form, "stats.prometheus");
  next.haproxy.stats = st;
}

/**
 * Warnings the renderer does not give: an admin-level socket on a
 * non-loopback address that is not a wildcard (the renderer warns about
 * wildcards itself), and a stats page that can change servers.
 */
export function globalWarnings(state: StateDoc): string[] {
  const out: string[] = [];
  for (const s of (globalOf(state).statsSockets as Entity[] | undefined) ?? []) {
    const w = socketWarning(s);
    if (w && !["*", "0.0.0.0", "::"].includes(String(s.host))) out.push(w);
  }
  const st = statsOf(state);
  if (st?.admin) {
    out.push(
      `The stats page on ${String(st.bind)} has its admin actions on: anyone who can open it ` +
        `can put servers into maintenance.`,
    );
  }
  return out;
}

function StatsFields(props: { stats: Entity | null; errors: SectionView["errors"] }): VNode {
  const st = props.stats ?? {};
  const errors = props.errors;
  return html`
    <fieldset>
      <legend>Statistics page</legend>
      <${Checkbox} name="stats.enabled" label="Serve HAProxy's statistics page on its own listener"
        checked=${props.stats !== null} errors=${errors} />
      <div class="row">
        <${Field} name="stats.bind" label="Listen on" hint="host:port, e.g. 127.0.0.1:8404"
          value=${shown(st.bind)} errors=${errors} />
        <${Field} name="stats.uri" label="URI" hint=${`default ${DEFAULT_STATS_URI}`}
          value=${shown(st.uri ?? DEFAULT_STATS_URI)} errors=${errors} />
        <${Field} name="stats.refresh" label="Auto-refresh" hint="e.g. 10s; blank: off"
          value=${shown(st.refresh)} errors=${errors} />
      </div>
      <div class="row">
        <${Checkbox} name="stats.admin" label="Admin actions (enable/disable servers)"
          checked=${st.admin === true} errors=${errors} />
        <${Checkbox} name="stats.prometheus" label="Prometheus metrics at /metrics"
          checked=${st.prometheus === true} errors=${errors} />
      </div>
    </fieldset>
  `;
}

/** The global form; posts `_step=plan` to `/settings/global`. */
export function GlobalForm(props: SectionView): VNode {
  const g = globalOf(props.state);
  const errors = props.errors;
  return html`
    <section class="panel" aria-label="Global settings">
      ${props.problem}
      <${ErrorSummary} errors=${errors} />
      <${Form} label="Edit global settings" action="/settings/global">
        <button type="submit" class="default-submit" tabindex="-1" aria-hidden="true"></button>
        <input type="hidden" name="_step" value="plan" />
        <div class="row">
          <${Field} name="global.maxconn" label="Max connections (process)"
            hint="unset: HAProxy derives it from the file limit" value=${shown(g.maxconn)}
            errors=${errors} />
          <${Field} name="global.nbthread" label="Threads" hint="unset: one per CPU"
            value=${shown(g.nbthread)} errors=${errors} />
          <${Field} name="global.statsTimeout" label="Stats socket timeout"
            hint="unset: HAProxy's 10s" value=${shown(g.statsTimeout)} errors=${errors} />
        </div>
        <${LogRows} logs=${(g.logs as Entity[] | undefined) ?? []} errors=${errors} />
        <${SocketRows} sockets=${(g.statsSockets as Entity[] | undefined) ?? []}
          errors=${errors} />
        <${StatsFields} stats=${statsOf(props.state)} errors=${errors} />
        <div class="actions">
          <button type="submit" class="primary">Review changes</button>
          <a class="button" href="/settings/global">Cancel</a>
        </div>
      <//>
    </section>
  `;
}

/** The global editor for the section flow. */
export const globalEditor: SectionEditor = {
  what: "global settings",
  home: "/settings/global",
  prefix: ["haproxy"],
  fromForm: globalFromForm,
  warnings: globalWarnings,
  view: GlobalForm,
};

/** The `/settings/global` page. */
export function globalPages(): PageDefinition[] {
  return [{
    path: "/settings/global",
    title: "Global settings",
    role: "admin",
    nav: { group: "System", order: 20 },
    async render(ctx) {
      const loaded = await loadState(ctx);
      if ("error" in loaded) return html`<${ErrorBox} reply=${loaded.error} />`;
      return GlobalForm({ state: loaded.state, errors: {}, problem: null });
    },
    action: (ctx) => sectionAction(ctx, globalEditor),
  }];
}
