// deno-lint-ignore-file no-explicit-any
import assert from "node:assert/strict";
import { applyJsonPatch, asJsonPatch } from "./patch.ts";
import { BackendMemo } from "./backend_memo.ts";
import { composeStateSchema } from "./schema.ts";
import { HttpError } from "../errors.ts";

function raw(backends: number): any {
  return {
    version: 1,
    haproxy: {
      frontends: [{ id: "fe", binds: [{ address: "127.0.0.1:8080" }], defaultBackend: "be-0" }],
      backends: Array.from({ length: backends }, (_, b) => ({
        id: `be-${b}`,
        servers: Array.from({ length: 3 }, (_, s) => ({
          name: `s${s}`,
          address: `127.0.0.1:${10000 + b * 10 + s}`,
          check: false,
        })),
      })),
    },
    acls: [],
  };
}

function failure(fn: () => unknown): HttpError {
  try {
    fn();
  } catch (error) {
    if (error instanceof HttpError) return error;
    throw error;
  }
  throw new Error("did not throw");
}

Deno.test("applyJsonPatch - changes a copy, shares what it does not reach, leaves the base", () => {
  const memo = new BackendMemo();
  const schema = composeStateSchema({}, [], memo);
  const live = schema.parse(raw(5));
  const before = JSON.stringify(live);
  const next = applyJsonPatch(live, [
    { op: "test", path: "/haproxy/backends/2/servers/1/name", value: "s1" },
    { op: "replace", path: "/haproxy/backends/2/servers/1/weight", value: 7 },
    { op: "add", path: "/haproxy/backends/3/servers/-", value: { name: "s9", address: "x:1" } },
  ]) as any;
  assert.equal(JSON.stringify(live), before, "the live state is untouched");
  assert.equal(next.haproxy.backends[2].servers[1].weight, 7);
  assert.equal(next.haproxy.backends[3].servers.length, 4);
  assert.equal(next.haproxy.backends[0], live.haproxy.backends[0], "untouched: the same object");
  assert.equal(next.haproxy.backends[2].servers[0], live.haproxy.backends[2].servers[0]);
  assert.notEqual(next.haproxy.backends[2], live.haproxy.backends[2]);
  assert.equal(next.haproxy.frontends, live.haproxy.frontends);
  assert.equal(Object.hasOwn(next, "toJSON"), false, "no placeholder left behind");
});

