import assert from "node:assert/strict";
import { backendFact, serversWhere } from "./backend_facts.ts";
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
