/**
 * The runtime plugin's map pages: the state's maps (`state.maps[]`) with
 * their entry counts, and per map its entries as HAProxy holds them, with a
 * form to add or set an entry and a button to remove one. A change goes to
 * HAProxy at once and is written to the map file and the state (snapshot,
 * no reload) by the same API a curl user calls (`/api/runtime/maps/...`).
 * A new map, or deleting one, is a change of the state's maps (a JSON
 * Patch, applied like any change; a map a rule still uses cannot go).
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
  type Issue,
  issuesByField,
  type PageContext,
  type PageDefinition,
  type PageResult,
  pageWithStatus,
  patchState,
  type Principal,
  redirect,
  Table,
  TextArea,
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

async function listView(
  ctx: PageContext,
  form: NewMapInput = { errors: {} },
): Promise<VNode> {
  const r = await ctx.api<{ maps: MapSummary[] }>("GET", "/api/runtime/maps");
  if (!r.ok) return html`<${ErrorBox} reply=${r} />`;
  const empty = "No maps yet: add one below (or in the state's maps) and use it with map(@name).";
  return html`
    <div class="panel">
      <${Table} caption="Maps of the state" id="maps" rows=${r.body.maps}
        empty=${empty}
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
    ${mayChangeMaps(ctx.principal) ? html`<${NewMapForm} ...${form} />` : null}
  `;
}

/** What the new-map form was posted with, and its errors, to draw it again. */
interface NewMapInput {
  errors: FieldErrors;
  name?: string;
  entries?: string;
}

function NewMapForm(props: NewMapInput): VNode {
  return html`
    <section class="panel" aria-labelledby="new-map-h">
      <h2 id="new-map-h">New map</h2>
      <p class="muted">Added to the state's maps and applied; rules use it as
        ${" "}<code>map(@name)</code> (e.g. <code>%[req.hdr(host),lower,map(@hosts,web)]</code> as
        a dynamic backend).</p>
      <${Form} label="New map" id="new-map-form">
        <input type="hidden" name="_step" value="new" />
        <${Field} name="name" label="Name" value=${props.name} errors=${props.errors}
          required=${true} />
        <${TextArea} name="entries" label="Entries" value=${props.entries}
          errors=${props.errors} rows=${4} hint="one 'key value' per line; may be empty" />
        <button type="submit" class="primary">Add the map</button>
        <//>
        </section>
  `;
}

/** `key value` lines as map entries; a line without both is an error at the field. */
export function parseEntryLines(text: string): { key: string; value: string }[] | string {
  const out: { key: string; value: string }[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (!line) continue;
    const [key, ...rest] = line.split(/\s+/);
    if (rest.length !== 1) return `line ${i + 1}: write 'key value' (two words)`;
    out.push({ key, value: rest[0] });
  }
  return out;
}

async function newMap(ctx: PageContext): Promise<PageResult> {
  const name = (ctx.form!.get("name") ?? "").trim();
  const text = ctx.form!.get("entries") ?? "";
  const again = async (status: number, errors: FieldErrors) =>
    pageWithStatus(status, await listView(ctx, { errors, name, entries: text }));
  const entries = parseEntryLines(text);
  if (typeof entries === "string") return again(400, { entries: [entries] });
  const r = await patchState(ctx, [{ op: "add", path: "/maps/-", value: { name, entries } }]);
  if (!r.ok) {
    // A 422 names the new map's fields (/maps/<n>/name, …/entries/<i>/key): shown at the form.
    const issues = (r.body as { issues?: Issue[] } | null)?.issues ?? [];
    const at = issues.find((i) => i.path?.[0] === "maps")?.path?.[1];
    const errors = at === undefined ? {} : issuesByField(issues, ["maps", at]);
    if (errors.name || Object.keys(errors).some((k) => k.startsWith("entries"))) {
      const entryErrors = Object.entries(errors).filter(([k]) => k.startsWith("entries"))
        .flatMap(([k, v]) => v.map((m) => `${k.replace(/^entries\.?/, "entry ")}: ${m}`));
      return again(r.status, {
        ...(errors.name ? { name: errors.name } : {}),
        ...(entryErrors.length ? { entries: entryErrors } : {}),
      });
    }
    return again(r.status, { name: [describeError(r)] });
  }
  return redirect(mapHref(name), {
    kind: "ok",
    message: `Added map ${name} with ${entries.length} entries; rules use it as map(@${name}).`,
  });
}

async function deleteMap(ctx: PageContext): Promise<PageResult> {
  const name = ctx.params.name;
  const here = mapHref(name);
  const what = `Delete map ${name}`;
  if (!isConfirmed(ctx.form)) {
    return html`
      <${ConfirmPage} question=${`${what}?`} danger=${true} cancel=${here}
        fields=${{ _step: "delete-map" }}
        detail=${html`<p>It leaves the state and its file; a rule that still uses
        ${" "}<code>map(@${name})</code> makes this a refusal (422) naming the rule.</p>`} />
    `;
  }
  const state = await ctx.api<{ maps?: { name: string }[] }>("GET", "/api/state");
  if (!state.ok) return html`<${ErrorBox} reply=${state} />`;
  const i = (state.body.maps ?? []).findIndex((m) => m.name === name);
  if (i < 0) return redirect("/maps", { kind: "bad", message: `There is no map ${name}.` });
  const r = await patchState(ctx, [
    { op: "test", path: `/maps/${i}/name`, value: name },
    { op: "remove", path: `/maps/${i}` },
  ]);
  if (!r.ok) {
    // A 422 says which rule still uses the map: name it, not only "did not validate".
    const issues = (r.body as { issues?: Issue[] } | null)?.issues ?? [];
    const why = issues.length
      ? issues.slice(0, 3).map((i) => `${(i.path ?? []).join(".")}: ${i.message}`).join("; ")
      : describeError(r);
    return redirect(here, { kind: "bad", message: `${what} failed: ${why}` });
  }
  return redirect("/maps", { kind: "ok", message: `Deleted map ${name}.` });
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
      ${canChange
        ? html`
          <${ConfirmForm} danger=${true} label=${`Delete map ${m.name}`}
            question=${`Delete map ${m.name}? It leaves the state and its file.`}
            fields=${{ _step: "delete-map" }} />
        `
        : null}
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
  if (form.get("_step") === "delete-map") return deleteMap(ctx);
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
      actionRole: "operator",
      nav: { group: "Configuration", order: 35 },
      render: (ctx) => listView(ctx),
      action: newMap,
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
