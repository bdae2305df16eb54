/**
 * The Lua console page (`/lua`): installed plugins with what they register
 * and where the state uses them, an enable/disable switch (a `PUT
 * /api/state` with `If-Match`, as a curl user would send), the shipped
 * library one click from installed and enabled, and an upload form that
 * shows luac's or HAProxy's output inline when the check refuses. Every
 * click is an API call with the viewer's own credentials, so the roles are
 * the API's: operators toggle, admins install and delete.
 *
 * @module
 */
import {
  type ApiReply,
  Checkbox,
  describeError,
  ErrorBox,
  Field,
  Form,
  html,
  type PageContext,
  type PageDefinition,
  type PageResult,
  pageWithStatus,
  putState,
  redirect,
  Table,
  TextArea,
  type VNode,
} from "../../mod_ui.ts";

const HERE = "/lua";

/** A plugin as `GET /api/lua-plugins` lists it. */
interface Listed {
  name: string;
  hash: string;
  manifest: { version: string; description: string; registers: { kind: string; name: string }[] };
  usedBy: { entries: { path: string; enabled: boolean }[]; rules: string[] };
}

/** A shipped plugin as `GET /api/lua-library` lists it. */
interface Shipped {
  name: string;
  manifest: { description: string } | null;
  installed: string | null;
}

interface LuaDoc {
  lua?: { plugins: { name: string; enabled: boolean; params?: unknown }[] };
}

function Button(props: { step: string; name: string; label: string; primary?: boolean }): VNode {
  return html`
    <${Form} label=${`${props.label} ${props.name}`} class="inline">
      <input type="hidden" name="_step" value=${props.step} />
      <input type="hidden" name="name" value=${props.name} />
      <button type="submit" class=${props.primary ? "primary small" : "small"}>${props
        .label}</button>
      <//>
  `;
}

function UploadForm(props: { name: string; script: string; refused?: ApiReply }): VNode {
  return html`
    <section class="panel" aria-labelledby="lua-upload-h">
      <h2 id="lua-upload-h">Upload a Lua plugin</h2>
      ${props.refused ? html`<${ErrorBox} reply=${props.refused} title="Upload refused" />` : null}
      <${Form} label="Upload a Lua plugin" id="lua-upload">
        <input type="hidden" name="_step" value="upload" />
        <${Field} name="name" label="Name" value=${props.name} required=${true}
          hint="kebab-case; the manifest's name, if it has one, must agree" />
        <${TextArea} name="script" label="Script (Lua 5.3)" code=${true} rows=${14}
          value=${props.script}
          hint="open it with the --[[patchpanel {manifest JSON} ]] block (see the README)" />
        <${Checkbox} name="replace" checked=${false} label="Replace the installed version" />
        <div class="actions"><button type="submit" class="primary">Check and upload</button></div>
        <//>
        </section>
  `;
}

