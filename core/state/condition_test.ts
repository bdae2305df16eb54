import assert from "node:assert/strict";
import { dataPaths } from "../paths.ts";
import { aclNamesIn, conditionProblems, PREDEFINED_ACLS } from "./condition.ts";
import { Confinement } from "./confine.ts";

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

const DATA = "/var/lib/pp-condition-test";
const ctx = { confinement: new Confinement(dataPaths(DATA)), luaNames: new Set<string>() };

Deno.test("conditionProblems - ordinary conditions pass", () => {
  for (
    const c of [
      "if is_api !is_admin",
      "if { path_beg /api } || METH_OPTIONS",
      "if { hdr(host) -i -m beg api. }",
      `if { src -f ${DATA}/acls/blocked.lst }`,
      "if { sc_http_req_rate(0,be-sticky) gt 100 }",
      `unless { req.hdr(host),map_str(${DATA}/maps/h.map) -m found }`,
      'if { hdr(x) "a b" }',
    ]
  ) assert.deepEqual(conditionProblems(c, ctx), [], c);
});

Deno.test("conditionProblems - pattern and map files must be inside the data dir", () => {
  assert.match(
    conditionProblems("if { src -f /etc/passwd }", ctx)[0],
    /-f.*\/etc\/passwd.*outside/,
  );
  assert.match(conditionProblems(`if { src -f ${DATA}/../x }`, ctx)[0], /outside/);
  assert.match(conditionProblems("if { src -i -f rel.lst }", ctx)[0], /must be absolute/);
  assert.match(
    conditionProblems("if { hdr(host),map(/etc/shadow) -m found }", ctx)[0],
    /map file of 'map'/,
  );
  assert.match(conditionProblems(`if { src -f ${DATA}/tls/key.pem }`, ctx)[0], /own files/);
});

Deno.test("conditionProblems - lua, env, unknown flags, comments and open braces are refused", () => {
  assert.match(
    conditionProblems("if { lua.check -m found }", ctx)[0],
    /'lua.check' is not registered/,
  );
  assert.match(conditionProblems("if { env(HOME) -m found }", ctx)[0], /env\(\)/);
  assert.match(conditionProblems("if { src -z 1 }", ctx)[0], /unknown ACL flag '-z'/);
  assert.match(conditionProblems("if TRUE # x", ctx)[0], /'#'/);
  assert.match(conditionProblems("if { src 1.2.3.4", ctx)[0], /not closed/);
});
