/**
 * The compact JSON of a validated state, with each backend's text supplied
 * by the caller.
 *
 * Every apply serializes the whole state once (`state.json`, the ETag, the
 * snapshot and the response are that one text). At 1,000 backends ×
 * 10 servers `JSON.stringify` spends ~2.5 ms, nearly all of it on backends
 * that the previous apply already serialized: the memo hands out the same
 * frozen backend objects (backend_memo.ts), so their text can be kept too.
 * The output is byte for byte `JSON.stringify(state)`; tests hold it to that.
 *
 * @module
 */
import type { State } from "./schema.ts";
import type { BackendModel } from "./haproxy_schema.ts";

/** A backend's JSON text, exactly as `JSON.stringify` writes it. */
export type BackendJson = (backend: BackendModel) => string;

/**
 * A state's compact JSON in three parts: everything before the backends'
 * texts (`head`, ending in `[`), each backend's text, and everything after
 * them (`tail`, from the `]`). `head + backends.join(",") + tail` is the
 * whole text. The parts let the ETag and the snapshot store work per
 * backend: a change to one backend of 10,000 hashes and stores one.
 */
export interface StateJsonParts {
  head: string;
  /** The backends, each with its text, in document order. */
  backends: { value: BackendModel; text: string }[];
  tail: string;
}

/** The whole text of {@link StateJsonParts}. */
export function joinParts(parts: StateJsonParts): string {
  let text = parts.head;
  for (let i = 0; i < parts.backends.length; i++) {
    text += (i ? "," : "") + parts.backends[i].text;
  }
  return text + parts.tail;
}

/**
 * Stands in for the backends while the rest is serialized. JSON text never
 * holds a raw NUL (`JSON.stringify` escapes it), so splitting there is exact.
 */
const HOLE = "\u0000backends\u0000";

/**
 * {@link stateJson}'s text in parts. A document whose `haproxy.backends` is
 * not an array has no backend parts: all of it is `head`.
 */
export function stateJsonParts(state: State, backendJson: BackendJson): StateJsonParts {
  let backends: BackendModel[] | null = null;
  const text = objectJson(
    state as unknown as Record<string, unknown>,
    (key, value) =>
      key === "haproxy" && isPlainObject(value)
        ? objectJson(value, (k, v) => {
          if (k !== "backends" || !Array.isArray(v) || backends) return JSON.stringify(v);
          backends = v as BackendModel[];
          return `[${HOLE}]`;
        })
        : JSON.stringify(value),
  );
  const found = backends as BackendModel[] | null;
  if (!found) return { head: text, backends: [], tail: "" };
  const at = text.indexOf(HOLE);
  return {
    head: text.slice(0, at),
    backends: found.map((value) => ({ value, text: backendJson(value) })),
    tail: text.slice(at + HOLE.length),
  };
}

/**
 * `JSON.stringify(state)`, except that `haproxy.backends` is assembled from
 * `backendJson`. Only the two outer levels are walked here; everything else
 * is `JSON.stringify`'s own output, so key order and the omission of
 * `undefined` members follow it exactly.
 */
export function stateJson(state: State, backendJson: BackendJson): string {
  return joinParts(stateJsonParts(state, backendJson));
}

/** An object's members as `JSON.stringify` writes them, each value's text from `member`. */
function objectJson(
  object: Record<string, unknown>,
  member: (key: string, value: unknown) => string | undefined,
): string {
  let out = "";
  for (const key of Object.keys(object)) {
    const text = member(key, object[key]);
    // JSON.stringify leaves out members whose value has no JSON (undefined, functions).
    if (text === undefined) continue;
    out += (out ? "," : "") + JSON.stringify(key) + ":" + text;
  }
  return `{${out}}`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value) &&
    typeof (value as { toJSON?: unknown }).toJSON !== "function";
}
