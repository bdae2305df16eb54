/**
 * API token routes: mint (admin cookie session only; the wire is returned
 * once), mint a short-lived one for a CI run, list (no secrets), revoke
 * (refused from the very next request).
 *
 * @module
 */
import { z } from "zod";
import { badRequest, forbidden, notFound } from "../errors.ts";
import { json } from "../http/respond.ts";
import type { PluginHost, RequestContext, Role } from "../plugin.ts";
import { covers, ROLES } from "./roles.ts";
import type { Auth } from "./service.ts";
import { requireSession } from "./routes_session.ts";

const MintBody = z.object({
  name: z.string().trim().min(1).max(100),
  role: z.enum(ROLES as unknown as ["viewer", "operator", "admin"]).optional(),
  expiresAt: z.string().nullable().optional(),
}).strict();

const TempBody = z.object({
  name: z.string().trim().min(1).max(100).default("temporary"),
  role: z.enum(ROLES as unknown as ["viewer", "operator", "admin"]).optional(),
  /** Minutes until it expires: 15 by default, at most 24 hours. */
  ttlMinutes: z.number().int().min(1).max(24 * 60).default(15),
}).strict();

/** Registers /api/api-tokens. */
export function tokenRoutes(host: PluginHost, auth: Auth): void {
  host.route("POST", "/api/api-tokens", {
    role: "admin",
    tier: "write",
    summary: "Mint an API token {name, role?, expiresAt?}; needs a cookie session",
  }, async (ctx) => {
    requireSession(ctx);
    const creator = ctx.principal!;
    const body = await ctx.body(MintBody);
    const role = body.role ?? creator.role;
    if (!covers(creator.role, role)) {
      throw forbidden(`a token's role cannot exceed yours (${creator.role})`);
    }
    let expiresAt: string | null = null;
    if (body.expiresAt) {
      const t = Date.parse(body.expiresAt);
      if (Number.isNaN(t)) throw badRequest("expiresAt must be an ISO 8601 date-time");
      if (t <= Date.now()) throw badRequest("expiresAt must be in the future");
      expiresAt = new Date(t).toISOString();
    }
    return json(await mint(ctx, body.name, role, expiresAt), 201);
  });

  host.route("POST", "/api/api-tokens/temp", {
    role: "admin",
    tier: "write",
    summary:
      "Mint a short-lived API token {name?, role?, ttlMinutes? (15, at most 1440)} for one CI run",
  }, async (ctx) => {
    requireSession(ctx);
    const creator = ctx.principal!;
    const body = await ctx.body(TempBody);
    const role = body.role ?? creator.role;
    if (!covers(creator.role, role)) {
      throw forbidden(`a token's role cannot exceed yours (${creator.role})`);
    }
    const expiresAt = new Date(Date.now() + body.ttlMinutes * 60_000).toISOString();
    return json(await mint(ctx, body.name, role, expiresAt), 201);
  });

  /** Mints and audits one token (the wire is in the answer, never in the audit entry). */
  async function mint(
    ctx: RequestContext,
    name: string,
    role: Role,
    expiresAt: string | null,
  ) {
    const minted = await auth.tokens.mint(name, role, ctx.principal!.user, expiresAt);
    host.audit.record({
      actor: ctx.actor,
      category: "api-token",
      action: "mint",
      target: minted.keyId,
      details: { ip: ctx.ip, name: minted.name, role, expiresAt },
      outcome: "success",
    });
    return minted;
  }

  host.route("GET", "/api/api-tokens", {
    role: "admin",
    tier: "read",
    summary: "Every API token, without secrets",
  }, () => ({ tokens: auth.tokens.list() }));

  host.route("DELETE", "/api/api-tokens/:keyId", {
    role: "admin",
    tier: "write",
    summary: "Revoke an API token",
  }, (ctx) => {
    const keyId = ctx.params.keyId;
    if (!/^[0-9a-f]{8}$/.test(keyId)) throw badRequest("keyId must be 8 hex digits");
    const info = auth.tokens.get(keyId);
    if (!info || !auth.tokens.revoke(keyId)) throw notFound(`no API token '${keyId}'`);
    host.audit.record({
      actor: ctx.actor,
      category: "api-token",
      action: "revoke",
      target: keyId,
      details: { ip: ctx.ip, name: info.name },
      outcome: "success",
    });
    return { ok: true };
  });
}
