/**
 * First-run setup, sign-in and sign-out. These pages are public; they call
 * `/api/setup/*` and `/api/auth/*` and hand the session cookie the API sets
 * on to the browser, then send the user back where they were
 * (`/login?return=<page>`).
 *
 * @module
 */
import type { ApiReply, PageContext, PageDefinition, PageResult } from "../../core/pages.ts";
import { pageWithStatus } from "../../core/pages.ts";
import { html, type VNode } from "../html.ts";
import { Field, type FieldErrors, Form } from "../components/form.ts";
import { describeError } from "../components/errors.ts";
import { redirect } from "../respond.ts";

const AFTER_LOGIN = "/dashboard";
const RETURN_BASE = "http://return.invalid";

/**
 * Accepts only same-origin absolute paths as a post-login destination (no
 * open redirect). Browsers drop tabs and line breaks from URLs and read `\`
 * as `/`, so `/\t/evil` or `/\\evil` would become `//evil` (another host):
 * anything but printable ASCII without `\` is refused, and the value must
 * resolve to our own origin.
 */
export function safeReturn(value: string | null): string {
  if (!value || !/^\/[\x21-\x7e]*$/.test(value) || value.includes("\\")) return AFTER_LOGIN;
  if (value.startsWith("//")) return AFTER_LOGIN;
  let url: URL;
  try {
    url = new URL(value, RETURN_BASE);
  } catch {
    return AFTER_LOGIN;
  }
  if (url.origin !== RETURN_BASE) return AFTER_LOGIN;
  const path = url.pathname + url.search + url.hash;
  if (path.startsWith("/login") || path.startsWith("/setup")) return AFTER_LOGIN;
  return path;
}

function cookiesOf(reply: ApiReply): Headers {
  const h = new Headers();
  for (const c of reply.headers.getSetCookie()) h.append("set-cookie", c);
  return h;
}

async function needsSetup(ctx: PageContext): Promise<boolean> {
  const r = await ctx.api<{ needsSetup?: boolean }>("GET", "/api/setup/status");
  return r.ok && r.body?.needsSetup === true;
}

function LoginForm(props: { username: string; back: string; problem: string }): VNode {
  return html`<div class="panel">
    ${props.problem ? html`<div class="alert" role="alert">${props.problem}</div>` : null}
    <${Form} label="Sign in">
      <input type="hidden" name="return" value=${props.back} />
      <${Field} name="username" label="Username" value=${props.username} autocomplete="username"
        required=${true} />
      <${Field} name="password" type="password" label="Password"
        autocomplete="current-password" required=${true} />
      <div class="actions"><button type="submit" class="primary">Sign in</button></div>
    <//>
  </div>`;
}

function SetupForm(props: { username: string; errors: FieldErrors; problem: string }): VNode {
  return html`<div class="panel">
    <p>Welcome. Create the first administrator account; you will be signed in right after.</p>
    ${props.problem ? html`<div class="alert" role="alert">${props.problem}</div>` : null}
    <${Form} label="Create the first administrator">
      <${Field} name="username" label="Username" value=${props.username} autocomplete="username"
        required=${true} errors=${props.errors} />
      <${Field} name="password" type="password" label="Password" hint="at least 12 characters"
        autocomplete="new-password" required=${true} errors=${props.errors} />
      <${Field} name="confirm" type="password" label="Repeat the password"
        autocomplete="new-password" required=${true} errors=${props.errors} />
      <div class="actions"><button type="submit" class="primary">Create administrator</button></div>
    <//>
  </div>`;
}

async function login(ctx: PageContext): Promise<PageResult> {
  const form = ctx.form!;
  const username = form.get("username") ?? "";
  const back = safeReturn(form.get("return"));
  const reply = await ctx.api("POST", "/api/auth/login", {
    username,
    password: form.get("password") ?? "",
  });
  if (reply.ok) return redirect(back, undefined, cookiesOf(reply));
  const problem = reply.status === 401
    ? "That username and password do not match."
    : describeError(reply);
  return pageWithStatus(
    reply.status,
    html`
      <${LoginForm} username=${username} back=${back}
        problem=${problem} />
    `,
  );
}

async function setup(ctx: PageContext): Promise<PageResult> {
  const form = ctx.form!;
  const username = (form.get("username") ?? "").trim();
  const password = form.get("password") ?? "";
  if (password !== (form.get("confirm") ?? "")) {
    return pageWithStatus(
      400,
      html`
        <${SetupForm} username=${username} problem=""
          errors=${{ confirm: ["The two passwords differ."] }} />
      `,
    );
  }
  const reply = await ctx.api("POST", "/api/setup/complete", { username, password });
  if (!reply.ok) {
    const message = describeError(reply);
    const field = /password/i.test(message) ? "password" : /user/i.test(message) ? "username" : "";
    return pageWithStatus(
      reply.status,
      html`
        <${SetupForm} username=${username} problem=${field ? "" : message}
          errors=${field ? { [field]: [message] } : {}} />
      `,
    );
  }
  const session = await ctx.api("POST", "/api/auth/login", { username, password });
  if (!session.ok) return redirect("/login", { kind: "ok", message: "Administrator created." });
  return redirect("/dashboard", {
    kind: "ok",
    message: `Administrator ${username} created; you are signed in.`,
  }, cookiesOf(session));
}

/** The setup, login and logout pages. */
export function authPages(): PageDefinition[] {
  return [
    {
      path: "/login",
      title: "Sign in",
      role: "public",
      async render(ctx) {
        if (await needsSetup(ctx)) return redirect("/setup");
        return html`
          <${LoginForm} username="" back=${safeReturn(ctx.url.searchParams.get("return"))}
            problem="" />
        `;
      },
      action: login,
    },
    {
      path: "/setup",
      title: "First-run setup",
      role: "public",
      async render(ctx) {
        if (!(await needsSetup(ctx))) return redirect("/login");
        return html`<${SetupForm} username="" errors=${{}} problem="" />`;
      },
      action: setup,
    },
    {
      path: "/logout",
      title: "Sign out",
      role: "viewer",
      render: () => redirect("/dashboard"),
      async action(ctx) {
        const reply = await ctx.api("POST", "/api/auth/logout");
        return redirect("/login", { kind: "ok", message: "Signed out." }, cookiesOf(reply));
      },
    },
    {
      path: "/",
      title: "Home",
      role: "viewer",
      render: () => redirect("/dashboard"),
    },
  ];
}
