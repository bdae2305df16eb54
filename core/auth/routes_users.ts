/**
 * User management for admins: list, create, change role, reset password,
 * delete. The last admin can be neither demoted nor deleted.
 *
 * @module
 */
import { z } from "zod";
import { conflict, HttpError, notFound } from "../errors.ts";
import { json } from "../http/respond.ts";
import type { PluginHost, RequestContext } from "../plugin.ts";
import { ROLES } from "./roles.ts";
import type { Auth } from "./service.ts";
import type { UserChangeError } from "./users.ts";
import { assertPassword, assertUsername } from "./routes_session.ts";

const RoleSchema = z.enum(ROLES as unknown as ["viewer", "operator", "admin"]);
const NewUser = z.object({ username: z.string(), password: z.string(), role: RoleSchema })
  .strict();
const RoleChange = z.object({ role: RoleSchema }).strict();
const PasswordReset = z.object({ password: z.string() }).strict();

function refusal(error: UserChangeError, username: string): HttpError {
  switch (error.kind) {
    case "exists":
      return conflict(`user '${username}' already exists`);
    case "missing":
      return notFound(`no user '${username}'`);
    case "last-admin":
      return conflict("the last admin can be neither demoted nor removed");
    case "setup-done":
      return conflict("setup is already complete");
  }
}

/** Registers /api/users. */
export function userRoutes(host: PluginHost, auth: Auth): void {
  const audit = (
    ctx: RequestContext,
    action: string,
    target: string,
    outcome: "success" | "failure",
    details: Record<string, unknown> = {},
  ) =>
    host.audit.record({
      actor: ctx.actor,
      category: "auth",
      action,
      target,
      details: { ip: ctx.ip, ...details },
      outcome,
    });

  host.route("GET", "/api/users", {
    role: "admin",
    tier: "read",
    summary: "Every user with their role",
  }, () => ({ users: auth.users.list() }));

  host.route("POST", "/api/users", {
    role: "admin",
    tier: "write",
    summary: "Create a user {username, password, role}",
  }, async (ctx) => {
    const { username, password, role } = await ctx.body(NewUser);
    assertUsername(username);
    assertPassword(password);
    const created = auth.users.create(username, await auth.hash(password), role);
    if (!created.ok) {
      audit(ctx, "user-create", username, "failure", { reason: created.error.kind });
      throw refusal(created.error, username);
    }
    audit(ctx, "user-create", username, "success", { role });
    return json(created.user, 201);
  });

  host.route("PATCH", "/api/users/:username", {
    role: "admin",
    tier: "write",
    summary: "Change a user's role {role}",
  }, async (ctx) => {
    const username = ctx.params.username;
    const { role } = await ctx.body(RoleChange);
    const before = auth.users.get(username);
    const changed = auth.users.setRole(username, role);
    if (!changed.ok) {
      audit(ctx, "user-role", username, "failure", { role, reason: changed.error.kind });
      throw refusal(changed.error, username);
    }
    auth.tokens.forgetCreator(username);
    audit(ctx, "user-role", username, "success", { from: before?.role, to: role });
    return changed.user;
  });

  host.route("PUT", "/api/users/:username/password", {
    role: "admin",
    tier: "write",
    summary: "Set a user's password {password}; ends their sessions",
  }, async (ctx) => {
    const username = ctx.params.username;
    const { password } = await ctx.body(PasswordReset);
    assertPassword(password);
    const changed = auth.users.setPassword(username, await auth.hash(password));
    if (!changed.ok) throw refusal(changed.error, username);
    const ended = auth.forgetUser(username);
    audit(ctx, "user-password-reset", username, "success", { endedSessions: ended });
    return { ok: true, endedSessions: ended };
  });

  host.route("DELETE", "/api/users/:username", {
    role: "admin",
    tier: "write",
    summary: "Delete a user, their sessions and their API tokens",
  }, (ctx) => {
    const username = ctx.params.username;
    const tokens = auth.tokens.list().filter((t) => t.createdBy === username).map((t) => t.keyId);
    const deleted = auth.users.delete(username);
    if (!deleted.ok) {
      audit(ctx, "user-delete", username, "failure", { reason: deleted.error.kind });
      throw refusal(deleted.error, username);
    }
    for (const keyId of tokens) auth.tokens.revoke(keyId);
    auth.forgetUser(username);
    audit(ctx, "user-delete", username, "success", { revokedTokens: tokens });
    return { ok: true };
  });
}
