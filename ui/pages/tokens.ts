/**
 * API tokens and users (admins only). A newly minted token is shown once,
 * in the response to the mint form, with a copy button and a warning; it is
 * never shown again. Revoking and deleting ask for confirmation.
 *
 * @module
 */
import type { PageContext, PageDefinition, PageResult } from "../../core/pages.ts";
import { pageWithStatus } from "../../core/pages.ts";
import { html, type VNode } from "../html.ts";
import { Table } from "../components/table.ts";
import { describeError, ErrorBox } from "../components/errors.ts";
import { Field, type FieldErrors, Form, Select } from "../components/form.ts";
import { ConfirmForm, ConfirmPage, isConfirmed } from "../components/confirm.ts";
import { redirect } from "../respond.ts";

interface TokenInfo {
  keyId: string;
  name: string;
  role: string;
  createdBy: string;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
}

interface UserInfo {
  username: string;
  role: string;
  createdAt: string;
}

const ROLE_OPTIONS = ["viewer", "operator", "admin"];

function day(ts: string | null): string {
  return ts ? ts.slice(0, 16).replace("T", " ") : "never";
}

function NewToken(props: { wire: string; name: string }): VNode {
  return html`
    <section class="alert ok" aria-labelledby="new-token-h">
      <h2 id="new-token-h">Token “${props.name}” created</h2>
      <p><strong>Copy it now: it is shown only this once.</strong> patchpanel keeps only a hash and
          cannot show it again. If you lose it, revoke it and mint a new one.</p>
      <code class="secret" id="new-token">${props.wire}</code>
      <div class="actions" data-island="copy" data-target="new-token"></div>
    </section>
  `;
}

async function tokensView(
  ctx: PageContext,
  top: VNode | null,
  errors: FieldErrors,
): Promise<VNode> {
  const r = await ctx.api<{ tokens: TokenInfo[] }>("GET", "/api/api-tokens");
  const name = ctx.form?.get("name") ?? "";
  return html`
    ${top}
        ${r.ok
          ? html`
            <div class="panel">
              <${Table} caption="API tokens" id="tokens" rows=${r.body.tokens}
                empty="No API tokens." columns=${[
                  { label: "Name", cell: (t: TokenInfo) => t.name },
                  { label: "Key id", cell: (t: TokenInfo) => html`<code>${t.keyId}</code>` },
                  { label: "Role", cell: (t: TokenInfo) => t.role },
                  {
                    label: "Created",
                    cell: (t: TokenInfo) => `${day(t.createdAt)} by ${t.createdBy}`,
                  },
                  { label: "Last used", cell: (t: TokenInfo) => day(t.lastUsedAt) },
                  { label: "Expires", cell: (t: TokenInfo) => day(t.expiresAt) },
                  {
                    label: "",
                    cell: (t: TokenInfo) =>
                      html`
                        <${ConfirmForm} small=${true} danger=${true} label="Revoke"
                          question=${`Revoke token ${t.name} (${t.keyId})? Requests using it fail at once.`}
                          fields=${{ _step: "revoke", keyId: t.keyId, tokenName: t.name }} />
                      `,
                  },
                ]} />
            </div>
          `
          : html`<${ErrorBox} reply=${r} />`}
        <section class="panel" aria-labelledby="mint-h">
      <h2 id="mint-h">Mint a token</h2>
      <${Form} label="Mint an API token">
        <input type="hidden" name="_step" value="mint" />
        <div class="row">
          <${Field} name="name" label="Name" value=${name} errors=${errors}
            required=${true} />
          <${Select} name="role" label="Role" value=${ctx.form?.get("role") ?? "viewer"}
            options=${ROLE_OPTIONS} errors=${errors} />
          <${Select} name="expiresInDays" label="Expires" errors=${errors}
            value=${ctx.form?.get("expiresInDays") ?? "90"} options=${EXPIRY_OPTIONS} />
          <button type="submit" class="primary">Mint token</button>
        </div>
        <//>
        </section>
  `;
}

/** How long a minted token lives: days, or never ("0"). */
const EXPIRY_OPTIONS = [
  { value: "1", label: "in 1 day" },
  { value: "30", label: "in 30 days" },
  { value: "90", label: "in 90 days" },
  { value: "365", label: "in a year" },
  { value: "0", label: "never" },
];

