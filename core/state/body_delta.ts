/**
 * A PUT body read as the current document with one backend changed.
 *
 * CI pipelines send back what `GET /api/state` gave them with a field or two
 * changed. At 100,000 servers parsing that 12.6 MB body costs ~100 ms, and
 * validating it ~300 ms more, since each of its 10,000 backends is a new
 * object whose JSON text must be rebuilt to find it in the backend memo.
 * But the body is mostly the very text the store holds: comparing the two
 * texts (natively, a chunk at a time) finds where they differ, and when
 * that region lies inside one backend's text, the body is exactly the
 * current document with that backend's text replaced. Only that backend is
 * parsed; every other value is the current state's own (validated,
 * frozen) object, which is what `PATCH` hands the pipeline too.
 *
 * It is exact, not a guess: the body is `C[0, start) + X + C[end, …)`, where
 * `[start, end)` is the backend's text in the current document `C`. That is
 * a JSON document exactly when `X` is one JSON value, and then it means `C`
 * with that backend replaced by `JSON.parse(X)`. Anything else (another
 * region, more than one value, a body that does not parse) is left to the
 * whole parse, which gives every error its usual answer.
 *
 * @module
 */
import { commonPrefix, commonSuffix } from "../haproxy/cfg_region.ts";
import type { State } from "./schema.ts";
import { joinParts, type StateJsonParts } from "./state_json.ts";

/**
 * The document `text` stands for when it is the current document's text
 * with at most one backend's text changed; null when it is not (then parse
 * it whole). The result shares every object but the changed backend with
 * `current`, and must not be written to.
 */
export function documentFromText(
  text: string,
  current: State,
  parts: StateJsonParts,
): unknown | null {
  const known = joinParts(parts);
  if (text === known) return shallowDocument(current, null);
  const prefix = commonPrefix(known, text);
  const suffix = commonSuffix(known, text, prefix);
  const changedEnd = known.length - suffix;
  let start = parts.head.length;
  for (let i = 0; i < parts.backends.length; i++) {
    const end = start + parts.backends[i].text.length;
    if (start > prefix) return null;
    if (prefix <= end && changedEnd <= end) {
      // The backend's text in the body: everything between the shared surroundings.
      const replaced = text.slice(start, text.length - (known.length - end));
      let value: unknown;
      try {
        value = JSON.parse(replaced);
      } catch {
        return null;
      }
      return shallowDocument(current, { index: i, value });
    }
    start = end + 1; // the comma
  }
  return null;
}

/** `current` as a document to validate, with one backend replaced. */
function shallowDocument(
  current: State,
  replace: { index: number; value: unknown } | null,
): unknown {
  if (!replace) return { ...current };
  const backends: unknown[] = current.haproxy.backends.slice();
  backends[replace.index] = replace.value;
  return { ...current, haproxy: { ...current.haproxy, backends } };
}
