/**
 * The runtime plugin's console pages: the state's ACLs with the entries
 * HAProxy matches right now (add and remove entries at run time, each
 * marked persisted or runtime-only), and the Runtime API console for
 * admins. Every action is the REST call a curl user would make, sent
 * in-process with the caller's credentials.
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
  redirect,
  Table,
  type VNode,
} from "../../mod_ui.ts";

/** One ACL as `GET /api/runtime/acls` lists it. */
interface RuntimeAcl {
  index: number;
  name: string;
  criterion: string;
  file: boolean;
  persisted: boolean;
  loaded: boolean;
  runtimeIds: number[];
}

/** The entries of one ACL as `GET /api/runtime/acls/{ref}/entries` answers. */
interface AclEntries {
  loaded: boolean;
  persisted: boolean;
  entries: string[];
}

/** What the state says about an ACL (flags and values are not in the runtime listing). */
interface StateAcl {
  name: string;
  flags?: string[];
  values?: string[];
}

/** One ACL with everything the page shows about it. */
interface AclView {
  acl: RuntimeAcl;
  flags: string[];
  values: string[];
  entries: AclEntries | null;
}

/** Where an entry lives, in the words the page uses. */
type Where = "persisted" | "in-state" | "runtime-only" | "removed-at-runtime" | "not-loaded";

/** One row of an ACL's entry table. */
interface EntryRow {
  value: string;
  where: Where;
}

const WHERE_TEXT: Record<Where, [cls: string, text: string]> = {
  "persisted": ["badge ok", "persisted (state and pattern file)"],
  "in-state": ["badge ok", "in the state (haproxy.cfg)"],
  "runtime-only": ["badge warn", "runtime-only: lost at the next reload"],
  "removed-at-runtime": ["badge warn", "removed at run time: back at the next reload"],
  "not-loaded": ["badge", "in the state; not loaded (no frontend uses this ACL)"],
};

/** Joins the live entries with the state's values, saying where each one lives. */
export function entryRows(view: AclView): EntryRow[] {
  const inState = new Set(view.values);
  if (!view.entries?.loaded) return view.values.map((value) => ({ value, where: "not-loaded" }));
  const live = new Set(view.entries.entries);
  const rows: EntryRow[] = view.entries.entries.map((value) => ({
    value,
    where: inState.has(value) ? (view.acl.file ? "persisted" : "in-state") : "runtime-only",
  }));
  for (const value of view.values) {
    if (!live.has(value)) rows.push({ value, where: "removed-at-runtime" });
  }
  return rows;
}

function storageText(acl: RuntimeAcl): string {
  return acl.file
    ? "File-backed: entries added or removed here are written to its pattern file and to the " +
      "state (a snapshot is recorded, no reload)."
    : "Inline: its values live in haproxy.cfg, so an entry added or removed here is runtime-only " +
      "and lasts until the next reload or restart. Edit the state to keep it.";
}

function entryField(index: number): string {
  return `entry.${index}`;
}

