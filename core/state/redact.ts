/**
 * Secrets in the state document (a webhook's signing secret, an SMTP
 * password) are stored in `state.json` (mode 600) but never sent back in
 * clear: every answer that carries a state (`GET /api/state`, the apply's
 * answer, a snapshot) shows {@link REDACTED} in their place, and a document
 * sent back with the marker keeps the stored value, so read-modify-PUT still
 * works for a caller who never saw the secret.
 *
 * Plugins name their secret fields as dotted path patterns (`Plugin.secrets`,
 * `*` for an array item or a map key). Array items are paired by their `id`
 * (or `name`), never by position, so a marker can only ever keep the secret
 * of the same entity.
 *
 * @module
 */
import { HttpError } from "../errors.ts";

/** What a redacted secret reads as; sending it back keeps the stored value. */
export const REDACTED = "__redacted__";

type Json = unknown;

/**
 * Redacts and restores the secret fields that plugins declare.
 *
 * Core machinery, reachable from a `Daemon` for tests and embedders;
 * not part of the plugin API (hence `@internal`: `deno doc` does not list it).
 *
 * @internal
 */
export class SecretRedactor {
  readonly #patterns: string[][];
  #cache = new WeakMap<object, string>();

  /** @param patterns dotted paths, e.g. `notifications.channels.*.config.secret`. */
  constructor(patterns: string[]) {
    this.#patterns = patterns.map((p) => p.split("."));
  }

  /** Whether any secret is declared at all (no: every method is the identity). */
  get active(): boolean {
    return this.#patterns.length > 0;
  }

  /** A copy of `doc` with every non-empty secret replaced by {@link REDACTED}. */
  redact<T>(doc: T): T {
    if (!this.active || !this.holdsSecret(doc)) return doc;
    const copy = structuredClone(doc);
    for (const p of this.#patterns) {
      visit(copy, p, (holder, key) => {
        const v = holder[key];
        if (typeof v === "string" && v !== "") holder[key] = REDACTED;
      });
    }
    return copy;
  }

  /**
   * The compact JSON a client may see for a state whose own JSON is `body`:
   * `body` itself when the state holds no secret (the common case costs one
   * walk of the secret paths), else the redacted document's JSON, computed
   * once per state object.
   */
  body(state: object, body: string): string {
    if (!this.active || !this.holdsSecret(state)) return body;
    let text = this.#cache.get(state);
    if (text === undefined) {
      text = JSON.stringify(this.redact(state));
      this.#cache.set(state, text);
    }
    return text;
  }

  /**
   * `input` with each {@link REDACTED} marker at a secret path replaced by the
   * value `current` holds for the same entity. A marker with no stored value
   * to keep is a 422 naming its path. `input` is not modified.
   */
  restore(input: Json, current: Json): Json {
    if (!this.active || !this.#hasMarker(input)) return input;
    const copy = structuredClone(input);
    const issues: { path: (string | number)[]; message: string }[] = [];
    for (const p of this.#patterns) {
      visitPaired(copy, current, p, [], (holder, key, old, path) => {
        if (holder[key] !== REDACTED) return;
        if (typeof old === "string" && old !== "") holder[key] = old;
        else {
          issues.push({
            path,
            message: `'${REDACTED}' keeps a stored secret, but there is none here; send the value`,
          });
        }
      });
    }
    if (issues.length) {
      throw new HttpError("ValidationError", "state failed validation", {
        error: "ValidationError",
        issues: issues.map((i) => ({ code: "custom", ...i })),
      });
    }
    return copy;
  }

  /**
   * Whether `path` (array indexes as numbers) is a declared secret's place:
   * the audit log's change list (changes.ts) asks it before copying a value.
   */
  isSecretPath(path: readonly (string | number)[]): boolean {
    return this.#patterns.some((p) =>
      p.length === path.length && p.every((s, i) => s === "*" || s === String(path[i]))
    );
  }

  /** Only the secret paths are walked: a PUT of a big state pays nothing for this. */
  #hasMarker(doc: unknown): boolean {
    let found = false;
    for (const p of this.#patterns) {
      visit(doc, p, (holder, key) => {
        if (holder[key] === REDACTED) found = true;
      });
      if (found) return true;
    }
    return false;
  }

  /** Whether `doc` holds a non-empty value at any secret path. */
  holdsSecret(doc: unknown): boolean {
    if (!this.active) return false;
    let found = false;
    for (const p of this.#patterns) {
      visit(doc, p, (holder, key) => {
        const v = holder[key];
        if (typeof v === "string" && v !== "") found = true;
      });
      if (found) return true;
    }
    return false;
  }
}

type Holder = Record<string | number, unknown>;

function isObject(v: unknown): v is Holder {
  return v !== null && typeof v === "object";
}

/** Calls `leaf(holder, key)` for every place `pattern` reaches in `node`. */
function visit(node: unknown, pattern: string[], leaf: (h: Holder, k: string | number) => void) {
  if (!isObject(node) || pattern.length === 0) return;
  const [head, ...rest] = pattern;
  const keys: (string | number)[] = head === "*"
    ? (Array.isArray(node) ? node.map((_, i) => i) : Object.keys(node))
    : [head];
  for (const key of keys) {
    if (!(key in node)) continue;
    if (rest.length === 0) leaf(node, key);
    else visit(node[key], rest, leaf);
  }
}

/** An array item's identity: its `id`, else its `name`; null when it has neither. */
function identity(item: unknown): string | null {
  if (!isObject(item)) return null;
  if (typeof item.id === "string") return `id:${item.id}`;
  if (typeof item.name === "string") return `name:${item.name}`;
  return null;
}

/** Like {@link visit}, walking `old` alongside, with array items paired by identity. */
function visitPaired(
  node: unknown,
  old: unknown,
  pattern: string[],
  path: (string | number)[],
  leaf: (h: Holder, k: string | number, old: unknown, path: (string | number)[]) => void,
) {
  if (!isObject(node) || pattern.length === 0) return;
  const [head, ...rest] = pattern;
  const pairs: [string | number, unknown][] = [];
  if (head === "*" && Array.isArray(node)) {
    const byId = new Map<string, unknown>();
    if (Array.isArray(old)) {
      for (const item of old) {
        const id = identity(item);
        if (id !== null && !byId.has(id)) byId.set(id, item);
      }
    }
    node.forEach((item, i) => {
      const id = identity(item);
      pairs.push([i, id === null ? undefined : byId.get(id)]);
    });
  } else {
    const keys = head === "*" ? Object.keys(node) : [head];
    for (const k of keys) {
      pairs.push([k, isObject(old) && !Array.isArray(old) ? old[k] : undefined]);
    }
  }
  for (const [key, o] of pairs) {
    if (!(key in node)) continue;
    if (rest.length === 0) leaf(node, key, o, [...path, key]);
    else visitPaired(node[key], o, rest, [...path, key], leaf);
  }
}
