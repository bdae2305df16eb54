/**
 * Step 1 of the apply pipeline, as pure functions: which state paths does a
 * document change ({@link changedPaths}), and which of them may a role not
 * change ({@link authorize}).
 *
 * Changes are leaf-level: two documents differ at a path where a scalar
 * (string, number, boolean or null) was added, removed or replaced. Empty
 * arrays and objects have no leaves, so a new backend that defaults
 * `rawDirectives: []` changes no raw directive. Arrays whose items all carry
 * a unique string `id` (frontends, backends, certificates) or `name`
 * (servers, ACLs, trusted CAs) are matched by it, so inserting a backend at
 * the front does not count as changing every later backend; their paths use
 * the item's index in the new document (in the old one for a removed item).
 * Other arrays (raw directives, options, ACL values) compare by index.
 * Reordering a keyed array changes no path.
 *
 * @module
 */
import type { Role } from "../plugin.ts";
import { covers } from "../auth/roles.ts";
import type { FieldRoles } from "./field_roles.ts";

/** A scalar of a JSON document. */
export type Leaf = string | number | boolean | null;

/** One changed leaf: where, and its value before and after (undefined: absent). */
export interface Change {
  /** The path as a dotted string, e.g. `haproxy.global.statsSockets.0.level`. */
  path: string;
  /** The same path as segments (array indexes as numbers). */
  segments: (string | number)[];
  /** The value in the current document; undefined when the leaf is new. */
  before?: Leaf;
  /** The value in the next document; undefined when the leaf is removed. */
  after?: Leaf;
}

/** A change the role may not make, and the least role that may. */
export interface Refusal {
  /** The changed path, dotted. */
  path: string;
  /** The least role allowed to change it. */
  need: Role;
}

/** Every leaf that differs between `a` (current) and `b` (next), in document order. */
export function changedPaths(a: unknown, b: unknown): Change[] {
  const out: Change[] = [];
  diff(a, b, [], out);
  return out;
}

/**
 * The changes `role` may not make under `rules`, one entry per path (the
 * highest role a path needs when it changed twice). Empty: allowed.
 */
export function authorize(role: Role, changes: readonly Change[], rules: FieldRoles): Refusal[] {
  if (role === "admin") return [];
  const refused = new Map<string, Role>();
  for (const c of changes) {
    const need = rules.required(c.segments, c.before, c.after);
    if (covers(role, need)) continue;
    const had = refused.get(c.path);
    if (!had || covers(need, had)) refused.set(c.path, need);
  }
  return [...refused].map(([path, need]) => ({ path, need }));
}

type Json = unknown;

function isObject(v: Json): v is Record<string, Json> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isLeaf(v: Json): v is Leaf {
  return v === null || typeof v === "string" || typeof v === "number" ||
    typeof v === "boolean";
}

function push(out: Change[], segments: (string | number)[], before?: Leaf, after?: Leaf) {
  const change: Change = { path: segments.join("."), segments: [...segments] };
  if (before !== undefined) change.before = before;
  if (after !== undefined) change.after = after;
  out.push(change);
}

/** Reports every leaf under `v` as removed (`side` "before") or added ("after"). */
function leaves(v: Json, segments: (string | number)[], side: "before" | "after", out: Change[]) {
  if (v === undefined) return;
  if (isLeaf(v)) {
    if (side === "before") push(out, segments, v, undefined);
    else push(out, segments, undefined, v);
    return;
  }
  if (Array.isArray(v)) {
    v.forEach((item, i) => {
      segments.push(i);
      leaves(item, segments, side, out);
      segments.pop();
    });
    return;
  }
  if (isObject(v)) {
    for (const k of Object.keys(v)) {
      segments.push(k);
      leaves(v[k], segments, side, out);
      segments.pop();
    }
  }
  // Anything else (a function, a symbol) is not JSON and has no leaves.
}

function diff(a: Json, b: Json, segments: (string | number)[], out: Change[]): void {
  if (a === b) return;
  if (isLeaf(a) && isLeaf(b)) {
    push(out, segments, a, b);
    return;
  }
  if (isObject(a) && isObject(b)) {
    // for-in, not Object.keys: a 10,000-server state is 10,000 objects, each walked once.
    for (const k in a) {
      segments.push(k);
      diff(a[k], b[k], segments, out);
      segments.pop();
    }
    for (const k in b) {
      if (Object.hasOwn(a, k)) continue;
      segments.push(k);
      leaves(b[k], segments, "after", out);
      segments.pop();
    }
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    diffArrays(a, b, segments, out);
    return;
  }
  // Different kinds (absent, scalar, array, object): all of the old goes, all of the new comes.
  leaves(a, segments, "before", out);
  leaves(b, segments, "after", out);
}

function diffArrays(a: Json[], b: Json[], segments: (string | number)[], out: Change[]): void {
  // The common case, the same items in the same order, pairs by index without a lookup table.
  const key = aligned(a, b) ? null : identityKey(a, b);
  if (key === null) {
    const n = Math.max(a.length, b.length);
    for (let i = 0; i < n; i++) {
      segments.push(i);
      diff(a[i], b[i], segments, out);
      segments.pop();
    }
    return;
  }
  const old = new Map<string, number>();
  a.forEach((item, i) => old.set((item as Record<string, string>)[key], i));
  const kept = new Set<string>();
  b.forEach((item, j) => {
    const id = (item as Record<string, string>)[key];
    const i = old.get(id);
    segments.push(j);
    if (i === undefined) leaves(item, segments, "after", out);
    else {
      kept.add(id);
      diff(a[i], item, segments, out);
    }
    segments.pop();
  });
  a.forEach((item, i) => {
    if (kept.has((item as Record<string, string>)[key])) return;
    segments.push(i);
    leaves(item, segments, "before", out);
    segments.pop();
  });
}

/**
 * Whether both arrays hold, index by index, items with the same identity
 * (or are unkeyed scalars): then matching by key and by index agree.
 */
function aligned(a: Json[], b: Json[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i], y = b[i];
    if (!isObject(x) || !isObject(y)) {
      if (isObject(x) || isObject(y)) return false;
      continue;
    }
    if (typeof x.id === "string" || typeof y.id === "string") {
      if (x.id !== y.id) return false;
    } else if (x.name !== y.name) return false;
  }
  return true;
}

/** `id` or `name` when every item of both arrays is an object with a unique string one. */
function identityKey(a: Json[], b: Json[]): "id" | "name" | null {
  for (const key of ["id", "name"] as const) {
    if (uniqueBy(a, key) && uniqueBy(b, key)) return key;
  }
  return null;
}

function uniqueBy(items: Json[], key: string): boolean {
  const seen = new Set<string>();
  for (const item of items) {
    if (!isObject(item)) return false;
    const v = item[key];
    if (typeof v !== "string" || seen.has(v)) return false;
    seen.add(v);
  }
  return true;
}
