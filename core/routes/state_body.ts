/**
 * What a state-replacing request must pass before the pipeline sees it:
 * a real JSON document (not empty, not whitespace, no BOM: 400), carrying
 * `version` and `haproxy` explicitly (422), within the size limits (422);
 * and the `?allowDestructive=true` switch for the destructive-change guard.
 *
 * @module
 */
import { badRequest } from "../errors.ts";
import type { RequestContext } from "../plugin.ts";
import { parseJsonDocument } from "../http/body.ts";
import { assertExplicitKeys } from "../state/explicit.ts";
import { assertWithinLimits, type StateLimits } from "../state/limits.ts";
import {
  assertNotDestructive,
  destructiveReason,
  type Removals,
  removals,
  topologyOf,
} from "../apply/destructive.ts";
import type { StateStore } from "../state/store.ts";
import type { ApplyOptions } from "../apply/types.ts";

/**
 * Reads and checks a state document body; throws the 400/413/422 that
 * explains a refusal. `known` may read the body as the current document
 * with a span of backends changed (body_delta.ts); where it cannot (null),
 * the body is parsed whole.
 */
export async function readStateDocument(
  ctx: RequestContext,
  limits: StateLimits,
  known?: (text: string) => unknown | null,
): Promise<unknown> {
  const text = await ctx.text();
  const raw = known?.(text) ?? parseJsonDocument(text);
  assertExplicitKeys(raw);
  assertWithinLimits(raw, limits);
  return raw;
}

/** `?allowDestructive=true|1|false|0` (absent: false); anything else is a 400. */
export function allowDestructiveParam(url: URL): boolean {
  const raw = url.searchParams.get("allowDestructive");
  if (raw === null || raw === "" || raw === "false" || raw === "0") return false;
  if (raw === "true" || raw === "1") return true;
  throw badRequest("allowDestructive must be true or false");
}

/**
 * The pipeline guard for a replacement: none when the caller allowed a
 * destructive change, else the 409 check against the current state.
 */
export function destructiveGuard(
  url: URL,
  share: number,
  what: string,
): ApplyOptions["guard"] {
  if (allowDestructiveParam(url)) return undefined;
  return (current, next) => assertNotDestructive(current, next, share, what);
}

/**
 * What a plan adds so a pipeline sees the 409 coming: `removes` (as the 409
 * counts them) and `destructive`, the reason a PUT of this document would be
 * refused without `?allowDestructive=true`, or null.
 */
export function destructivePreview(
  deps: { store: StateStore; limits: { destructiveShare: number } },
  raw: unknown,
): { removes: Removals; destructive: string | null } {
  const current = deps.store.current();
  const next = topologyOf(raw);
  if (current === null) {
    return { removes: { frontends: 0, backends: 0, servers: 0 }, destructive: null };
  }
  return {
    removes: removals(current, next),
    destructive: destructiveReason(current, next, deps.limits.destructiveShare),
  };
}
