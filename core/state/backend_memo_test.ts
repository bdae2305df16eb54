// deno-lint-ignore-file no-explicit-any
import assert from "node:assert/strict";
import { BackendMemo } from "./backend_memo.ts";
import { composeStateSchema } from "./schema.ts";

function state(weight: number, extra: Record<string, unknown> = {}): any {
  return {
    haproxy: {
      frontends: [{ id: "fe", binds: [{ address: "127.0.0.1:8080" }], defaultBackend: "a" }],
      backends: [
        { id: "a", servers: [{ name: "s1", address: "127.0.0.1:9001", weight, check: false }] },
        { id: "b", servers: [{ name: "s1", address: "127.0.0.1:9002" }], ...extra },
      ],
    },
  };
}

Deno.test("BackendMemo - same verdicts, output and issue paths as the plain schema", () => {
  const plain = composeStateSchema({}, []);
  const memo = new BackendMemo();
  const remembered = composeStateSchema({}, [], memo);
  const inputs = [
    state(10),
    state(10), // a repeat: answered from the memo
    state(999), // out of range in backend 0
    state(10, { bogus: true }), // unknown key in backend 1
    state(10, { servers: [{ name: "x" }, { name: "x", address: "127.0.0.1:1" }] }),
    // The backends array itself (the memo's one loop in place of Zod's array).
    { haproxy: { ...state(1).haproxy, backends: "none" } },
    { haproxy: { ...state(1).haproxy, backends: [null, 7, state(1).haproxy.backends[0]] } },
    { haproxy: { ...state(999).haproxy, backends: [{ id: "a", x: 1 }, { servers: 1 }] } },
    { haproxy: { frontends: [], backends: undefined } },
  ];
  for (const input of inputs) {
    const a = plain.safeParse(input);
    const b = remembered.safeParse(input);
    assert.equal(b.success, a.success, JSON.stringify(input));
    if (a.success && b.success) assert.deepEqual(b.data, a.data);
    else assert.deepEqual(b.error!.issues, a.error!.issues);
  }
});

Deno.test("BackendMemo - a repeated backend is the remembered, frozen object", () => {
  const memo = new BackendMemo();
  const schema = composeStateSchema({}, [], memo);
  const first = schema.parse(state(10));
  const second = schema.parse(state(20)); // backend a changed, b did not
  assert.equal(second.haproxy.backends[1], first.haproxy.backends[1], "b comes from the memo");
  assert.notEqual(second.haproxy.backends[0], first.haproxy.backends[0]);
  assert.equal(second.haproxy.backends[0].servers[0].weight, 20);
  assert.ok(Object.isFrozen(second.haproxy.backends[1].servers[0]));
  assert.throws(() => {
    (second.haproxy.backends[1].servers[0] as any).weight = 1;
  }, TypeError);
});

Deno.test("BackendMemo - forgets backends the last two validations did not use", () => {
  const memo = new BackendMemo();
  const schema = composeStateSchema({}, [], memo);
  schema.parse(state(1));
  schema.parse(state(2));
  assert.equal(memo.size, 3, "a@1, a@2 and b");
  schema.parse(state(3));
  assert.equal(memo.size, 3, "a@1 is gone: a@2, a@3 and b remain");
  schema.parse(state(3));
  assert.equal(memo.size, 2, "a@3 and b");
});
