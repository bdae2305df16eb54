/**
 * RFC 6902 JSON Patch applied to the live state without touching it.
 *
 * `PATCH /api/state` sends a few operations against a document that may
 * hold 100,000 servers. Cloning the whole state for each patch would cost
 * more than the change (and would give every backend a new identity, so the
 * backend memo would have to serialize and compare them all again). Instead,
 * before each operation the containers on its path (and on `from` for a
 * `move`) are copied shallowly, once per patch; the operation then runs in
 * place on those copies with `fast-json-patch`. Everything the patch does
 * not reach stays the very object the live state holds, which is what lets
 * validation skip it (backend_memo.ts) and the field-level authorization
 * walk past it (`a === b`).
 *
 * The live state is never written: it may be partly deep-frozen (the memo's
 * backends), and the store keeps serving it until the new one is confirmed.
 *
 * @module
 */
import jsonPatch, { type Operation } from "fast-json-patch";
import { badRequest, HttpError } from "../errors.ts";

// The package is CommonJS: its functions come through the default export.
const { applyOperation, getValueByPointer, JsonPatchError, validator } = jsonPatch;

/**
 * The library's validator, except that `move`/`copy` check their `from` on
 * the document itself: the library checks it on a JSON round trip of the
 * whole document, which the root's `toJSON` (kept so that errors do not
 * quote the state) turns into a string, and which would cost a copy of a
 * 100,000-server state per operation.
 */
function validate(
  op: Operation,
  index: number,
  document: unknown,
  existingPath: string,
): void {
  if ((op.op === "move" || op.op === "copy") && typeof op.from === "string") {
    let found: unknown;
    try {
      found = getValueByPointer(document, op.from);
    } catch {
      found = undefined;
    }
    if (found === undefined) {
      throw new JsonPatchError(
        "Cannot perform the operation from a path that does not exist",
        "OPERATION_FROM_UNRESOLVABLE",
        index,
        op,
        undefined,
      );
    }
    // The target is checked as an add's (its parent must exist).
    validator({ op: "add", path: op.path, value: null }, index, document, existingPath);
    return;
  }
  validator(op, index, document, existingPath);
}

/** The media type a JSON Patch body must be sent as (RFC 6902 §6). */
export const JSON_PATCH_TYPE = "application/json-patch+json";

const OPS = new Set(["add", "remove", "replace", "move", "copy", "test"]);

/**
 * fast-json-patch's names for a malformed operation (the patch document is
 * wrong whatever it is applied to: 400); every other failure is one of the
 * operation meeting this state (a path that does not resolve, a failed
 * `test`: 409).
 */
const MALFORMED = new Set([
  "SEQUENCE_NOT_AN_ARRAY",
  "OPERATION_NOT_AN_OBJECT",
  "OPERATION_OP_INVALID",
  "OPERATION_PATH_INVALID",
  "OPERATION_FROM_REQUIRED",
  "OPERATION_VALUE_REQUIRED",
  "OPERATION_VALUE_CANNOT_CONTAIN_UNDEFINED",
]);

/**
 * Checks that a parsed body is a JSON Patch: an array of operations, each
 * an object with a known `op` and a string `path`. Anything else is the
 * 400 `{error, operation}` naming the first bad operation's index.
 */
export function asJsonPatch(body: unknown): Operation[] {
  if (!Array.isArray(body)) {
    throw badRequest("a JSON Patch is an array of operations (RFC 6902)");
  }
  body.forEach((op, i) => {
    if (op === null || typeof op !== "object" || Array.isArray(op)) {
      throw badRequest(`patch operation ${i} is not an object`, { operation: i });
    }
    const { op: name, path } = op as Record<string, unknown>;
    if (typeof name !== "string" || !OPS.has(name)) {
      throw badRequest(
        `patch operation ${i}: op must be one of ${[...OPS].join(", ")}`,
        { operation: i },
      );
    }
    if (typeof path !== "string") {
      throw badRequest(`patch operation ${i}: path must be a JSON Pointer string`, {
        operation: i,
      });
    }
  });
  return body as Operation[];
}

