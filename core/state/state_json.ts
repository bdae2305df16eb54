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
 * `JSON.stringify(state)`, except that `haproxy.backends` is assembled from
 * `backendJson`. Only the two outer levels are walked here; everything else
 * is `JSON.stringify`'s own output, so key order and the omission of
 * `undefined` members follow it exactly.
 */
export function stateJson(state: State, backendJson: BackendJson): string {
  return objectJson(
    state as unknown as Record<string, unknown>,
    (key, value) =>
      key === "haproxy" && isPlainObject(value)
        ? objectJson(
          value,
          (k, v) =>
            k === "backends" && Array.isArray(v)
              ? `[${v.map((b) => backendJson(b as BackendModel)).join(",")}]`
              : JSON.stringify(v),
        )
        : JSON.stringify(value),
  );
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
