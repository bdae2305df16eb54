// deno-lint-ignore-file no-explicit-any
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { stateDigest } from "./state_digest.ts";
import { stateJsonParts } from "./state_json.ts";

const sha = (text: string) => createHash("sha256").update(text).digest("hex");

Deno.test("stateDigest - SHA-256 of head, each backend's SHA-256 and a comma, and tail", () => {
  const backends = ["a", "b", "ü"].map((id) => Object.freeze({ id, servers: [{ name: "s" }] }));
  const state: any = { version: 1, haproxy: { frontends: [], backends }, acls: ["é"] };
  const parts = stateJsonParts(state, JSON.stringify);
  // The definition the ETags and snapshot ids have always had, spelled out.
  const expected = sha(
    parts.head + "\n" + backends.map((b) => sha(JSON.stringify(b)) + ",").join("") + "\n" +
      parts.tail,
  );
  assert.equal(stateDigest(parts), expected);
  assert.equal(stateDigest(parts), expected, "and again, from the remembered backend hashes");
  assert.notEqual(stateDigest(stateJsonParts({ ...state, acls: [] }, JSON.stringify)), expected);
});
