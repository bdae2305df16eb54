import assert from "node:assert/strict";
import { aclNamesIn, PREDEFINED_ACLS } from "./condition.ts";

Deno.test("aclNamesIn - reads a single named ACL", () => {
  assert.deepEqual(aclNamesIn("if is_api"), ["is_api"]);
});

Deno.test("aclNamesIn - strips negation and skips or-operators", () => {
  assert.deepEqual(aclNamesIn("if is_api !is_admin || is_v2 or !!trusted"), [
    "is_api",
    "is_admin",
    "is_v2",
    "trusted",
  ]);
});

Deno.test("aclNamesIn - skips anonymous ACLs in braces", () => {
  assert.deepEqual(aclNamesIn("if { path_beg /api } is_api { hdr(host) -i a.test }"), [
    "is_api",
  ]);
});

Deno.test("aclNamesIn - works for unless and with extra whitespace", () => {
  assert.deepEqual(aclNamesIn("  unless   host_ok    LOCALHOST "), ["host_ok", "LOCALHOST"]);
});

Deno.test("aclNamesIn - a condition with only anonymous ACLs names none", () => {
  assert.deepEqual(aclNamesIn("if { src 127.0.0.1 }"), []);
});

Deno.test("PREDEFINED_ACLS - holds HAProxy's built-in names", () => {
  for (const n of ["TRUE", "FALSE", "HTTP", "LOCALHOST", "METH_GET", "WAIT_END"]) {
    assert.ok(PREDEFINED_ACLS.has(n), n);
  }
  assert.ok(!PREDEFINED_ACLS.has("is_api"));
});
