/**
 * The apply pipeline's first step: refuse, before anything is validated,
 * rendered or written, a document that changes a state path its caller's
 * role may not change (403 `{error, message, paths}`), and audit the
 * refusal.
 *
 * The next document is compared as sent first. A field left out that the
 * schema would default counts as a change there, so only when that raw
 * comparison finds a refused path is the document parsed (defaults filled
 * in) and compared again; a document that does not parse is left to the
 * validation step's 422. The common cases (an admin; an operator editing a
 * document read from `GET /api/state`) cost one walk over the two documents.
 *
 * @module
 */
import type { Role } from "../plugin.ts";
import { HttpError } from "../errors.ts";
import type { AuditLog } from "../store/audit.ts";
import { authorize, changedPaths, type Refusal } from "./authorize.ts";
import type { FieldRoles } from "./field_roles.ts";

/** At most this many refused paths travel in a 403 (the count says how many there were). */
export const MAX_REPORTED_PATHS = 100;

/** What a write is, for the audit entry of a refusal. */
export type GuardedAction = "apply" | "plan" | "adopt-runtime";

/** Who asks for a change, as the guard needs it. */
export interface GuardRequest {
  /** The caller's role. */
  role: Role;
  /** The audit actor. */
  actor: string;
  /** What kind of write it is. */
  action: GuardedAction;
  /** Why, as the apply options say (e.g. `restore:<id>`). */
  reason: string | null;
}

/**
 * Authorizes state changes field by field. Built once by the wiring with
 * every field role (core and plugins) and the plain composed schema.
 */
export class StateGuard {
  /**
   * `parse` fills in a document's defaults, or returns undefined when it
   * does not validate.
   */
  constructor(
    readonly roles: FieldRoles,
    private parse: (input: unknown) => unknown,
    private audit: AuditLog | null = null,
  ) {}

  /** The refused changes from `current` to `next` for `role`; empty when all are allowed. */
  refusals(role: Role, current: unknown, next: unknown): Refusal[] {
    if (role === "admin") return [];
    const base = current ?? {};
    const raw = authorize(role, changedPaths(base, next), this.roles);
    if (raw.length === 0) return raw;
    const parsed = this.parse(next);
    if (parsed === undefined) return [];
    return authorize(role, changedPaths(base, parsed), this.roles);
  }

  /** Throws the 403 (after auditing it) when `next` changes a path `req.role` may not change. */
  check(req: GuardRequest, current: unknown, next: unknown): void {
    const refused = this.refusals(req.role, current, next);
    if (refused.length === 0) return;
    const error = fieldsForbidden(req.role, refused);
    this.audit?.record({
      actor: req.actor,
      category: "state",
      action: req.action,
      target: null,
      details: {
        reason: req.reason,
        stage: "authorize",
        error: error.message,
        paths: refused.slice(0, MAX_REPORTED_PATHS).map((r) => r.path),
      },
      outcome: "failure",
    });
    throw error;
  }
}

/**
 * The 403 for refused fields: the contract's `{error: "ForbiddenError",
 * message}` envelope plus `paths` (what was refused), `need` (the least role
 * that may make the whole change) and, when over {@link MAX_REPORTED_PATHS},
 * `omitted` (how many paths were left out).
 */
export function fieldsForbidden(role: Role, refused: readonly Refusal[]): HttpError {
  const need: Role = refused.some((r) => r.need === "admin") ? "admin" : "operator";
  const paths = refused.slice(0, MAX_REPORTED_PATHS).map((r) => r.path);
  const shown = paths.slice(0, 3).join(", ") + (refused.length > 3 ? ", ..." : "");
  const message =
    `the ${role} role may not change ${refused.length} state field(s) (${shown}); they need the ${need} role`;
  const body: Record<string, unknown> = { error: "ForbiddenError", message, paths, need };
  if (refused.length > paths.length) body.omitted = refused.length - paths.length;
  return new HttpError("ForbiddenError", message, body);
}
