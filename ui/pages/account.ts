/**
 * The signed-in user's own account: change your password (needs the current
 * one; `PUT /api/auth/change-password` ends your other sessions, this one
 * stays signed in).
 *
 * @module
 */
import type { PageContext, PageDefinition, PageResult } from "../../core/pages.ts";
import { pageWithStatus } from "../../core/pages.ts";
import { html, type VNode } from "../html.ts";
import { Field, type FieldErrors, Form } from "../components/form.ts";
import { describeError } from "../components/errors.ts";
import { redirect } from "../respond.ts";

function PasswordForm(props: { errors: FieldErrors; user: string }): VNode {
  return html`
    <section class="panel" aria-labelledby="pw-h">
      <h2 id="pw-h">Change your password</h2>
      <p class="muted">Signed in as <strong>${props.user}</strong>. Changing the password signs
          you out everywhere else.</p>
      <${Form} label="Change your password">
        <${Field} name="currentPassword" type="password" label="Current password"
          autocomplete="current-password" required=${true} errors=${props.errors} />
        <${Field} name="newPassword" type="password" label="New password"
          hint="12 characters to 72 bytes" autocomplete="new-password" required=${true}
          errors=${props.errors} />
        <${Field} name="confirm" type="password" label="Repeat the new password"
          autocomplete="new-password" required=${true} errors=${props.errors} />
        <div class="actions"><button type="submit" class="primary">Change password</button></div>
        <//>
        </section>
  `;
}

async function change(ctx: PageContext): Promise<PageResult> {
  const form = ctx.form!;
  const user = ctx.principal?.user ?? "";
  const newPassword = form.get("newPassword") ?? "";
  if (newPassword !== (form.get("confirm") ?? "")) {
    return pageWithStatus(
      400,
      html`<${PasswordForm} user=${user} errors=${{ confirm: ["The two passwords differ."] }} />`,
    );
  }
  const r = await ctx.api("PUT", "/api/auth/change-password", {
    currentPassword: form.get("currentPassword") ?? "",
    newPassword,
  });
  if (r.ok) return redirect("/account", { kind: "ok", message: "Your password was changed." });
  const message = describeError(r);
  const field = /current/i.test(message) ? "currentPassword" : "newPassword";
  return pageWithStatus(
    r.status,
    html`<${PasswordForm} user=${user} errors=${{ [field]: [message] }} />`,
  );
}

/** The account page. */
export function accountPages(): PageDefinition[] {
  return [{
    path: "/account",
    title: "Your account",
    role: "viewer",
    render: (ctx) => html`<${PasswordForm} user=${ctx.principal?.user ?? ""} errors=${{}} />`,
    action: change,
  }];
}
