import assert from "node:assert/strict";
import { flagsFromText, renameInCondition, usesOf, useText } from "./acls.ts";
import type { StateDoc } from "../edit_flow.ts";

Deno.test("flagsFromText - a flag keeps the word after it", () => {
  assert.deepEqual(flagsFromText(" -i  -m beg "), ["-i", "-m beg"]);
  assert.deepEqual(flagsFromText("-m sub -i"), ["-m sub", "-i"]);
  assert.deepEqual(flagsFromText(""), []);
});

Deno.test("renameInCondition - renames named uses only, negations kept, braces left alone", () => {
  assert.equal(renameInCondition("if a !a b", "a", "z"), "if z !z b");
  assert.equal(renameInCondition("unless ab || a", "a", "z"), "unless ab || z");
  assert.equal(renameInCondition("if { path a } a", "a", "z"), "if { path a } z");
});

Deno.test("usesOf - every rule list of every frontend", () => {
  const state = {
    haproxy: {
      frontends: [
        {
          id: "web",
          useBackends: [{ backend: "b", cond: "if x" }],
          httpRequest: [{ action: "deny" }, { action: "deny", cond: "unless !x" }],
          tcpRequest: [],
        },
        { id: "api", tcpRequest: [{ on: "content", action: "reject", cond: "if y x" }] },
      ],
      backends: [],
    },
    acls: [],
  } as unknown as StateDoc;
  assert.deepEqual(usesOf(state, "x").map(useText), [
    "frontend web, use_backend 1",
    "frontend web, http-request rule 2",
    "frontend api, tcp-request rule 1",
  ]);
  assert.deepEqual(usesOf(state, "nope"), []);
});