Deno.test("applyJsonPatch - a failed test or a bad path is a 409 naming the operation", () => {
  const live = composeStateSchema({}, []).parse(raw(2));
  const before = JSON.stringify(live);
  const test = failure(() =>
    applyJsonPatch(live, [
      { op: "replace", path: "/haproxy/backends/0/servers/0/weight", value: 3 },
      { op: "test", path: "/haproxy/backends/1/id", value: "nope" },
    ])
  );
  assert.equal(test.status, 409);
  assert.equal(test.body.operation, 1);
  assert.match(String(test.body.error), /operation 1 \(test/);
  assert.ok(String(test.body.error).length < 400, "the document is not in the message");
  const path = failure(() =>
    applyJsonPatch(live, [{ op: "replace", path: "/haproxy/backends/9/weight", value: 1 }])
  );
  assert.equal(path.status, 409);
  assert.equal(path.body.operation, 0);
  const remove = failure(() =>
    applyJsonPatch(live, [
      { op: "add", path: "/acls/-", value: { name: "a", criterion: "hdr(host)", values: [] } },
      { op: "remove", path: "/haproxy/nothing" },
    ])
  );
  assert.equal(remove.status, 409);
  assert.equal(remove.body.operation, 1);
  assert.equal(JSON.stringify(live), before, "nothing changed after the failures");
});

Deno.test("applyJsonPatch - copy and move take their value from the document; a missing from is a 409", () => {
  const live = composeStateSchema({}, []).parse(raw(2));
  const before = JSON.stringify(live);
  const next = applyJsonPatch(live, [
    { op: "copy", from: "/haproxy/backends/0/servers/0", path: "/haproxy/backends/1/servers/-" },
    { op: "move", from: "/haproxy/backends/0/servers/2", path: "/haproxy/backends/1/servers/0" },
  ]) as any;
  assert.deepEqual(next.haproxy.backends[1].servers.map((s: any) => s.address), [
    "127.0.0.1:10002",
    "127.0.0.1:10010",
    "127.0.0.1:10011",
    "127.0.0.1:10012",
    "127.0.0.1:10000",
  ]);
  assert.equal(next.haproxy.backends[0].servers.length, 2);
  assert.equal(JSON.stringify(live), before, "the live state is untouched");
  const missing = failure(() =>
    applyJsonPatch(live, [
      { op: "copy", from: "/haproxy/backends/7/servers/0", path: "/haproxy/backends/0/servers/-" },
    ])
  );
  assert.equal(missing.status, 409);
  assert.match(String(missing.body.error), /from a path that does not exist/);
  const target = failure(() =>
    applyJsonPatch(live, [{ op: "move", from: "/acls", path: "/haproxy/nothing/here" }])
  );
  assert.equal(target.status, 409);
  assert.equal(JSON.stringify(live), before, "nothing changed after the failures");
});

Deno.test("asJsonPatch - a body that is not a patch is a 400", () => {
  assert.equal(failure(() => asJsonPatch({ op: "add" })).status, 400);
  const bad = failure(() => asJsonPatch([{ op: "add", path: "/a", value: 1 }, { op: "frob" }]));
  assert.equal(bad.status, 400);
  assert.equal(bad.body.operation, 1);
  assert.equal(failure(() => asJsonPatch([{ op: "remove" }])).status, 400);
  const proto = failure(() =>
    applyJsonPatch({ a: {} }, asJsonPatch([{ op: "add", path: "/__proto__/x", value: 1 }]))
  );
  assert.equal(proto.status, 400);
});

Deno.test("incremental validation - a patch of one backend re-validates one backend", () => {
  const memo = new BackendMemo();
  const schema = composeStateSchema({}, [], memo);
  const live = schema.parse(raw(200));
  assert.equal(memo.parses, 200);
  const next = applyJsonPatch(live, [
    { op: "replace", path: "/haproxy/backends/150/servers/0/weight", value: 9 },
  ]);
  const validated = schema.parse(next);
  assert.equal(memo.parses, 201, "only the touched backend went through the schema");
  assert.equal(validated.haproxy.backends[150].servers[0].weight, 9);
  assert.equal(validated.haproxy.backends[10], live.haproxy.backends[10]);
  // The result equals a full validation of the same document.
  assert.deepEqual(validated, composeStateSchema({}, []).parse(JSON.parse(JSON.stringify(next))));
  // Adding one server parses one backend too.
  const added = applyJsonPatch(validated, [{
    op: "add",
    path: "/haproxy/backends/7/servers/-",
    value: { name: "new", address: "127.0.0.1:1", check: false },
  }]);
  schema.parse(added);
  assert.equal(memo.parses, 202);
});

Deno.test("incremental validation - still catches errors in the touched backend and cross references", () => {
  const memo = new BackendMemo();
  const schema = composeStateSchema({}, [], memo);
  const live = schema.parse(raw(20));
  // A backend the frontend still uses goes away: the cross-reference check runs on the whole state.
  const removed = schema.safeParse(
    applyJsonPatch(live, [{ op: "remove", path: "/haproxy/backends/0" }]),
  );
  assert.equal(removed.success, false);
  assert.match(JSON.stringify(removed.error!.issues), /backend 'be-0' does not exist/);
  // A duplicate server name across untouched servers of the touched backend.
  const duplicate = schema.safeParse(applyJsonPatch(live, [{
    op: "add",
    path: "/haproxy/backends/4/servers/-",
    value: { name: "s0", address: "127.0.0.1:2", check: false },
  }]));
  assert.equal(duplicate.success, false);
  assert.match(JSON.stringify(duplicate.error!.issues), /duplicate server 's0'/);
  // A bad value inside the touched backend is the schema's own issue, with its path.
  const bad = schema.safeParse(applyJsonPatch(live, [
    { op: "replace", path: "/haproxy/backends/3/servers/2/weight", value: 999 },
  ]));
  assert.equal(bad.success, false);
  assert.deepEqual(bad.error!.issues[0].path, ["haproxy", "backends", 3, "servers", 2, "weight"]);
});
