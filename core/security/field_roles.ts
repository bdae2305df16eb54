/**
 * Field roles: which role a change to a state path needs, as data.
 *
 * The state document is the whole HAProxy config, so "may PUT /api/state"
 * cannot mean "may change anything": a stats socket, a raw directive or a
 * log target gives access to the host or to HAProxy's control plane. The
 * core and each plugin declare, per path pattern, the least role a change
 * there needs; this module resolves a changed path against those rules.
 *
 * A pattern is a dotted path whose `*` segments match any one segment (an
 * array index or a map key), e.g. `haproxy.backends.*.rawDirectives`. A rule
 * covers its path and everything under it, and the most specific matching
 * rule wins, so `geoip` → admin with `geoip.enabled` → operator leaves only
 * `enabled` to operators. A rule with a `value` pattern only ever raises the
 * role: it applies when the value before or after the change matches
 * (`option external-check` among otherwise operator-level options). A path
 * no rule covers needs `admin`, so a field nobody classified is safe.
 *
 * @module
 */
import type { Role } from "../plugin.ts";
import { covers } from "../auth/roles.ts";

/**
 * One declaration: changing state under `path` needs at least `role`.
 * With `value` (a regular expression's source), the rule raises the role of
 * a change whose old or new value matches, and never lowers one.
 */
export interface FieldRole {
  /** A dotted path pattern; `*` matches one segment (an array index or a map key). */
  path: string;
  /** The least role that may change what the pattern covers. */
  role: Role;
  /** Only for values matching this regular expression (source text), which need `role`. */
  value?: string;
}

/** The role a path needs when no rule covers it: unclassified fields are admin-only. */
export const FALLBACK_ROLE: Role = "admin";

/** A segment pattern that matches any one segment. */
const ANY = "*";

interface Compiled {
  segments: string[];
  literals: number;
  role: Role;
  value: RegExp | null;
}

/**
 * Rules checked and prepared once (split patterns, compiled value
 * expressions), so resolving many changed paths costs no parsing.
 */
export class FieldRoles {
  readonly #byRoot = new Map<string, Compiled[]>();
  readonly #wild: Compiled[] = [];
  /** The rules as declared, for listings and documentation tests. */
  readonly rules: readonly FieldRole[];

  /** Compiles the rules; a malformed pattern or expression throws a {@link FieldRoleError}. */
  constructor(rules: readonly FieldRole[]) {
    this.rules = rules;
    for (const rule of rules) {
      const c = compile(rule);
      const root = c.segments[0];
      if (root === ANY) this.#wild.push(c);
      else {
        const list = this.#byRoot.get(root) ?? [];
        list.push(c);
        this.#byRoot.set(root, list);
      }
    }
  }

  /**
   * The least role that may make this change: the most specific path rule
   * (ties: more literal segments, then the higher role), raised by every
   * value rule whose pattern covers the path and whose expression matches
   * the old or the new value.
   */
  required(segments: readonly (string | number)[], before?: unknown, after?: unknown): Role {
    let best: Compiled | null = null;
    let raised: Role | null = null;
    const candidates = this.#byRoot.get(String(segments[0])) ?? [];
    for (const list of [candidates, this.#wild]) {
      for (const c of list) {
        if (!coversPath(c.segments, segments)) continue;
        if (c.value) {
          if (matchesValue(c.value, before) || matchesValue(c.value, after)) {
            raised = raised === null || covers(c.role, raised) ? c.role : raised;
          }
          continue;
        }
        if (best === null || moreSpecific(c, best)) best = c;
      }
    }
    const base = best?.role ?? FALLBACK_ROLE;
    return raised !== null && !covers(base, raised) ? raised : base;
  }
}

/** A field-role declaration that cannot be used, with the reason. */
export class FieldRoleError extends Error {
  /** Names the rule and what is wrong with it. */
  constructor(message: string) {
    super(message);
    this.name = "FieldRoleError";
  }
}

const SEGMENT = /^([A-Za-z0-9_$-]+|\*)$/;
const ROLE_NAMES = new Set<string>(["viewer", "operator", "admin"]);

function compile(rule: FieldRole): Compiled {
  if (typeof rule?.path !== "string" || rule.path === "") {
    throw new FieldRoleError("a field role needs a non-empty path pattern");
  }
  const segments = rule.path.split(".");
  if (!segments.every((s) => SEGMENT.test(s))) {
    throw new FieldRoleError(
      `field role path '${rule.path}' must be dotted segments of letters, digits, _, - or *`,
    );
  }
  if (!ROLE_NAMES.has(rule.role)) {
    throw new FieldRoleError(`field role '${rule.path}' names an unknown role '${rule.role}'`);
  }
  let value: RegExp | null = null;
  if (rule.value !== undefined) {
    try {
      value = new RegExp(rule.value);
    } catch (e) {
      throw new FieldRoleError(`field role '${rule.path}' has a bad value pattern: ${e}`);
    }
  }
  return {
    segments,
    literals: segments.filter((s) => s !== ANY).length,
    role: rule.role,
    value,
  };
}

/** Whether a pattern covers a path: it is a prefix of it, `*` matching any one segment. */
function coversPath(pattern: readonly string[], path: readonly (string | number)[]): boolean {
  if (pattern.length > path.length) return false;
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i] !== ANY && pattern[i] !== String(path[i])) return false;
  }
  return true;
}

function moreSpecific(a: Compiled, b: Compiled): boolean {
  if (a.segments.length !== b.segments.length) return a.segments.length > b.segments.length;
  if (a.literals !== b.literals) return a.literals > b.literals;
  return covers(a.role, b.role) && a.role !== b.role;
}

function matchesValue(re: RegExp, value: unknown): boolean {
  if (value === undefined || value === null || typeof value === "object") return false;
  return re.test(String(value));
}
