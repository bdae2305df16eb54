/**
 * Snapshots (list, read, restore through the full pipeline) and the audit
 * log with its filters.
 *
 * @module
 */
import { badRequest, notFound } from "../errors.ts";
import type { PluginHost } from "../plugin.ts";
import { SNAPSHOT_ID_PATTERN } from "../store/snapshots.ts";
import type { CoreDeps } from "./deps.ts";
import { destructiveGuard } from "./state_body.ts";
import { type ConfirmedApply, confirmHeaders, lockedGuard } from "./confirm.ts";

/** Parses an optional positive integer query parameter, 400 when malformed or out of range. */
export function intParam(
  url: URL,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === "") return fallback;
  if (!/^\d+$/.test(raw)) badRequestThrow(`${name} must be an integer`);
  const n = Number(raw);
  if (n < min || n > max) badRequestThrow(`${name} must be between ${min} and ${max}`);
  return n;
}

function badRequestThrow(message: string): never {
  throw badRequest(message);
}

function snapshotIdParam(id: string): string {
  if (!SNAPSHOT_ID_PATTERN.test(id)) throw badRequest(`'${id}' is not a snapshot id`);
  return id;
}

/** Registers /api/snapshots* and /api/audit; restore runs under `?confirm=` like PUT. */
export function historyRoutes(
  host: PluginHost,
  deps: CoreDeps,
  confirmed: ConfirmedApply = async (_u, _a, apply) => ({
    result: await apply(() => {}),
    window: null,
  }),
): void {
  host.route("GET", "/api/snapshots", {
    role: "viewer",
    tier: "read",
    summary: "Snapshots, newest first",
  }, (ctx) => ({ snapshots: deps.snapshots.list(intParam(ctx.url, "limit", 100, 1, 1000)) }));

  host.route("GET", "/api/snapshots/:id", {
    role: "viewer",
    tier: "read",
    summary: "One snapshot with its state",
  }, (ctx) => {
    const snap = deps.snapshots.get(snapshotIdParam(ctx.params.id));
    if (!snap) throw notFound(`snapshot '${ctx.params.id}' not found`);
    return { ...snap, state: deps.secrets.redact(snap.state) };
  });

  host.route("POST", "/api/snapshots/:id/restore", {
    role: "operator",
    tier: "write",
    summary: "Apply a snapshot's state through the full pipeline",
  }, async (ctx) => {
    const id = snapshotIdParam(ctx.params.id);
    const snap = deps.snapshots.get(id);
    if (!snap) throw notFound(`snapshot '${id}' not found`);
    const { result, window } = await confirmed(
      ctx.url,
      ctx.actor,
      (atLock) =>
        deps.pipeline.apply(snap.state, {
          actor: ctx.actor,
          reason: `restore:${id}`,
          guard: lockedGuard(
            atLock,
            destructiveGuard(ctx.url, deps.limits.destructiveShare, `restoring snapshot ${id}`),
          ),
          role: ctx.principal?.role ?? "viewer", // field-level roles: core/security/
        }),
    );
    return new Response(JSON.stringify(deps.secrets.redact(result.state)), {
      headers: {
        "content-type": "application/json; charset=utf-8",
        etag: result.etag,
        ...confirmHeaders(window),
      },
    });
  });

  host.route("GET", "/api/audit", {
    role: "viewer",
    tier: "read",
    summary: "Audit entries, newest first; filter by category and actor",
  }, (ctx) => {
    const limit = intParam(ctx.url, "limit", 100, 1, 1000);
    const category = ctx.url.searchParams.get("category") || undefined;
    const actor = ctx.url.searchParams.get("actor") || undefined;
    const before = ctx.url.searchParams.get("before");
    const beforeId = before
      ? intParam(ctx.url, "before", 0, 1, Number.MAX_SAFE_INTEGER)
      : undefined;
    return { entries: host.audit.list({ limit, category, actor, beforeId }) };
  });
}
