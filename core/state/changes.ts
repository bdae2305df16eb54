/**
 * What a state apply changed, entity by entity and field by field, for its
 * audit entry: `server web-pool/web-1: weight 10 → 20` says more to someone
 * reading the log than a snapshot id does, and needs no diff of two
 * snapshots.
 *
 * The list is bounded (at most {@link MAX_CHANGES} items, then a count of
 * the rest), each value is cut to {@link MAX_VALUE_CHARS} characters, and
 * a value at a secret path (a plugin's declared secrets, see redact.ts) is
 * never copied: it reads as {@link REDACTED}, whether it is the changed
 * field itself or sits inside a changed object.
 *
 * Entities are named by the state's own ids (change_entities.ts); anything
 * the core does not know (a plugin's key) is named by its JSON path, with
 * array items that carry an `id` or `name` paired by it, never by position.
 *
 * @example
 * ```ts
 * stateChanges(before, after).changes;
 * // [{ op: "change", entity: "server web-pool/web-1", field: "weight", from: 10, to: 20 }]
 * ```
 *
 * @module
 */
import { REDACTED, type SecretRedactor } from "./redact.ts";
import { collectionAt, entityAt, type Path } from "./change_entities.ts";

/** A value as an audit entry shows it: a primitive; text and objects cut short. */
export type ChangeValue = string | number | boolean | null;

/** One change an apply made to the state. */
export interface StateChange {
  /** `add`/`remove`: the entity (or, with `field`, that field) appeared or went. */
  op: "add" | "remove" | "change";
  /** What changed, by the state's ids: `backend web-pool`, `server web-pool/web-1`, `global`. */
  entity: string;
  /**
   * The field within the entity, dotted (`weight`, `healthCheck.interval`); absent: the entity.
   * Ending in `[]` (`values[]`): one item added to or removed from a list too long to show
   * whole, such as an ACL's values.
   */
  field?: string;
  /** The old value (absent for an add); objects and arrays as cut-short JSON. */
  from?: ChangeValue;
  /** The new value (absent for a remove). */
  to?: ChangeValue;
}

/** The changes of one apply: the first few, and how many more there were. */
export interface StateChanges {
  /** At most {@link ChangeOptions.max} changes, in document order. */
  changes: StateChange[];
  /** How many changes were left out of `changes` to keep the entry small. */
  omitted: number;
}

/** Bounds and the secret test for {@link stateChanges}. */
export interface ChangeOptions {
  /** The plugins' declared secrets: a value at one of their paths is never copied. */
  secrets?: Pick<SecretRedactor, "isSecretPath">;
  /** Changes kept (default {@link MAX_CHANGES}). */
  max?: number;
  /** Characters kept of a value (default {@link MAX_VALUE_CHARS}). */
  maxValue?: number;
}

/** Changes one audit entry lists; a bulk edit beyond this is counted, not listed. */
export const MAX_CHANGES = 50;

/** Characters of a value an entry keeps: enough for a weight or an address, not a page body. */
export const MAX_VALUE_CHARS = 120;

/** Characters kept of an entity's or a field's name. */
const MAX_NAME_CHARS = 200;

type Obj = Record<string, unknown>;

/** `text` cut to `max` characters and marked with an ellipsis, never inside a surrogate pair. */
function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  const code = text.charCodeAt(max - 1);
  const end = code >= 0xd800 && code <= 0xdbff ? max - 1 : max;
  return `${text.slice(0, end)}…`;
}

function isObject(v: unknown): v is Obj {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

class Collector {
  readonly changes: StateChange[] = [];
  omitted = 0;
  constructor(
    readonly max: number,
    readonly maxValue: number,
    readonly isSecret: (path: Path) => boolean,
  ) {}

  push(c: StateChange): void {
    if (this.changes.length >= this.max) {
      this.omitted++;
      return;
    }
    // Names come from the state's ids; a plugin's unbounded key must not make the entry big.
    c.entity = cut(c.entity, MAX_NAME_CHARS);
    if (c.field !== undefined) c.field = cut(c.field, MAX_NAME_CHARS);
    this.changes.push(c);
  }

  /** `value` at `path` as an entry may show it: secrets masked, long text cut. */
  shown(value: unknown, path: Path): ChangeValue {
    const masked = this.#mask(value, path);
    if (typeof masked === "number" || typeof masked === "boolean" || masked === null) {
      return masked;
    }
    return cut(
      typeof masked === "string" ? masked : JSON.stringify(masked) ?? "null",
      this.maxValue,
    );
  }

  #mask(value: unknown, path: Path): unknown {
    if (this.isSecret(path) && typeof value === "string" && value !== "") return REDACTED;
    if (Array.isArray(value)) return value.map((v, i) => this.#mask(v, [...path, i]));
    if (isObject(value)) {
      return Object.fromEntries(
        Object.entries(value).map(([k, v]) => [k, this.#mask(v, [...path, k])]),
      );
    }
    return value;
  }
}

/** Where the walk is: the entity described, the field within it, the keys and path so far. */
interface Place {
  entity: string;
  field: string[];
  /** Keys of the collection items the walk is inside, outermost first. */
  ids: string[];
  /** The path with those keys: `tls.certs[app].domains`. */
  jsonPath: string;
}

/** `place` one object key further down. */
function into(place: Place, key: string): Place {
  const jsonPath = place.jsonPath ? `${place.jsonPath}.${key}` : key;
  return { ...place, field: [...place.field, key], jsonPath };
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== "object") return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((v, i) => deepEqual(v, bb[i]));
  }
  const ka = Object.keys(a as Obj);
  const kb = Object.keys(b as Obj);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.hasOwn(b as Obj, k) && deepEqual((a as Obj)[k], (b as Obj)[k]));
}

