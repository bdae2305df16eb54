/**
 * The runtime plugin's map pages: the state's maps (`state.maps[]`) with
 * their entry counts, and per map its entries as HAProxy holds them, with a
 * form to add or set an entry and a button to remove one. A change goes to
 * HAProxy at once and is written to the map file and the state (snapshot,
 * no reload) by the same API a curl user calls (`/api/runtime/maps/...`).
 * Viewers see everything; the forms are offered to operators and admins
 * only, the roles the entry routes take.
 *
 * @module
 */
import {
  ConfirmForm,
  ConfirmPage,
  describeError,
  ErrorBox,
  Field,
  type FieldErrors,
  Form,
  html,
  isConfirmed,
  type PageContext,
  type PageDefinition,
  type PageResult,
  pageWithStatus,
  type Principal,
  redirect,
  Table,
  type VNode,
} from "../../mod_ui.ts";

/** One map as `GET /api/runtime/maps` lists it. */
interface MapSummary {
  name: string;
  file: string;
  loaded: boolean;
  entryCount: number;
  runtimeEntryCount: number | null;
}

/** One map's entries as `GET /api/runtime/maps/{name}` answers. */
interface MapDetail {
  name: string;
  file: string;
  loaded: boolean;
  entries: { key: string; value: string }[];
}

/** What an entry change answers. */
interface MapChange {
  map: string;
  key: string;
  value: string | null;
  op: "add" | "set" | "del";
  changed: boolean;
  loaded?: boolean;
  snapshotId: string | number | null;
}

/** Whether the caller's role may change map entries (the entry routes need an operator). */
export function mayChangeMaps(principal: Principal | null): boolean {
  return principal?.role === "operator" || principal?.role === "admin";
}

/** The flash after a change, saying where it went: HAProxy, the file, the state. */
export function changeMessage(c: MapChange): string {
  const what = c.op === "del"
    ? `Removed ${c.key} from map ${c.map}`
    : `${c.op === "add" ? "Added" : "Set"} ${c.key} → ${c.value} in map ${c.map}`;
  if (!c.changed) return `Map ${c.map} already has ${c.key} → ${c.value}; nothing changed.`;
  const where = c.loaded
    ? "HAProxy uses it now, and it is written to the map file and the state"
    : "HAProxy does not load this map (no rule uses it): written to the map file and the state";
  const snap = c.snapshotId !== null ? ` (snapshot ${c.snapshotId})` : "";
  return `${what}: ${where}${snap}; no reload.`;
}

const PERSISTED =
  "Changes here reach HAProxy at once (add/set/del map on the admin socket) and are written " +
  "to the map file and to the state, with a snapshot: no reload, and they survive restarts " +
  "and later applies.";

function mapHref(name: string): string {
  return `/maps/${encodeURIComponent(name)}`;
}

async function listView(ctx: PageContext): Promise<PageResult> {
  const r = await ctx.api<{ maps: MapSummary[] }>("GET", "/api/runtime/maps");
  if (!r.ok) return html`<${ErrorBox} reply=${r} />`;
  return html`
    <div class="panel">
      <${Table} caption="Maps of the state" id="maps" rows=${r.body.maps}
        empty="No maps yet: add one to the state's maps (Raw state) and use it with map(@name)."
        columns=${[
          {
            label: "Name",
            cell: (m: MapSummary) => html`<a href=${mapHref(m.name)}>${m.name}</a>`,
          },
          { label: "Entries in the state", cell: (m: MapSummary) => String(m.entryCount) },
          {
            label: "Entries HAProxy holds",
            cell: (m: MapSummary) =>
              m.loaded
                ? String(m.runtimeEntryCount ?? 0)
                : html`<span class="badge">not loaded (no rule uses it)</span>`,
          },
          { label: "File", cell: (m: MapSummary) => html`<code>${m.file}</code>` },
        ]} />
    </div>
    <p class="muted">${PERSISTED}</p>
  `;
}

function EntryForm(
  props: { name: string; errors: FieldErrors; key?: string; value?: string },
): VNode {
  return html`
    <${Form} label=${`Add or set an entry of ${props.name}`} id="map-entry-form">
      <input type="hidden" name="_step" value="set" />
      <div class="row">
        <${Field} name="key" label="Key" value=${props.key} errors=${props.errors}
          required=${true} hint="an existing key is replaced" />
        <${Field} name="value" label="Value" value=${props.value} errors=${props.errors}
          required=${true} />
        <button type="submit" class="primary">Add or set</button>
      </div>
      <//>
  `;
}

