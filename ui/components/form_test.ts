import assert from "node:assert/strict";
import { issuesByField } from "./form.ts";

Deno.test("issuesByField - issues under the entity's prefix become field names", () => {
  const errors = issuesByField([
    { path: ["haproxy", "backends", 2, "servers", 0, "address"], message: "bad address" },
    { path: ["haproxy", "backends", 2, "id"], message: "bad id" },
    { path: ["haproxy", "frontends", 0, "defaultBackend"], message: "missing backend" },
  ], ["haproxy", "backends", 2]);
  assert.deepEqual(errors["servers.0.address"], ["bad address"]);
  assert.deepEqual(errors.id, ["bad id"]);
  assert.deepEqual(errors[""], ["haproxy.frontends.0.defaultBackend: missing backend"]);
});