function AclSection(props: { view: AclView; errors: FieldErrors }): VNode {
  const { acl, flags } = props.view;
  const rows = entryRows(props.view);
  const loaded = props.view.entries?.loaded ?? false;
  return html`<section class="panel" id=${`acl-${acl.name}`} aria-labelledby=${`acl-h-${acl.index}`}>
    <h2 id=${`acl-h-${acl.index}`}>ACL ${acl.name}</h2>
    <p><code>acl ${acl.name} ${acl.criterion}${
    flags.length ? ` ${flags.join(" ")}` : ""
  }</code>${" "}
      <span class=${acl.file ? "badge ok" : "badge"}>${
    acl.file ? "file-backed" : "inline"
  }</span>${" "}
      ${
    loaded
      ? html`<span class="muted">runtime id${acl.runtimeIds.length === 1 ? "" : "s"} ${
        acl.runtimeIds.map((id) => `#${id}`).join(", ")
      }</span>`
      : html`<span class="badge warn">not loaded</span>`
  }</p>
    <p class="muted">${storageText(acl)}</p>
    ${props.view.entries ? null : html`<p class="muted">Live entries unavailable.</p>`}
    <${Table} caption=${`Entries of ${acl.name}`} rows=${rows} id=${`entries-${acl.index}`}
      empty="No entries." columns=${[
    { label: "Entry", cell: (r: EntryRow) => html`<code>${r.value}</code>` },
    {
      label: "Where it lives",
      cell: (r: EntryRow) =>
        html`<span class=${WHERE_TEXT[r.where][0]}>${WHERE_TEXT[r.where][1]}</span>`,
    },
    {
      label: "",
      cell: (r: EntryRow) =>
        r.where === "removed-at-runtime" || r.where === "not-loaded" ? null : html`
          <${ConfirmForm} small=${true} danger=${true} label="Remove"
            question=${`Remove ${r.value} from ACL ${acl.name}? ${
              acl.file
                ? "It is removed from the state and the pattern file too."
                : "Runtime-only: it comes back at the next reload if the state has it."
            }`}
            fields=${{
              _step: "remove",
              acl: String(acl.index),
              aclName: acl.name,
              value: r.value,
            }} />
        `,
    },
  ]} />
    <${Form} label=${`Add an entry to ${acl.name}`}>
      <input type="hidden" name="_step" value="add" />
      <input type="hidden" name="acl" value=${String(acl.index)} />
      <div class="row">
        <${Field} name=${entryField(acl.index)} label="New entry" errors=${props.errors}
          required=${true} hint=${acl.file ? "persisted" : "runtime-only"} />
        <button type="submit" class="primary">Add to ${acl.name}</button>
      </div>
    <//>
  </section>`;
}

async function loadAcls(ctx: PageContext): Promise<AclView[] | VNode> {
  const [list, state] = await Promise.all([
    ctx.api<{ acls: RuntimeAcl[] }>("GET", "/api/runtime/acls"),
    ctx.api<{ acls?: StateAcl[] }>("GET", "/api/state"),
  ]);
  if (!list.ok) return html`<${ErrorBox} reply=${list} />`;
  if (!state.ok) return html`<${ErrorBox} reply=${state} />`;
  const stateAcls = state.body.acls ?? [];
  return await Promise.all(list.body.acls.map(async (acl) => {
    const entries = await ctx.api<AclEntries>("GET", `/api/runtime/acls/${acl.index}/entries`);
    const declared = stateAcls[acl.index];
    return {
      acl,
      flags: declared?.flags ?? [],
      values: declared?.values ?? [],
      entries: entries.ok ? entries.body : null,
    };
  }));
}

async function aclsView(ctx: PageContext, errors: FieldErrors): Promise<VNode> {
  const views = await loadAcls(ctx);
  if (!Array.isArray(views)) return views;
  return html`
    <div class="panel">
      <${Table} caption="ACLs of the state" id="acls" rows=${views}
        empty="No ACLs yet: create one under ACL definitions." columns=${[
          {
            label: "Name",
            cell: (v: AclView) => html`<a href=${`#acl-${v.acl.name}`}>${v.acl.name}</a>`,
          },
          { label: "Criterion", cell: (v: AclView) => html`<code>${v.acl.criterion}</code>` },
          {
            label: "Storage",
            cell: (v: AclView) => v.acl.file ? "file-backed (persisted)" : "inline (runtime-only)",
          },
          {
            label: "Values in the state",
            cell: (v: AclView) =>
              v.values.length
                ? html`<code>${v.values.join(" ")}</code>`
                : html`<span class="muted">none</span>`,
          },
          {
            label: "Live entries",
            cell: (v: AclView) =>
              v.entries?.loaded
                ? String(v.entries.entries.length)
                : html`<span class="muted">not loaded</span>`,
          },
        ]} />
    </div>
    <p><a class="button" href="/acls/defined">Create, edit or delete ACLs</a></p>
    ${views.map((view) => html`<${AclSection} view=${view} errors=${errors} />`)}
  `;
}

function changeMessage(
  op: "add" | "del",
  value: string,
  body: { acl: string; changed: boolean; persisted: boolean },
): string {
  const verb = op === "add" ? `Added ${value} to` : `Removed ${value} from`;
  if (!body.changed) return `ACL ${body.acl} already had ${value}; nothing changed.`;
  return body.persisted
    ? `${verb} ACL ${body.acl}: persisted to the state and its pattern file (snapshot recorded).`
    : `${verb} ACL ${body.acl} at run time only: it lasts until the next reload or restart.`;
}