/**
 * The document `patch` makes of `base`, sharing every object the patch
 * does not reach; `base` is left as it was. A failing operation throws
 * 409 `{error, operation}` (a path that does not resolve, a failed
 * `test`) or 400 (a malformed operation), with the operation's index.
 */
export function applyJsonPatch(base: unknown, patch: readonly Operation[]): unknown {
  const mine = new WeakSet<object>();
  const roots: object[] = [];
  let doc: unknown = ownRoot(base, mine, roots);
  try {
    for (let i = 0; i < patch.length; i++) {
      const op = patch[i];
      if (op.op !== "test") {
        doc = ownRoot(doc, mine, roots);
        if (op.op === "move") ownPath(doc, op.from, mine);
        ownPath(doc, op.path, mine);
      }
      try {
        // validate, mutate the (owned) containers in place, refuse __proto__ paths.
        doc = applyOperation(doc, op, validate, true, true, i).newDocument;
      } catch (error) {
        throw patchFailure(error, op, i);
      }
    }
  } finally {
    for (const root of roots) delete (root as { toJSON?: unknown }).toJSON;
  }
  return doc;
}

/** The 400 or 409 for operation `index` that failed with `error`. */
function patchFailure(error: unknown, op: Operation, index: number): HttpError {
  if (!(error instanceof JsonPatchError) && !(error instanceof TypeError)) throw error;
  const name = error instanceof JsonPatchError ? error.name : "OPERATION_PATH_INVALID";
  // The library's own messages repeat the whole operation (and, for some, the document).
  const reason = error.message.split("\n")[0];
  const message = `patch operation ${index} (${op.op} ${op.path}) does not apply: ${reason}`;
  if (MALFORMED.has(name) || error instanceof TypeError) {
    return badRequest(message, { operation: index });
  }
  return new HttpError("Conflict", message, { error: message, operation: index });
}

function shallow(value: object): object {
  return Array.isArray(value) ? value.slice() : { ...value };
}

/**
 * The patch's own copy of the root. fast-json-patch's errors pretty-print
 * the whole document into their message (twice); for a 100,000-server
 * state that is ~100 MB of text for one failed `test`. The copy therefore
 * serializes as a placeholder (a non-enumerable `toJSON`, which no walk
 * over its keys sees) until the patch is done.
 */
function ownRoot(doc: unknown, mine: WeakSet<object>, roots: object[]): unknown {
  if (doc === null || typeof doc !== "object" || mine.has(doc)) return doc;
  const copy = shallow(doc);
  Object.defineProperty(copy, "toJSON", {
    value: () => "(the state document)",
    enumerable: false,
    configurable: true,
  });
  mine.add(copy);
  roots.push(copy);
  return copy;
}

/**
 * Copies (once per patch) every container from the root down to the parent
 * of `pointer`'s last token, so an operation there writes only copies. Stops
 * quietly where the pointer leaves the document: the operation then fails
 * in fast-json-patch with its own error.
 */
function ownPath(doc: unknown, pointer: string | undefined, mine: WeakSet<object>): void {
  if (!pointer || !pointer.startsWith("/")) return;
  const tokens = pointer.slice(1).split("/").map((t) =>
    t.replaceAll("~1", "/").replaceAll("~0", "~")
  );
  let parent = doc as Record<string, unknown>;
  for (let t = 0; t < tokens.length - 1; t++) {
    if (parent === null || typeof parent !== "object") return;
    const key = tokens[t];
    if (!Object.hasOwn(parent, key)) return;
    const child = parent[key];
    if (child === null || typeof child !== "object") return;
    let owned = child as Record<string, unknown>;
    if (!mine.has(owned)) {
      owned = shallow(owned) as Record<string, unknown>;
      mine.add(owned);
      parent[key] = owned;
    }
    parent = owned;
  }
}
