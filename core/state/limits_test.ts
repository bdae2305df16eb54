import assert from "node:assert/strict";
import { HttpError } from "../errors.ts";
import { assertWithinLimits, countState, DEFAULT_STATE_LIMITS, limitIssues } from "./limits.ts";
import { assertExplicitKeys, missingKeyIssues } from "./explicit.ts";

function stateWith(backends: number, serversEach: number, aclValues = 0): unknown {
  return {
    version: 1,
    haproxy: {
      backends: Array.from({ length: backends }, (_, b) => ({
        id: `b${b}`,
        servers: Array.from({ length: serversEach }, (_, s) => ({ name: `s${s}` })),
      })),
    },
    acls: [{ name: "a", values: Array.from({ length: aclValues }, (_, i) => `v${i}`) }],
  };
}

Deno.test("limits - counts backends, servers and ACL values of a raw document", () => {
  assert.deepEqual(countState(stateWith(3, 4, 5)), { backends: 3, servers: 12, aclValues: 5 });
  // Shapes the schema will refuse count as nothing, without throwing.
  for (const raw of [null, 1, "x", [], {}, { haproxy: { backends: "no" } }, { acls: [null] }]) {
    assert.deepEqual(countState(raw), { backends: 0, servers: 0, aclValues: 0 });
  }
});

Deno.test("limits - a document at a limit passes, one past it is a 422 naming the limit", () => {
  const limits = { servers: 10, backends: 2, aclValues: 3 };
  assert.deepEqual(limitIssues(stateWith(2, 5, 3), limits), []);
  const issues = limitIssues(stateWith(3, 5, 4), limits);
  assert.deepEqual(issues.map((i) => [i.limit, i.value, i.maximum]), [
    ["limits.backends", 3, 2],
    ["limits.servers", 15, 10],
    ["limits.aclValues", 4, 3],
  ]);
  assert.deepEqual(issues[1].path, ["haproxy", "backends"]);
  try {
    assertWithinLimits(stateWith(1, 11), limits);
    assert.fail("accepted");
  } catch (e) {
    assert.ok(e instanceof HttpError);
    assert.equal(e.status, 422);
    assert.match(String(e.body.error), /11 servers is more than limits\.servers \(10\)/);
    assert.equal((e.body.issues as unknown[]).length, 1);
  }
});

Deno.test("limits - 200,000 servers are refused by the default limit without validating", () => {
  const raw = stateWith(20, 10_000);
  const t0 = performance.now();
  assert.throws(() => assertWithinLimits(raw, DEFAULT_STATE_LIMITS), /200000 servers/);
  // Counting is a loop over arrays: far below any schema pass (reported, not asserted).
  console.log(`counted 200,000 servers in ${(performance.now() - t0).toFixed(1)} ms`);
});

Deno.test("explicit keys - version and haproxy must be present, the rest may default", () => {
  assert.deepEqual(missingKeyIssues({ version: 1, haproxy: {} }), []);
  assert.deepEqual(missingKeyIssues({}).map((i) => i.path), [["version"], ["haproxy"]]);
  assert.deepEqual(missingKeyIssues({ version: 1 }).map((i) => i.path), [["haproxy"]]);
  for (const raw of [null, [], 1, "s"]) {
    assert.deepEqual(missingKeyIssues(raw).map((i) => i.path), [[]]);
  }
  try {
    assertExplicitKeys({ version: 1 });
    assert.fail("accepted");
  } catch (e) {
    assert.ok(e instanceof HttpError);
    assert.equal(e.status, 422);
    assert.equal(e.body.error, "state is missing required key 'haproxy'");
    assert.equal((e.body.issues as { code: string }[])[0].code, "invalid_type");
  }
});
