// deno-lint-ignore-file no-explicit-any
import assert from "node:assert/strict";
import { joinParts, stateJson, stateJsonParts } from "./state_json.ts";
import { BackendMemo } from "./backend_memo.ts";
import { composeStateSchema } from "./schema.ts";

function core(weight: number): any {
  return {
    version: 1,
    haproxy: {
      frontends: [{ id: "fe", binds: [{ address: "127.0.0.1:8080" }], defaultBackend: "a" }],
      backends: [
        { id: "a", servers: [{ name: "s1", address: "127.0.0.1:9001", weight }] },
        { id: "b", balance: { algorithm: "hdr", args: ["Host"] }, servers: [] },
      ],
    },
  };
}

Deno.test("stateJson - members without JSON are left out as JSON.stringify does", () => {
  const odd: any = {
    version: 1,
    skipped: undefined,
    fn: () => 1,
    haproxy: { global: undefined, backends: [{ id: "a", servers: [] }], 'we"ird': [1, null] },
    tail: { nested: { deep: true } },
  };
  assert.equal(stateJson(odd, (b) => JSON.stringify(b)), JSON.stringify(odd));
  const bare: any = { haproxy: null, version: 1 };
  assert.equal(stateJson(bare, (b) => JSON.stringify(b)), JSON.stringify(bare));
});

Deno.test("BackendMemo.jsonOf - the remembered text is the backend's JSON, across applies", () => {
  const memo = new BackendMemo();
  const schema = composeStateSchema({}, [], memo);
  const asked: string[] = [];
  const json = (b: any) => {
    asked.push(b.id);
    return memo.jsonOf(b);
  };
  for (const weight of [10, 20, 10, 30]) {
    const state = schema.parse(core(weight));
    assert.equal(stateJson(state, json), JSON.stringify(state), `weight ${weight}`);
    // Asking twice gives the same text (the second from the memo).
    assert.equal(stateJson(state, json), JSON.stringify(state));
  }
  assert.deepEqual(asked.slice(0, 2), ["a", "b"]);
  // The text is kept: serializing a state again stringifies no backend.
  const state = schema.parse(core(30));
  stateJson(state, json);
  const original = JSON.stringify;
  let backendsStringified = 0;
  JSON.stringify = ((value: any, ...rest: any[]) => {
    if (value && typeof value === "object" && "servers" in value) backendsStringified++;
    return (original as any)(value, ...rest);
  }) as typeof JSON.stringify;
  try {
    assert.equal(stateJson(state, json), original(state));
  } finally {
    JSON.stringify = original;
  }
  assert.equal(backendsStringified, 0);
  // A backend the memo did not produce is serialized, not remembered by identity.
  const loose: any = { id: "x", servers: [] };
  assert.equal(memo.jsonOf(loose), JSON.stringify(loose));
  loose.id = "y";
  assert.equal(memo.jsonOf(loose), JSON.stringify(loose), "a mutable object is never cached");
});

Deno.test("stateJsonParts - head, one text per backend and tail make JSON.stringify's text", () => {
  const state = core(3);
  const parts = stateJsonParts(state, (b) => JSON.stringify(b));
  assert.equal(parts.backends.length, 2);
  assert.equal(parts.backends[1].value, state.haproxy.backends[1]);
  assert.ok(parts.head.endsWith('"backends":['));
  assert.ok(parts.tail.startsWith("]"));
  assert.equal(joinParts(parts), JSON.stringify(state));
  const none: any = { version: 1, haproxy: { backends: [], frontends: [] } };
  assert.equal(joinParts(stateJsonParts(none, JSON.stringify)), JSON.stringify(none));
  const odd: any = { version: 1, haproxy: { backends: "nope" } };
  assert.deepEqual(stateJsonParts(odd, JSON.stringify).backends, []);
  assert.equal(joinParts(stateJsonParts(odd, JSON.stringify)), JSON.stringify(odd));
});