async function aclsAction(ctx: PageContext): Promise<PageResult> {
  const form = ctx.form!;
  const index = Number(form.get("acl") ?? "");
  if (!Number.isInteger(index) || index < 0) return redirect("/acls");
  const path = `/api/runtime/acls/${index}/entries`;
  if (form.get("_step") === "remove") {
    const value = form.get("value") ?? "";
    const aclName = form.get("aclName") ?? String(index);
    const what = `Remove ${value} from ACL ${aclName}`;
    if (!isConfirmed(form)) {
      return html`
        <${ConfirmPage} question=${`${what}?`} danger=${true} cancel="/acls"
          fields=${{ _step: "remove", acl: String(index), aclName, value }}
          detail=${html`<p>HAProxy stops matching it at once. A file-backed ACL also loses it
            in the state and its pattern file; an inline ACL gets it back at the next reload if
            the state lists it.</p>`} />
      `;
    }
    const r = await ctx.api<{ acl: string; changed: boolean; persisted: boolean }>(
      "DELETE",
      path,
      { value },
    );
    return redirect(
      `/acls#acl-${aclName}`,
      r.ok
        ? { kind: "ok", message: changeMessage("del", value, r.body) }
        : { kind: "bad", message: `${what} failed. ${describeError(r)}` },
    );
  }
  const field = entryField(index);
  const value = (form.get(field) ?? "").trim();
  if (!value) return pageWithStatus(400, await aclsView(ctx, { [field]: ["Enter an entry."] }));
  const r = await ctx.api<{ acl: string; changed: boolean; persisted: boolean }>(
    "POST",
    path,
    { value },
  );
  if (!r.ok) return pageWithStatus(r.status, await aclsView(ctx, { [field]: [describeError(r)] }));
  return redirect(`/acls#acl-${r.body.acl}`, {
    kind: "ok",
    message: changeMessage("add", value, r.body),
  });
}

function ConsoleForm(props: { command: string; errors: FieldErrors }): VNode {
  return html`
    <section class="panel" aria-label="Runtime console">
      <${Form} label="Run a Runtime API command" id="console">
        <div class="wide">
          <${Field} name="command" label="Command" value=${props.command} errors=${props.errors}
            required=${true} hint="';'-separated, e.g. show info; show servers state" />
        </div>
        <div class="actions"><button type="submit" class="primary">Run</button></div>
        <//>
        <p class="muted">Commands go to HAProxy's admin socket at your level (admin), without a
          reload; every command is recorded in the audit log. Changes made here are not in the
          state and may be lost at the next reload.</p>
        </section>
  `;
}

async function consoleAction(ctx: PageContext): Promise<PageResult> {
  const command = (ctx.form?.get("command") ?? "").trim();
  if (!command) {
    return pageWithStatus(
      400,
      html`<${ConsoleForm} command="" errors=${{ command: ["Enter a command."] }} />`,
    );
  }
  const r = await ctx.api<{ level: string; commands: string[]; output: string }>(
    "POST",
    "/api/runtime/command",
    { command },
  );
  if (!r.ok) {
    return pageWithStatus(
      r.status,
      html`<${ConsoleForm} command=${command} errors=${{ command: [describeError(r)] }} />`,
    );
  }
  return html`
    <${ConsoleForm} command=${command} errors=${{}} />
    <section class="panel" aria-labelledby="console-out-h">
      <h2 id="console-out-h">Output</h2>
      <p class="muted">Ran at level <strong>${r.body.level}</strong>: ${r.body.commands.map((
        c,
        i,
      ) => html`${i ? "; " : ""}<code>${c}</code>`)}</p>
      <pre id="console-output">${r.body.output.trim() ? r.body.output : "(no output)"}</pre>
    </section>
  `;
}

/** The ACL and runtime console pages. */
export function runtimePages(): PageDefinition[] {
  return [
    {
      path: "/acls",
      title: "ACLs",
      role: "viewer",
      actionRole: "operator",
      nav: { group: "Configuration", order: 30 },
      render: (ctx) => aclsView(ctx, {}),
      action: aclsAction,
    },
    {
      path: "/console",
      title: "Runtime console",
      role: "admin",
      nav: { group: "Operations", order: 90 },
      render: () => html`<${ConsoleForm} command="" errors=${{}} />`,
      action: consoleAction,
    },
  ];
}