async function tokensAction(ctx: PageContext): Promise<PageResult> {
  const form = ctx.form!;
  if (form.get("_step") === "revoke") {
    const keyId = form.get("keyId") ?? "";
    const what = `Revoke token ${form.get("tokenName") ?? ""} (${keyId})`;
    if (!isConfirmed(form)) {
      return html`
        <${ConfirmPage} question=${`${what}?`} danger=${true} cancel="/tokens"
          fields=${{ _step: "revoke", keyId, tokenName: form.get("tokenName") ?? "" }}
          detail=${html`<p>Requests using this token fail from the very next one.</p>`} />
      `;
    }
    const r = await ctx.api("DELETE", `/api/api-tokens/${encodeURIComponent(keyId)}`);
    return redirect(
      "/tokens",
      r.ok
        ? { kind: "ok", message: `Revoked token ${keyId}.` }
        : { kind: "bad", message: `${what} failed. ${describeError(r)}` },
    );
  }
  const name = (form.get("name") ?? "").trim();
  const days = Number(form.get("expiresInDays") ?? "0");
  const mint: Record<string, unknown> = { name, role: form.get("role") ?? "viewer" };
  if (Number.isInteger(days) && days > 0) {
    mint.expiresAt = new Date(Date.now() + days * 86_400_000).toISOString();
  }
  const r = await ctx.api<{ wire: string; name: string }>("POST", "/api/api-tokens", mint);
  if (!r.ok) {
    return pageWithStatus(
      r.status,
      await tokensView(ctx, null, { name: [describeError(r)] }),
    );
  }
  return pageWithStatus(
    201,
    await tokensView(
      ctx,
      html`
        <${NewToken} wire=${r.body.wire}
          name=${r.body.name} />
      `,
      {},
    ),
  );
}

async function usersView(ctx: PageContext, errors: FieldErrors): Promise<VNode> {
  const r = await ctx.api<{ users: UserInfo[] }>("GET", "/api/users");
  return html`
    ${r.ok
      ? html`
        <div class="panel">
          <${Table} caption="Users" id="users" rows=${r.body.users}
            columns=${[
              { label: "Username", cell: (u: UserInfo) => u.username },
              {
                label: "Role",
                cell: (u: UserInfo) =>
                  html`
                    <${Form} class="inline" label=${`Role of ${u.username}`}>
                      <input type="hidden" name="_step" value="role" />
                      <input type="hidden" name="username" value=${u.username} />
                      <label class="inline" for=${`role-${u.username}`}>Role</label>
                      <select id=${`role-${u.username}`} name="role">${ROLE_OPTIONS.map((o) =>
                        html`<option selected=${o === u.role}>${o}</option>`
                      )}</select>
                      <button type="submit" class="small">Change</button>
                      <//>
                  `,
              },
              { label: "Created", cell: (u: UserInfo) => day(u.createdAt) },
              {
                label: "",
                cell: (u: UserInfo) =>
                  html`
                    <${ConfirmForm} small=${true} danger=${true} label="Delete"
                      question=${`Delete user ${u.username}? Their sessions end at once.`}
                      fields=${{ _step: "delete", username: u.username }} />
                  `,
              },
            ]} />
        </div>
      `
      : html`<${ErrorBox} reply=${r} />`}
        <section class="panel" aria-labelledby="add-user-h">
      <h2 id="add-user-h">Add a user</h2>
      <${Form} label="Add a user">
        <input type="hidden" name="_step" value="create" />
        <div class="row">
          <${Field} name="username" label="Username" errors=${errors} required=${true}
            value=${ctx.form?.get("_step") === "create" ? ctx.form.get("username") : ""} />
          <${Field} name="password" type="password" label="Password" hint="12+ characters"
            errors=${errors} autocomplete="new-password" required=${true} />
          <${Select} name="role" label="Role" value="viewer" options=${ROLE_OPTIONS} />
          <button type="submit" class="primary">Add user</button>
        </div>
        <//>
        </section>
  `;
}

async function usersAction(ctx: PageContext): Promise<PageResult> {
  const form = ctx.form!;
  const username = form.get("username") ?? "";
  const step = form.get("_step");
  if (step === "delete") {
    if (!isConfirmed(form)) {
      return html`
        <${ConfirmPage} question=${`Delete user ${username}?`} danger=${true}
          cancel="/users" fields=${{ _step: "delete", username }} />
      `;
    }
    const r = await ctx.api("DELETE", `/api/users/${encodeURIComponent(username)}`);
    return redirect(
      "/users",
      r.ok
        ? { kind: "ok", message: `Deleted user ${username}.` }
        : { kind: "bad", message: `Deleting ${username} failed. ${describeError(r)}` },
    );
  }
  if (step === "role") {
    const role = form.get("role") ?? "";
    const r = await ctx.api("PATCH", `/api/users/${encodeURIComponent(username)}`, { role });
    return redirect(
      "/users",
      r.ok
        ? { kind: "ok", message: `${username} is now ${role}.` }
        : { kind: "bad", message: `Changing ${username}'s role failed. ${describeError(r)}` },
    );
  }
  const r = await ctx.api("POST", "/api/users", {
    username,
    password: form.get("password") ?? "",
    role: form.get("role") ?? "viewer",
  });
  if (r.ok) return redirect("/users", { kind: "ok", message: `Added user ${username}.` });
  const message = describeError(r);
  const field = /password/i.test(message) ? "password" : "username";
  return pageWithStatus(r.status, await usersView(ctx, { [field]: [message] }));
}

/** The tokens and users pages. */
export function accessPages(): PageDefinition[] {
  return [
    {
      path: "/tokens",
      title: "API tokens",
      role: "admin",
      nav: { group: "Security", order: 20 },
      render: (ctx) => tokensView(ctx, null, {}),
      action: tokensAction,
    },
    {
      path: "/users",
      title: "Users",
      role: "admin",
      nav: { group: "Security", order: 10 },
      render: (ctx) => usersView(ctx, {}),
      action: usersAction,
    },
  ];
}
