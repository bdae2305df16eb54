/**
 * `PATCH /api/state`: an RFC 6902 JSON Patch against the live state, run
 * through the same apply pipeline as `PUT` (and so through whichever path,
 * runtime or reload, the pipeline picks).
 *
 * The body rules are PUT's: a 415 for any other media type, 400 for an
 * empty, BOM-prefixed or malformed body, 413 past the size limit; the
 * patched document must keep `version` and `haproxy` (422) and stay within
 * `limits.*` (422); the destructive guard (409, `?allowDestructive=true`)
 * and the field-level roles (403 with paths) apply to what the patch
 * changes. An operation that does not apply is a 409 `{error, operation}`
 * with its index. The patch is computed from the live state without
 * writing it (state/patch.ts), so a refusal leaves the state as it was.
 *
 * @module
 */
import type { Operation } from "fast-json-patch";
import { HttpError } from "../errors.ts";
import type { RequestContext } from "../plugin.ts";
import { parseJsonDocument } from "../http/body.ts";
import { applyJsonPatch, asJsonPatch, JSON_PATCH_TYPE } from "../state/patch.ts";
import { assertExplicitKeys } from "../state/explicit.ts";
import { assertWithinLimits, type StateLimits } from "../state/limits.ts";
import type { StateStore } from "../state/store.ts";
import type { State } from "../state/schema.ts";

/** 415 unless the request says it carries a JSON Patch (parameters such as charset allowed). */
export function assertJsonPatchType(req: Request): void {
  const type = (req.headers.get("content-type") ?? "").split(";")[0].trim().toLowerCase();
  if (type === JSON_PATCH_TYPE) return;
  const message = `PATCH /api/state takes a JSON Patch: send content-type ${JSON_PATCH_TYPE}` +
    (type ? ` (got ${type})` : "");
  throw new HttpError("UnsupportedMediaType", message, { error: message, accept: JSON_PATCH_TYPE });
}

/** Reads and checks a JSON Patch body (400/413 as for a PUT's body). */
export async function readJsonPatch(ctx: RequestContext): Promise<Operation[]> {
  return asJsonPatch(parseJsonDocument(await ctx.text()));
}

/** A patched document and the ETag of the state it was computed from. */
export interface PatchedDocument {
  /** The next state document, unvalidated; shares every object the patch did not reach. */
  document: unknown;
  /** The ETag of the state the patch was applied to. */
  base: string;
}

/**
 * Applies `patch` to the current state: 412 when `ifMatch` names another
 * state, 409 for an operation that does not apply, 422 for a document that
 * lost `version`/`haproxy` or passes a limit. The patch sees the state as
 * its caller may read it (`redact`: plugins' secrets as the marker), so a
 * `copy` or `move` from a secret into a readable field carries the marker,
 * and a `test` cannot probe a secret; the pipeline puts the markers left at
 * secret paths back to the stored values, as for a PUT.
 */
export function patchCurrent(
  store: StateStore,
  patch: readonly Operation[],
  ifMatch: string | null,
  limits: StateLimits,
  redact: (state: State) => State = (state) => state,
): PatchedDocument {
  const current = store.current();
  if (current === null) throw new HttpError("NotInitialized", "state not initialized");
  const base = store.etag();
  if (ifMatch && ifMatch !== "*" && ifMatch !== base) {
    throw new HttpError("PreconditionFailed", "state changed since it was read", {
      error: "state changed since it was read (If-Match does not match the current ETag)",
      etag: base,
    });
  }
  const document = applyJsonPatch(redact(current), patch);
  assertExplicitKeys(document);
  assertWithinLimits(document, limits);
  return { document, base };
}
