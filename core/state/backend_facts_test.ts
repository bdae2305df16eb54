import assert from "node:assert/strict";
import { backendFact, backendsWith, serversWhere } from "./backend_facts.ts";
import type { BackendModel } from "./haproxy_schema.ts";

function backend(addresses: string[]): BackendModel {
  return {
    id: "b",
    servers: addresses.map((address, i) => ({ name: `s${i}`, address })),
  } as unknown as BackendModel;
}

Deno.test("backendFact - remembered for a frozen backend, computed anew for any other", () => {
  let computed = 0;
  const fact = serversWhere("dns", (s) => {
    computed++;
    return !/^\d/.test(s.address);
  });
  const open = backend(["127.0.0.1:1", "db.internal:5432"]);
  assert.deepEqual(backendFact(fact, open), [1]);
  open.servers[0].address = "cache.internal:1";
  assert.deepEqual(backendFact(fact, open), [0, 1], "an unfrozen backend may change between calls");
  const frozen = Object.freeze(backend(["a.internal:1", "127.0.0.1:2"]));
  computed = 0;
  assert.deepEqual(backendFact(fact, frozen), [0]);
  assert.deepEqual(backendFact(fact, frozen), [0]);
  assert.equal(computed, 2, "two servers, visited once");
});

Deno.test("backendsWith - the backends whose fact is not empty, reusing the last array's answers", () => {
  let computed = 0;
  const fact = serversWhere("dns", (s) => {
    computed++;
    return !/^\d/.test(s.address);
  });
  const ip = (n: number) => Object.freeze(backend([`127.0.0.${n}:1`]));
  const dns = Object.freeze(backend(["db.internal:1"]));
  const list = [ip(1), dns, ip(2), ip(3)];
  assert.deepEqual(backendsWith(fact, list), [1]);
  // A copy of the array sharing its backends: answered without reading any backend.
  computed = 0;
  assert.deepEqual(backendsWith(fact, [...list]), [1]);
  const fresh = Object.freeze(backend(["cache.internal:1"]));
  assert.deepEqual(backendsWith(fact, [list[0], ip(4), list[2], fresh]), [3], "changed ones anew");
  assert.deepEqual(backendsWith(fact, [fresh, ...list]), [0, 2], "shifted: each looked up");
  // An unfrozen backend is read every time: it may have changed since.
  const open = backend(["127.0.0.9:1"]);
  assert.deepEqual(backendsWith(fact, [open]), []);
  open.servers[0].address = "mail.internal:25";
  assert.deepEqual(backendsWith(fact, [open]), [0]);
});
