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
import { assertJsonPatchType, patchCurrent, readJsonPatch } from "./state_patch.ts";
import type { ApplyResult } from "../apply/types.ts";
import { type ConfirmedApply, confirmHeaders, lockedGuard } from "./confirm.ts";
import { documentFromText } from "../state/body_delta.ts";

/** How often a PATCH without If-Match is recomputed when another change lands meanwhile. */
const PATCH_ATTEMPTS = 3;

/** Registers GET/PUT/PATCH /api/state and POST /api/state/plan. */
export function stateRoutes(
  host: PluginHost,
  deps: CoreDeps,
  confirmed: ConfirmedApply = async (_u, _a, apply) => ({
    result: await apply(() => {}),
    window: null,
  }),
): void {
  host.route("GET", "/api/state", {
    role: "viewer",
    tier: "read",
    summary: "The whole desired configuration, with its ETag",
  }, () => {
    // A small state as text: a Response copies a byte body, which costs a small state's reader
    // (the hot path of CI pipelines and scrapers) more than encoding the text does. A large
    // one as the bytes the store keeps (its one copy; store.ts).
    const body = deps.store.answer();
    if (body === null) throw new HttpError("NotInitialized", "state not initialized");
    // A state holding plugins' secrets is answered redacted (core/state/redact.ts).
    const state = deps.store.current()!;
    const text = deps.secrets.holdsSecret(state) ? deps.secrets.body(state, "") : body;
    return Reply.jsonText(text, { etag: deps.store.etag() });
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
    const reading = readStateDocument(ctx, deps.limits, (text) => knownDocument(deps, text));
    const body = await auditRefusal(host, ctx.actor, reason, t0, reading);
    const parse = { name: "parse", ms: performance.now() - t0 };
    // `?confirm=`: a watch window after the apply; 409 while another one is pending.
    const { result, window } = await confirmed(
      ctx.url,
      ctx.actor,
      (atLock) =>
        deps.pipeline.apply(body, {
          actor: ctx.actor,
          reason,
          ifMatch: ctx.req.headers.get("if-match"),
          guard: lockedGuard(atLock, guard),
          role: ctx.principal?.role ?? "viewer", // field-level roles: core/security/
        }),
    );
    return withHeaders(applied(deps, result, parse), confirmHeaders(window));
  });

  host.route("PATCH", "/api/state", {
    role: "operator",
    tier: "write",
    summary: "Change the state with an RFC 6902 JSON Patch, through the same pipeline as PUT",
  }, async (ctx) => {
    const t0 = performance.now();
    assertJsonPatchType(ctx.req);
    if (deps.store.current() === null) {
      throw new HttpError("NotInitialized", "state not initialized");
    }
    const reason = ctx.url.searchParams.get("reason");
    const guard = destructiveGuard(ctx.url, deps.limits.destructiveShare, "this PATCH");
    const ifMatch = ctx.req.headers.get("if-match");
    const patch = await auditRefusal(host, ctx.actor, reason, t0, readJsonPatch(ctx));
    for (let attempt = 1;; attempt++) {
      const started = performance.now();
      const patched = await auditRefusal(
        host,
        ctx.actor,
        reason,
        t0,
        Promise.resolve().then(() =>
          patchCurrent(
            deps.store,
            patch,
            ifMatch,
            deps.limits,
            (state) => deps.secrets.redact(state),
          )
        ),
      );
      const parse = { name: "parse", ms: performance.now() - started };
      try {
        // The pipeline refuses (412) if another change lands between the patch and its lock.
        const { result, window } = await confirmed(
          ctx.url,
          ctx.actor,
          (atLock) =>
            deps.pipeline.apply(patched.document, {
              actor: ctx.actor,
              reason,
              ifMatch: patched.base,
              guard: lockedGuard(atLock, guard),
              role: ctx.principal?.role ?? "viewer", // field-level roles: core/security/
            }),
        );
        return withHeaders(patchAnswer(deps, ctx.req, result, parse), confirmHeaders(window));
      } catch (error) {
        // Without If-Match the caller asked for "this change on whatever is live": recompute it.
        const raced = error instanceof HttpError && error.code === "PreconditionFailed";
        if (!raced || ifMatch || attempt >= PATCH_ATTEMPTS) throw error;
      }
    }
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
    const raw = await readStateDocument(ctx, deps.limits, (text) => knownDocument(deps, text));
    const plan = await deps.pipeline.plan(raw, {
      actor: ctx.actor,
      role: ctx.principal?.role ?? "viewer", // field-level roles: core/security/
    });
    return { ...plan, ...destructivePreview(deps, raw) };
  });
}

/**
 * A body read against the current document (body_delta.ts): only where it
 * is the text `GET` sends, so not for a state whose secrets `GET` redacts.
 */
function knownDocument(deps: CoreDeps, text: string): unknown | null {
  const current = deps.store.current();
  const parts = deps.store.parts();
  if (!current || !parts || deps.secrets.holdsSecret(current)) return null;
  return documentFromText(text, current, parts);
}

/** Adds headers to an answer (the window a commit-confirmed apply opened). */
function withHeaders(reply: Reply, headers: Record<string, string>): Reply {
  for (const [k, v] of Object.entries(headers)) reply.headers[k] = v;
  return reply;
}

/** The headers of an applied change: ETag, Server-Timing, the path it took, warnings. */
function appliedHeaders(
  result: ApplyResult,
  parse: { name: string; ms: number },
): Record<string, string> {
  const headers: Record<string, string> = {
    etag: result.etag,
    "server-timing": serverTiming([parse, ...result.timings]),
    // `unchanged`: identical to what runs, nothing reloaded; `reload`: HAProxy runs it now.
    "patchpanel-apply": result.outcome,
  };
  if (result.warnings.length) headers["patchpanel-warnings"] = JSON.stringify(result.warnings);
  return headers;
}

/** The answer to an apply: the whole state document, with {@link appliedHeaders}. */
function applied(
  deps: CoreDeps,
  result: ApplyResult,
  parse: { name: string; ms: number },
): Reply {
  if (deps.secrets.holdsSecret(result.state)) {
    return Reply.jsonText(deps.secrets.body(result.state, ""), appliedHeaders(result, parse));
  }
  // The body serialized and encoded while haproxy -c ran, unless a later apply replaced it.
  const bytes = deps.store.current() === result.state ? deps.store.bodyBytes() : null;
  return Reply.jsonText(bytes ?? JSON.stringify(result.state), appliedHeaders(result, parse));
}

/**
 * A PATCH's answer: a small `{etag, snapshotId, applied}` (a 100,000-server
 * document is 17 MB, which would cost more than the change), or the whole
 * document as for PUT when the caller sends `Prefer: return=representation`.
 */
function patchAnswer(
  deps: CoreDeps,
  req: Request,
  result: ApplyResult,
  parse: { name: string; ms: number },
): Reply {
  const prefer = req.headers.get("prefer") ?? "";
  if (/(^|[\s,;])return=representation\b/i.test(prefer)) return applied(deps, result, parse);
  const summary = { etag: result.etag, snapshotId: result.snapshotId, applied: result.outcome };
  return Reply.jsonText(JSON.stringify(summary), appliedHeaders(result, parse));
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
