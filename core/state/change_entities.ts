/**
 * How the change list (changes.ts) names what changed: by the ids the state
 * itself uses (`backend web-pool`, `server web-pool/web-1`, `frontend fe`,
 * `bind fe/127.0.0.1:80`, `acl is_beta`, `map hosts`, `error page 503`,
 * `global`), and which arrays are collections whose items pair by a key
 * rather than by position. A key the core does not know (a plugin's) is
 * named by its JSON path, `tls.certs[app]`, its array items paired by `id`
 * or `name` when every item has a distinct one.
 *
 * @module
 */

/** A location in a state document, as Zod's issue paths spell it. */
export type Path = readonly (string | number)[];

/** An item's key within its collection, or null: the array is not a collection. */
type KeyOf = (item: unknown) => string | null;

interface Rule {
  /** The path, `*` for an array index. */
  at: string[];
  /** The entity's name from the keys of the enclosing items (outermost first). */
  name: (ids: string[]) => string;
  /** For an item rule: the key that pairs old and new items. */
  key?: KeyOf;
}

function field(name: string): KeyOf {
  return (item) => {
    const v = (item as Record<string, unknown> | null)?.[name];
    return typeof v === "string" || typeof v === "number" ? String(v) : null;
  };
}

/** An error page is one per code and scope: `503`, or `503 (backend api)`. */
const errorPageKey: KeyOf = (item) => {
  const p = item as { code?: unknown; frontends?: unknown; backends?: unknown } | null;
  if (typeof p?.code !== "number") return null;
  const scope = [
    ...(Array.isArray(p.frontends) ? p.frontends.map((f) => `frontend ${f}`) : []),
    ...(Array.isArray(p.backends) ? p.backends.map((b) => `backend ${b}`) : []),
  ];
  return scope.length ? `${p.code} (${scope.join(", ")})` : String(p.code);
};

const RULES: Rule[] = [
  { at: ["haproxy", "global"], name: () => "global" },
  { at: ["haproxy", "defaults"], name: () => "defaults" },
  { at: ["haproxy", "stats"], name: () => "stats" },
  { at: ["haproxy", "frontends", "*"], key: field("id"), name: ([f]) => `frontend ${f}` },
  {
    at: ["haproxy", "frontends", "*", "binds", "*"],
    key: field("address"),
    name: ([f, a]) => `bind ${f}/${a}`,
  },
  { at: ["haproxy", "backends", "*"], key: field("id"), name: ([b]) => `backend ${b}` },
  {
    at: ["haproxy", "backends", "*", "servers", "*"],
    key: field("name"),
    name: ([b, s]) => `server ${b}/${s}`,
  },
  { at: ["haproxy", "resolvers", "*"], key: field("id"), name: ([r]) => `resolvers ${r}` },
  { at: ["acls", "*"], key: field("name"), name: ([a]) => `acl ${a}` },
  { at: ["maps", "*"], key: field("name"), name: ([m]) => `map ${m}` },
  { at: ["maps", "*", "entries", "*"], key: field("key"), name: ([m, k]) => `map ${m} key ${k}` },
  { at: ["errorPages", "*"], key: errorPageKey, name: ([p]) => `error page ${p}` },
];

function pattern(path: Path): string[] {
  return path.map((s) => typeof s === "number" ? "*" : s);
}

function ruleAt(at: string[]): Rule | undefined {
  return RULES.find((r) => r.at.length === at.length && r.at.every((s, i) => s === at[i]));
}

/** The keys of all items, or null when one has none or two share one. */
function keysOf(items: unknown[], key: KeyOf): string[] | null {
  const keys: string[] = [];
  const seen = new Set<string>();
  for (const item of items) {
    const k = key(item);
    if (k === null || seen.has(k)) return null;
    seen.add(k);
    keys.push(k);
  }
  return keys;
}

/**
 * How the items of the arrays `a` (old) and `b` (new) at `path` pair up
 * (each item's key, in order), or null when they do not (no key, a missing or repeated one): the arrays
 * are then compared as one value (rule lists, options, ACL values).
 */
export function collectionAt(
  path: Path,
  a: unknown[],
  b: unknown[],
): { old: string[]; next: string[] } | null {
  const rule = ruleAt([...pattern(path), "*"]);
  const candidates: KeyOf[] = rule?.key ? [rule.key] : [field("id"), field("name")];
  for (const key of candidates) {
    const old = keysOf(a, key);
    const next = old && keysOf(b, key);
    if (old && next) return { old, next };
    // A core collection's key is its only key; anything else is not one.
    if (rule) return null;
  }
  return null;
}

/**
 * The entity that begins at `path`, or null when the value there belongs to
 * the enclosing one. `ids` are the keys of the enclosing collection items,
 * `jsonPath` the path spelled with them (`tls.certs[app]`), the name of an
 * item of a collection no rule names.
 */
export function entityAt(path: Path, ids: string[], jsonPath: string): string | null {
  const rule = ruleAt(pattern(path));
  if (rule) return rule.name(ids);
  if (path.length === 1) return path[0] === "haproxy" ? null : String(path[0]);
  if (path.length === 2 && path[0] === "haproxy") return jsonPath;
  if (typeof path[path.length - 1] === "number") return jsonPath;
  return null;
}
