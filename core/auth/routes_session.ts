/**
 * First-run setup, login, logout, whoami and password change.
 *
 * @module
 */
import { z } from "zod";
import { badRequest, conflict, forbidden, HttpError } from "../errors.ts";
import { json } from "../http/respond.ts";
import type { PluginHost, RequestContext } from "../plugin.ts";
import { clearedSessionCookie, sessionCookie, sessionIdOf } from "./cookies.ts";
import { passwordProblem, verifySecret } from "./passwords.ts";
import { sha256Hex } from "./random.ts";
import type { Auth } from "./service.ts";
import { usernameProblem } from "./users.ts";

const Credentials = z.object({ username: z.string(), password: z.string() }).strict();
const PasswordChange = z.object({ currentPassword: z.string(), newPassword: z.string() })
  .strict();

/** Throws a 400 naming what is wrong with a new password. */
export function assertPassword(password: string): void {
  const problem = passwordProblem(password);
  if (problem) throw badRequest(problem);
}

/** Throws a 400 naming what is wrong with a username. */
export function assertUsername(username: string): void {
  const problem = usernameProblem(username);
  if (problem) throw badRequest(problem);
}

/** Throws 403 "session required" unless the caller holds a cookie session. */
export function requireSession(ctx: RequestContext): string {
  if (ctx.principal?.source !== "session" || !ctx.principal.sessionId) {
    throw forbidden("session required");
  }
  return ctx.principal.sessionId;
}

/** Registers /api/setup/* and /api/auth/*. */
export function sessionRoutes(host: PluginHost, auth: Auth): void {
  const audit = (
    ctx: RequestContext,
    action: string,
    outcome: "success" | "failure",
    details: Record<string, unknown> = {},
    actor = ctx.actor,
  ) =>
    host.audit.record({
      actor,
      category: "auth",
      action,
      target: typeof details.username === "string" ? details.username : null,
      details: { ip: ctx.ip, ...details },
      outcome,
    });

  host.route("GET", "/api/setup/status", {
    role: "public",
    tier: "read",
    summary: "Whether first-run setup (creating the first admin) is still needed",
  }, () => ({ needsSetup: auth.users.count() === 0 }));

  host.route("POST", "/api/setup/complete", {
    role: "public",
    tier: "auth",
    summary: "Create the first admin; 409 once any user exists",
  }, async (ctx) => {
    if (auth.users.count() > 0) throw conflict("setup is already complete");
    const { username, password } = await ctx.body(Credentials);
    assertUsername(username);
    assertPassword(password);
    const created = auth.users.create(username, await auth.hash(password), "admin", true);
    if (!created.ok) throw conflict("setup is already complete");
    audit(ctx, "setup", "success", { username }, username);
    return json({ username, role: "admin" }, 201);
  });

  host.route("POST", "/api/auth/login", {
    role: "public",
    tier: "auth",
    summary: "Start a cookie session (patchpanel.sid)",
  }, async (ctx) => {
    const { username, password } = await ctx.body(Credentials);
    const result = await auth.checkLogin(username, password);
    if (result.kind === "locked") {
      audit(ctx, "login", "failure", { username, reason: "locked" }, "anonymous");
      const retry = String(Math.ceil(result.retryAfterMs / 1000));
      const message = `too many failed logins for this account; retry after ${retry} s`;
      throw new HttpError("TooManyRequests", message, { error: message }, { "retry-after": retry });
    }
    if (result.kind === "invalid") {
      audit(ctx, "login", "failure", { username }, "anonymous");
      const lock = auth.loginFailures.peek(username.toLowerCase());
      if (!lock.allowed) {
        void host.emit("auth:lockout", { username, ip: ctx.ip, retryAfterMs: lock.resetMs });
      }
      const message = "invalid username or password";
      throw new HttpError("AuthError", message, { error: "AuthError", message });
    }
    // A session the client already held is ended: every login gets a fresh id.
    const previous = sessionIdOf(ctx.req);
    if (previous) auth.sessions.deleteByHash(sha256Hex(previous));
    const { id, session } = auth.sessions.create(result.user.username, ctx.ip);
    audit(ctx, "login", "success", { username: session.username }, session.username);
    return json(
      { user: session.username, role: session.role, csrfToken: session.csrf },
      200,
      { "set-cookie": sessionCookie(id, auth.config.auth.sessionAbsoluteMs) },
    );
  });

  host.route("POST", "/api/auth/logout", {
    role: "viewer",
    tier: "write",
    summary: "End the current cookie session",
  }, (ctx) => {
    const hash = ctx.principal?.source === "session" ? ctx.principal.sessionId : undefined;
    if (hash) auth.sessions.deleteByHash(hash);
    audit(ctx, "logout", "success", { username: ctx.principal?.user, ended: Boolean(hash) });
    return json({ ok: true }, 200, { "set-cookie": clearedSessionCookie() });
  });

  host.route("GET", "/api/auth/whoami", {
    role: "public",
    tier: "read",
    summary: "Who the caller is: {source, user, role}",
  }, (ctx) => {
    const p = ctx.principal;
    if (!p) return { source: "none", user: null, role: null };
    const out: Record<string, unknown> = { source: p.source, user: p.user, role: p.role };
    if (p.keyId) out.keyId = p.keyId;
    if (p.source === "session" && p.sessionId) {
      out.csrfToken = auth.sessions.csrfOf(p.sessionId);
    }
    return out;
  });

  host.route("PUT", "/api/auth/change-password", {
    role: "viewer",
    tier: "auth",
    summary: "Change your password; ends every other session of yours",
  }, async (ctx) => {
    const keep = requireSession(ctx);
    const username = ctx.principal!.user;
    const { currentPassword, newPassword } = await ctx.body(PasswordChange);
    const hash = auth.users.passwordHash(username);
    if (!hash || !(await verifySecret(currentPassword, hash))) {
      auth.loginFailures.hit(username.toLowerCase());
      audit(ctx, "change-password", "failure", { username, reason: "wrong current password" });
      throw badRequest("current password is incorrect");
    }
    assertPassword(newPassword);
    auth.users.setPassword(username, await auth.hash(newPassword));
    const ended = auth.forgetUser(username, keep);
    audit(ctx, "change-password", "success", { username, endedSessions: ended });
    return { ok: true, endedSessions: ended };
  });
}
