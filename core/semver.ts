/**
 * The small part of semantic versioning a plugin needs to say which
 * patchpanel it works with (`patchpanel: "^0.1"` in its definition):
 * comparators `>= > <= < =`, caret and tilde ranges, `x`/`*` wildcards and
 * partial versions, ANDed by spaces and ORed by `||`. Pre-release tags are
 * not ranked (patchpanel does not publish any).
 *
 * @module
 */

/** A version as three numbers. */
type Triple = [number, number, number];

/** One comparator: an operator and a full version. */
interface Comparator {
  op: ">=" | ">" | "<=" | "<" | "=";
  v: Triple;
}

/** A malformed version or range. */
export class SemverError extends Error {
  /** Builds the error for the text that did not parse. */
  constructor(message: string) {
    super(message);
    this.name = "SemverError";
  }
}

/** Parses `x.y.z` (a leading `v` and a `-pre`/`+build` suffix are ignored). */
export function parseVersion(text: string): Triple {
  const m = /^v?(\d+)\.(\d+)\.(\d+)(?:[-+].*)?$/.exec(text.trim());
  if (!m) throw new SemverError(`'${text}' is not a version (x.y.z)`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

/** Whether `version` lies in `range`; a malformed range is a {@link SemverError}. */
export function satisfies(version: string, range: string): boolean {
  const v = parseVersion(version);
  return parseRange(range).some((set) => set.every((c) => test(v, c)));
}

/** Parses a range into OR-ed sets of AND-ed comparators. */
export function parseRange(range: string): Comparator[][] {
  const sets = range.split("||").map((part) => part.trim());
  if (sets.some((s) => s === "") && sets.length > 1) {
    throw new SemverError(`'${range}' has an empty alternative`);
  }
  return sets.map((set) =>
    set === "" ? [] : set.split(/\s+/).flatMap((token) => comparators(token, range))
  );
}

function comparators(token: string, range: string): Comparator[] {
  const m = /^(\^|~|>=|<=|>|<|=)?v?(\d+|[xX*])(?:\.(\d+|[xX*]))?(?:\.(\d+|[xX*]))?(?:[-+]\S*)?$/
    .exec(token);
  if (!m) throw new SemverError(`'${token}' in '${range}' is not a version or comparator`);
  const op = m[1] ?? "=";
  const parts = [m[2], m[3], m[4]].map((p) => p === undefined || /^[xX*]$/.test(p) ? null : +p);
  // A wildcard ends the version: 1.x.3 is 1.x.
  const known = parts.indexOf(null) === -1 ? 3 : parts.indexOf(null);
  const [a, b, c] = [0, 1, 2].map((i) => (i < known ? parts[i]! : 0));
  const lower: Triple = [a, b, c];
  // The first version above the partial one: 1.2 → 1.3.0, 1 → 2.0.0.
  const next = (n: number): Triple =>
    n === 0 ? [Infinity, 0, 0] : n === 1 ? [a + 1, 0, 0] : n === 2 ? [a, b + 1, 0] : [a, b, c + 1];
  if (op === "^") {
    const first = lower.findIndex((x, i) => x !== 0 || i >= known - 1);
    return [{ op: ">=", v: lower }, { op: "<", v: next(Math.min(first, known - 1) + 1) }];
  }
  if (op === "~") return [{ op: ">=", v: lower }, { op: "<", v: next(Math.min(known, 2)) }];
  if (known === 0) return op === "<" || op === ">" ? [{ op: "<", v: [0, 0, 0] }] : [];
  if (op === "=") return [{ op: ">=", v: lower }, { op: "<", v: next(known) }];
  if (op === ">") return [{ op: ">=", v: next(known) }];
  if (op === "<=") return [{ op: "<", v: next(known) }];
  return [{ op: op as ">=" | "<", v: lower }];
}

function compare(a: Triple, b: Triple): number {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  return 0;
}

function test(v: Triple, c: Comparator): boolean {
  const d = compare(v, c.v);
  switch (c.op) {
    case ">=":
      return d >= 0;
    case ">":
      return d > 0;
    case "<=":
      return d <= 0;
    case "<":
      return d < 0;
    case "=":
      return d === 0;
  }
}