async function view(ctx: PageContext, form: VNode): Promise<VNode> {
  const [list, lib] = await Promise.all([
    ctx.api<{ plugins: Listed[] }>("GET", "/api/lua-plugins"),
    ctx.api<{ plugins: Shipped[] }>("GET", "/api/lua-library"),
  ]);
  if (!list.ok) return html`<${ErrorBox} reply=${list} />`;
  return html`
    <div class="panel">
      <${Table} caption="Installed Lua plugins" id="lua-plugins" rows=${list.body.plugins}
        empty="No Lua plugin installed yet." columns=${[
          {
            label: "Plugin",
            cell: (p: Listed) => html`<strong>${p.name}</strong> ${p.manifest.version}`,
          },
          {
            label: "Registers",
            cell: (p: Listed) =>
              p.manifest.registers.map((r) => `${r.kind} lua.${r.name}`).join(", "),
          },
          { label: "Hash", cell: (p: Listed) => html`<code>${p.hash.slice(0, 12)}</code>` },
          {
            label: "Used by",
            cell: (p: Listed) =>
              p.usedBy.entries.length
                ? [
                  ...p.usedBy.entries.map((e) => `${e.path}${e.enabled ? "" : " (disabled)"}`),
                  ...p.usedBy.rules,
                ].join(", ")
                : html`<span class="muted">not in the state</span>`,
          },
          {
            label: "",
            cell: (p: Listed) => {
              const entry = p.usedBy.entries[0];
              return html`
                <${Button} step="toggle" name=${p.name}
                  label=${entry?.enabled ? "Disable" : "Enable"} />
                ${entry ? null : html`<${Button} step="delete" name=${p.name} label="Delete" />`}
              `;
            },
          },
        ]} />
    </div>
    ${lib.ok
      ? html`
        <div class="panel">
          <${Table} caption="Shipped with patchpanel" id="lua-library" rows=${lib.body.plugins}
            columns=${[
              { label: "Plugin", cell: (s: Shipped) => html`<strong>${s.name}</strong>` },
              { label: "What it does", cell: (s: Shipped) => s.manifest?.description ?? "" },
              {
                label: "",
                cell: (s: Shipped) =>
                  s.installed ? html`<span class="muted">installed</span>` : html`
                    <${Button} step="library" name=${s.name} label="Install and enable"
                      primary=${true} />
                  `,
              },
            ]} />
        </div>
      `
      : null}
    ${form}
  `;
}

/** Enables (adding the entry when missing) or disables `name` in the state. */
async function toggle(ctx: PageContext, name: string, on?: boolean): Promise<string | null> {
  const current = await ctx.api<LuaDoc>("GET", "/api/state");
  if (!current.ok) return `Reading the state failed. ${describeError(current)}`;
  const state = structuredClone(current.body);
  state.lua ??= { plugins: [] };
  const entry = state.lua.plugins.find((p) => p.name === name);
  if (entry) entry.enabled = on ?? !entry.enabled;
  else state.lua.plugins.push({ name, enabled: true });
  const reply = await putState(ctx, state, current.headers.get("etag") ?? "");
  return reply.ok ? null : `Applying the state failed. ${describeError(reply)}`;
}

async function act(ctx: PageContext): Promise<PageResult> {
  const form = ctx.form!;
  const step = form.get("_step");
  const name = form.get("name") ?? "";
  const path = encodeURIComponent(name);
  if (step === "upload") {
    const script = form.get("script") ?? "";
    const q = form.getAll("replace").includes("1") ? "?replace=true" : "";
    const r = await ctx.api("POST", `/api/lua-plugins${q}`, { name, script });
    if (!r.ok) {
      const again = html`<${UploadForm} name=${name} script=${script} refused=${r} />`;
      return pageWithStatus(r.status, await view(ctx, again));
    }
    return redirect(HERE, { kind: "ok", message: `Checked and installed ${name}.` });
  }
  if (step === "library") {
    const r = await ctx.api("POST", `/api/lua-library/${path}/install`);
    if (!r.ok) return redirect(HERE, { kind: "bad", message: describeError(r) });
    const failed = await toggle(ctx, name, true);
    return redirect(HERE, {
      kind: failed ? "bad" : "ok",
      message: failed ? `Installed ${name}. ${failed}` : `Installed and enabled ${name}.`,
    });
  }
  if (step === "toggle") {
    const failed = await toggle(ctx, name);
    return redirect(HERE, { kind: failed ? "bad" : "ok", message: failed ?? `Updated ${name}.` });
  }
  if (step === "delete") {
    const r = await ctx.api("DELETE", `/api/lua-plugins/${path}`);
    return redirect(HERE, {
      kind: r.ok ? "ok" : "bad",
      message: r.ok ? `Deleted ${name}.` : describeError(r),
    });
  }
  return redirect(HERE);
}

/** The Lua page. */
export function luaPages(): PageDefinition[] {
  return [{
    path: HERE,
    title: "Lua plugins",
    role: "viewer",
    actionRole: "operator",
    nav: { group: "Configuration", order: 60, label: "Lua plugins" },
    render: async (ctx) => await view(ctx, html`<${UploadForm} name="" script="" />`),
    action: act,
  }];
}
