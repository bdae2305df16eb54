/**
 * The keys a replacing document must spell out. The schema fills every
 * missing key with a default, which is right for optional detail but fatal
 * for the whole: `{}` (or `{"version":1}`) would default to no frontends and
 * no backends and wipe the load balancer. So a PUT or plan must carry
 * `version` and `haproxy` itself; defaults still fill in everything else.
 *
 * @module
 */
import { HttpError } from "../errors.ts";

/** The top-level keys a PUT /api/state or plan body must carry explicitly. */
export const REQUIRED_STATE_KEYS = ["version", "haproxy"] as const;

const EXPECTED: Record<(typeof REQUIRED_STATE_KEYS)[number], string> = {
  version: "number",
  haproxy: "object",
};

/** An issue in Zod's shape naming one missing or misplaced key. */
export interface ExplicitIssue {
  /** "invalid_type", as Zod says for a missing required key. */
  code: "invalid_type";
  /** The missing key's path (`[]` when the document is not an object). */
  path: string[];
  /** What is expected there (`number`, `object`). */
  expected: string;
  /** What is wrong, naming the key. */
  message: string;
}

/** The issues of a document that lacks a required key or is not an object; empty when fine. */
export function missingKeyIssues(raw: unknown): ExplicitIssue[] {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    const got = raw === null ? "null" : Array.isArray(raw) ? "an array" : typeof raw;
    return [{
      code: "invalid_type",
      path: [],
      expected: "object",
      message: `the state document must be a JSON object, got ${got}`,
    }];
  }
  return REQUIRED_STATE_KEYS.filter((k) => !(k in raw)).map((k) => ({
    code: "invalid_type",
    path: [k],
    expected: EXPECTED[k],
    message: `'${k}' is required: a replacing state must carry it explicitly ` +
      `(a missing '${k}' would default and could wipe the configuration)`,
  }));
}

/** Throws the 422 `{error, issues}` naming each missing required key. */
export function assertExplicitKeys(raw: unknown): void {
  const issues = missingKeyIssues(raw);
  if (issues.length === 0) return;
  const names = issues.map((i) => i.path[0]).filter(Boolean);
  const error = names.length
    ? `state is missing required key${names.length > 1 ? "s" : ""} ${
      names.map((n) => `'${n}'`).join(", ")
    }`
    : issues[0].message;
  throw new HttpError("ValidationError", error, { error, issues });
}
