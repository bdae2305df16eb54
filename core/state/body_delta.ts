/**
 * A PUT body read as the current document with some of its backends changed.
 *
 * CI pipelines send back what `GET /api/state` gave them with a field or two
 * changed. At 100,000 servers parsing that 12.6 MB body costs ~100 ms, and
 * validating it ~300 ms more, since each of its 10,000 backends is a new
 * object whose JSON text must be rebuilt to find it in the backend memo.
 * But the body is mostly the very text the store holds: comparing the two
 * texts (natively, a chunk at a time) finds where they differ, and when
 * that region lies within the backends' texts, only the backends it spans
 * are parsed; every other value is the current state's own (validated,
 * frozen) object, which is what `PATCH` hands the pipeline too.
 *
 * It is exact, not a guess: with `[start, end)` the span in the current text
 * `C` from the first to the last backend the region touches, the body is
 * `C[0, start) + Y + C[end, …)`. `C[0, start)` ends with the backends' `[`
 * or a comma between two of them and `C[end, …)` starts with a comma or
 * their `]`, so the body is a JSON document exactly when `Y` is a non-empty,
 * comma-separated list of JSON values, that is when `[Y]` parses; then it
 * means `C` with those backends replaced by that list (which may be longer
 * or shorter: backends added or removed there). A change that leaves every
 * backend's text as it is (the defaults, a frontend, the ACLs) parses only
 * the text around them (see `aroundBackends`). Anything else (a change
 * spanning both, an empty `Y`, a body that does not parse) is left to the
 * whole parse, which gives every error its usual answer.
 *
 * @module
 */
import { commonPrefix, commonSuffix } from "../haproxy/cfg_region.ts";
import type { State } from "./schema.ts";
import { joinParts, type StateJsonParts } from "./state_json.ts";

/**
 * The document `text` stands for when it is the current document's text
 * with only backends' texts changed (see the module doc); null when it is
 * not (then parse it whole). The result shares every object but the
 * replaced backends with `current`, and must not be written to.
 */
export function documentFromText(
  text: string,
  current: State,
  parts: StateJsonParts,
): unknown | null {
  const known = joinParts(parts);
  if (text === known) return shallowDocument(current, null);
  const prefix = commonPrefix(known, text);
  const changedEnd = known.length - commonSuffix(known, text, prefix);
  const backendsStart = parts.head.length;
  const backendsEnd = known.length - parts.tail.length;
  if (parts.backends.length > 0 && (changedEnd <= backendsStart || prefix >= backendsEnd)) {
    // Every backend's text is as it was: only the text around them changed.
    const head = changedEnd <= backendsStart
      ? text.slice(0, text.length - (known.length - backendsStart))
      : parts.head;
    const tail = prefix >= backendsEnd ? text.slice(backendsEnd) : parts.tail;
    // Null when the change is at their edge (a backend added first or last): read below.
    const around = aroundBackends(head, tail, current);
    if (around) return around;
  }
  // The backends the differing region spans: from the last one starting at or before its
  // start to the first one ending at or after its end.
  let first = -1;
  let last = -1;
  let start = parts.head.length;
  let spanStart = 0;
  for (let i = 0; i < parts.backends.length; i++) {
    const end = start + parts.backends[i].text.length;
    if (start <= prefix) {
      first = i;
      spanStart = start;
    }
    if (changedEnd <= end) {
      last = i;
      if (first < 0 || first > last) return null;
      const spanEnd = end;
      const replaced = text.slice(spanStart, text.length - (known.length - spanEnd));
      if (replaced.trim() === "") return null;
      let values: unknown;
      try {
        values = JSON.parse(`[${replaced}]`);
      } catch {
        return null;
      }
      return shallowDocument(current, { first, last, values: values as unknown[] });
    }
    start = end + 1; // the comma
  }
  return null;
}

/**
 * Stands in for the backends' texts in {@link aroundBackends}: one JSON
 * string value, new for each read, so no body can hold it (a body that
 * did could put it where the split is not, e.g. under a repeated
 * `backends` key, which `JSON.parse` lets win).
 */
function placeholder(): string {
  return `\u0000patchpanel backends ${crypto.randomUUID()}\u0000`;
}

/**
 * The document `head + B + tail` stands for, B being the current backends'
 * texts: `head + "<placeholder>" + tail` parsed, with `current`'s backends where
 * the placeholder is. That is exact when the placeholder is the one value
 * anywhere in the parse and the only element of `haproxy.backends`: the
 * split then sits where an element list of that array goes, and B is such
 * a list, so the whole text parses to the same with B's values in the
 * array. Anything else (a head that leaves the split inside a string, in
 * another array, beside other elements, or that holds the placeholder
 * itself): null.
 */
function aroundBackends(head: string, tail: string, current: State): unknown | null {
  const split = placeholder();
  let doc: unknown;
  try {
    doc = JSON.parse(`${head}${JSON.stringify(split)}${tail}`);
  } catch {
    return null;
  }
  if (!isObject(doc) || !isObject(doc.haproxy)) return null;
  const backends = doc.haproxy.backends;
  if (!Array.isArray(backends) || backends.length !== 1 || backends[0] !== split) return null;
  if (placeholders(doc, split) !== 1) return null;
  return { ...doc, haproxy: { ...doc.haproxy, backends: current.haproxy.backends.slice() } };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** How many values in `value` are `split`. */
function placeholders(value: unknown, split: string): number {
  if (value === split) return 1;
  if (typeof value !== "object" || value === null) return 0;
  let n = 0;
  for (const v of Array.isArray(value) ? value : Object.values(value)) n += placeholders(v, split);
  return n;
}

/** `current` as a document to validate, with backends `first`–`last` replaced by `values`. */
function shallowDocument(
  current: State,
  replace: { first: number; last: number; values: unknown[] } | null,
): unknown {
  if (!replace) return { ...current };
  const backends: unknown[] = current.haproxy.backends.slice();
  backends.splice(replace.first, replace.last - replace.first + 1, ...replace.values);
  return { ...current, haproxy: { ...current.haproxy, backends } };
}