function fieldOf(place: Place): { field?: string } {
  return place.field.length ? { field: place.field.join(".") } : {};
}

/** Compares `a` and `b` at `path`; `place` names what they belong to. */
function walk(c: Collector, a: unknown, b: unknown, path: Path, place: Place): void {
  // Most of a big state is unchanged: an equal subtree costs one comparison, no naming.
  if (deepEqual(a, b)) return;
  const named = entityAt(path, place.ids, place.jsonPath);
  if (named !== null) place = { ...place, entity: named, field: [] };
  if (named !== null && (a === undefined || b === undefined)) {
    c.push({ op: a === undefined ? "add" : "remove", entity: place.entity });
    return;
  }
  if (isObject(a) && isObject(b)) {
    for (const k of Object.keys(a)) walk(c, a[k], b[k], [...path, k], into(place, k));
    for (const k of Object.keys(b)) {
      if (!Object.hasOwn(a, k)) walk(c, undefined, b[k], [...path, k], into(place, k));
    }
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    const keys = collectionAt(path, a, b);
    if (keys) return walkCollection(c, a, b, path, place, keys);
    if (walkItems(c, a, b, path, place)) return;
  }
  const field = fieldOf(place);
  if (a === undefined) c.push({ op: "add", entity: place.entity, ...field, to: c.shown(b, path) });
  else if (b === undefined) {
    c.push({ op: "remove", entity: place.entity, ...field, from: c.shown(a, path) });
  } else {
    c.push({
      op: "change",
      entity: place.entity,
      ...field,
      from: c.shown(a, path),
      to: c.shown(b, path),
    });
  }
}

function isPrimitive(v: unknown): v is string | number | boolean | null {
  return v === null || ["string", "number", "boolean"].includes(typeof v);
}

/**
 * A list of distinct words or numbers (ACL values, options) too long to show whole: each item
 * added or removed is one change of `<field>[]`, so a big ACL's new entry is not cut off.
 * False when the lists are short, hold objects or repeats, or differ only in order.
 */
function walkItems(c: Collector, a: unknown[], b: unknown[], path: Path, place: Place): boolean {
  if (!a.every(isPrimitive) || !b.every(isPrimitive)) return false;
  const long = (l: unknown[]) => JSON.stringify(l).length > c.maxValue;
  if (!long(a) && !long(b)) return false;
  const old = new Set(a);
  const next = new Set(b);
  if (old.size !== a.length || next.size !== b.length) return false;
  const removed = a.map((v, i) => [v, i] as const).filter(([v]) => !next.has(v));
  const added = b.map((v, i) => [v, i] as const).filter(([v]) => !old.has(v));
  if (!removed.length && !added.length) return false;
  const field = `${place.field.join(".")}[]`;
  for (const [v, i] of removed) {
    c.push({ op: "remove", entity: place.entity, field, from: c.shown(v, [...path, i]) });
  }
  for (const [v, i] of added) {
    c.push({ op: "add", entity: place.entity, field, to: c.shown(v, [...path, i]) });
  }
  return true;
}

/** Items paired by key: the removed ones first, then the new document's order. */
function walkCollection(
  c: Collector,
  a: unknown[],
  b: unknown[],
  path: Path,
  place: Place,
  keys: { old: string[]; next: string[] },
): void {
  const at = (key: string): Place => ({
    ...place,
    ids: [...place.ids, key],
    jsonPath: `${place.jsonPath}[${key}]`,
  });
  const old = new Map(keys.old.map((k, i) => [k, i]));
  const kept = new Set(keys.next);
  keys.old.forEach((key, i) => {
    if (!kept.has(key)) walk(c, a[i], undefined, [...path, i], at(key));
  });
  keys.next.forEach((key, i) => {
    const j = keys.old[i] === key ? i : old.get(key);
    const item = j === undefined ? undefined : a[j];
    // Equal items are skipped before any name is built for them.
    if (!deepEqual(item, b[i])) walk(c, item, b[i], [...path, i], at(key));
  });
}

/**
 * The changes from `before` to `after` (two state documents; `before` null
 * for a first state), bounded and with secrets masked. Pure: neither
 * document is modified, and the result holds no reference into them.
 */
export function stateChanges(
  before: unknown,
  after: unknown,
  opts: ChangeOptions = {},
): StateChanges {
  const c = new Collector(
    opts.max ?? MAX_CHANGES,
    opts.maxValue ?? MAX_VALUE_CHARS,
    opts.secrets ? (path) => opts.secrets!.isSecretPath(path) : () => false,
  );
  const a = isObject(before) ? before : {};
  const b = isObject(after) ? after : {};
  walk(c, a, b, [], { entity: "state", field: [], ids: [], jsonPath: "" });
  return { changes: c.changes, omitted: c.omitted };
}
