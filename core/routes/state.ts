/**
 * The state document routes: read with an ETag, replace through the apply
 * pipeline (If-Match honoured), and plan without applying.
 *
 * @module
 */
import { z } from "zod";
import { HttpError } from "../errors.ts";
import { Reply } from "../http/respond.ts";
import type { PluginHost } from "../plugin.ts";
import type { CoreDeps } from "./deps.ts";
import { serverTiming } from "../apply/stage_clock.ts";
import { destructiveGuard, destructivePreview, readStateDocument } from "./state_body.ts";

/** Registers GET/PUT /api/state and POST /api/state/plan. */
export function stateRoutes(host: PluginHost, deps: CoreDeps): void {
  host.route("GET", "/api/state", {
    role: "viewer",
    tier: "read",
    summary: "The whole desired configuration, with its ETag",
  }, () => {
    // Text, not the cached bytes: a Response copies a byte body, which costs a small state's
    // reader (the hot path of CI pipelines and scrapers) more than encoding the text does.
    const body = deps.store.body();
    if (body === null) throw new HttpError("NotInitialized", "state not initialized");
    const state = deps.store.current()!;
    return Reply.jsonText(deps.secrets.body(state, body), { etag: deps.store.etag() });
  });

  host.route("PUT", "/api/state", {
    role: "operator",
    tier: "write",
    summary: "Replace the state: validate, render, check, swap, reload, snapshot",
  }, async (ctx) => {
    const t0 = performance.now();
    // Before the body: an uninitialized install answers 409 whatever is sent.
    if (deps.store.current() === null) {
      throw new HttpError("NotInitialized", "state not initialized");
    }
    const reason = ctx.url.searchParams.get("reason");
    const guard = destructiveGuard(ctx.url, deps.limits.destructiveShare, "this PUT");
    const reading = readStateDocument(ctx, deps.limits);
    const body = await auditRefusal(host, ctx.actor, reason, t0, reading);
    const parse = { name: "parse", ms: performance.now() - t0 };
    const result = await deps.pipeline.apply(body, {
      actor: ctx.actor,
      reason,
      ifMatch: ctx.req.headers.get("if-match"),
      guard,
      role: ctx.principal?.role ?? "viewer", // field-level roles: core/security/
    });
    const headers: Record<string, string> = {
      etag: result.etag,
      "server-timing": serverTiming([parse, ...result.timings]),
      // `unchanged`: identical to what runs, nothing reloaded; `reload`: HAProxy runs it now.
      "patchpanel-apply": result.outcome,
    };
    if (result.warnings.length) headers["patchpanel-warnings"] = JSON.stringify(result.warnings);
    // The body serialized and encoded while haproxy -c ran, unless a later apply replaced it.
    if (deps.secrets.holdsSecret(result.state)) {
      return Reply.jsonText(deps.secrets.body(result.state, ""), headers);
    }
    const bytes = deps.store.current() === result.state ? deps.store.bodyBytes() : null;
    return Reply.jsonText(bytes ?? JSON.stringify(result.state), headers);
  });

  host.route("GET", "/api/state/schema", {
    role: "viewer",
    tier: "read",
    summary: "JSON Schema of the state document (core + plugin fragments), for editors and CI",
  }, () => z.toJSONSchema(deps.schema(), { io: "input", unrepresentable: "any" }));

  host.route("POST", "/api/state/plan", {
    role: "operator",
    tier: "write",
    summary: "Validate, render and haproxy -c a state without applying it; diff against live",
  }, async (ctx) => {
    const raw = await readStateDocument(ctx, deps.limits);
    const plan = await deps.pipeline.plan(raw, {
      actor: ctx.actor,
      role: ctx.principal?.role ?? "viewer", // field-level roles: core/security/
    });
    return { ...plan, ...destructivePreview(deps, raw) };
  });
}

/**
 * A refused body (empty, BOM, missing keys, over a limit) is audited as a failed apply, like a
 * schema refusal, so a broken pipeline that PUTs nothing shows in the audit log; listeners (the
 * applies metric) hear an `apply:failed` at the validate stage, as for any invalid document.
 */
async function auditRefusal<T>(
  host: PluginHost,
  actor: string,
  reason: string | null,
  started: number,
  reading: Promise<T>,
): Promise<T> {
  try {
    return await reading;
  } catch (error) {
    if (error instanceof HttpError) {
      host.audit.record({
        actor,
        category: "state",
        action: "apply",
        target: null,
        details: { reason, stage: "body", error: error.message },
        outcome: "failure",
      });
      await host.emit("apply:failed", {
        actor,
        reason,
        stage: "validate",
        message: error.message,
        durationMs: performance.now() - started,
      });
    }
    throw error;
  }
}