async function mapView(
  ctx: PageContext,
  form: { errors: FieldErrors; key?: string; value?: string } = { errors: {} },
): Promise<PageResult> {
  const name = ctx.params.name;
  const r = await ctx.api<MapDetail>("GET", `/api/runtime/maps/${encodeURIComponent(name)}`);
  if (!r.ok) return pageWithStatus(r.status, html`<${ErrorBox} reply=${r} />`, `Map ${name}`);
  const m = r.body;
  const canChange = mayChangeMaps(ctx.principal);
  const body = html`
    <section class="panel" aria-labelledby="map-h">
      <h2 id="map-h">${m.loaded ? "Entries HAProxy holds" : "Entries (from the state)"}</h2>
      <p><code>${m.file}</code>${" "}${m.loaded
        ? html`<span class="badge ok">loaded by HAProxy</span>`
        : html`<span class="badge warn">not loaded: no rule uses map(@${m.name})</span>`}</p>
      <p class="alert ok" id="map-persisted">${PERSISTED}</p>
      <${Table} caption=${`Entries of ${m.name}`} id="map-entries" rows=${m.entries}
        empty="No entries." columns=${[
          { label: "Key", cell: (e: MapDetail["entries"][0]) => html`<code>${e.key}</code>` },
          { label: "Value", cell: (e: MapDetail["entries"][0]) => html`<code>${e.value}</code>` },
          ...(canChange
            ? [{
              label: "",
              cell: (e: MapDetail["entries"][0]) =>
                html`
                  <${ConfirmForm} small=${true} danger=${true} label="Delete"
                    question=${`Delete ${e.key} from map ${m.name}? It is removed from HAProxy, the map file and the state.`}
                    fields=${{ _step: "delete", key: e.key }} />
                `,
            }]
            : []),
        ]} />
      ${canChange
        ? html`
          <${EntryForm} name=${m.name} errors=${form.errors} key=${form.key}
            value=${form.value} />
        `
        : html`<p class="muted" id="map-readonly">Your role (${ctx.principal?.role ?? "none"})
            can view map entries; operators and admins change them.</p>`}
    </section>
    <p><a href="/maps">All maps</a></p>
  `;
  return { kind: "page", status: 200, title: `Map ${m.name}`, body };
}

async function mapAction(ctx: PageContext): Promise<PageResult> {
  const form = ctx.form!;
  const name = ctx.params.name;
  const here = mapHref(name);
  const path = `/api/runtime/maps/${encodeURIComponent(name)}/entries`;
  if (form.get("_step") === "delete") {
    const key = form.get("key") ?? "";
    const what = `Delete ${key} from map ${name}`;
    if (!isConfirmed(form)) {
      return html`
        <${ConfirmPage} question=${`${what}?`} danger=${true} cancel=${here}
          fields=${{ _step: "delete", key }}
          detail=${html`<p>HAProxy stops matching it at once; it is removed from the map file and
          the state too (snapshot recorded, no reload).</p>`} />
      `;
    }
    const r = await ctx.api<MapChange>("DELETE", path, { key });
    return redirect(
      here,
      r.ok
        ? { kind: "ok", message: changeMessage(r.body) }
        : { kind: "bad", message: `${what} failed. ${describeError(r)}` },
    );
  }
  const key = (form.get("key") ?? "").trim();
  const value = (form.get("value") ?? "").trim();
  const errors: FieldErrors = {};
  if (!key) errors.key = ["Enter a key."];
  if (!value) errors.value = ["Enter a value."];
  const again = async (status: number, errs: FieldErrors) => {
    const page = await mapView(ctx, { errors: errs, key, value });
    return "kind" in page && page.kind === "page" ? { ...page, status } : page;
  };
  if (errors.key || errors.value) return again(400, errors);
  const r = await ctx.api<MapChange>("POST", path, { key, value });
  if (!r.ok) return again(r.status, { key: [describeError(r)] });
  return redirect(here, { kind: "ok", message: changeMessage(r.body) });
}

/** The map list and per-map entry pages. */
export function mapPages(): PageDefinition[] {
  return [
    {
      path: "/maps",
      title: "Maps",
      role: "viewer",
      nav: { group: "Configuration", order: 35 },
      render: listView,
    },
    {
      path: "/maps/:name",
      title: "Map",
      role: "viewer",
      actionRole: "operator",
      render: (ctx) => mapView(ctx),
      action: mapAction,
    },
  ];
}
