import assert from "node:assert/strict";
import { HttpError } from "../errors.ts";
import {
  assertNotDestructive,
  destructiveReason,
  removals,
  type Topology,
  topologyOf,
} from "./destructive.ts";

function topo(frontends: string[], backends: Record<string, string[]>): Topology {
  return {
    haproxy: {
      frontends: frontends.map((id) => ({ id })),
      backends: Object.entries(backends).map(([id, servers]) => ({
        id,
        servers: servers.map((name) => ({ name })),
      })),
    },
  };
}

const current = topo(["fe1", "fe2"], { app: ["a", "b", "c"], api: ["x"] });

Deno.test("destructive - counts removed frontends, backends and servers by identity", () => {
  assert.deepEqual(removals(current, current), { frontends: 0, backends: 0, servers: 0 });
  assert.deepEqual(removals(current, topo(["fe1"], { app: ["a", "b"], web: ["x"] })), {
    frontends: 1,
    backends: 1,
    servers: 2, // app/c, and api/x (its backend is gone: a renamed backend loses its servers)
  });
  assert.deepEqual(removals(current, topo([], {})), { frontends: 2, backends: 2, servers: 4 });
});

Deno.test("destructive - every frontend, every backend, or more than the share of servers", () => {
  assert.equal(destructiveReason(current, current, 0.5), null);
  assert.match(destructiveReason(current, topo([], currentBackends()), 0.5)!, /every frontend/);
  assert.match(destructiveReason(current, topo(["fe1"], {}), 0.5)!, /every backend/);
  // 2 of 4 servers is exactly the share: allowed; 3 of 4 is more.
  assert.equal(destructiveReason(current, topo(["fe1"], { app: ["a"], api: ["x"] }), 0.5), null);
  assert.match(
    destructiveReason(current, topo(["fe1"], { app: ["a"] }), 0.5)!,
    /removes 3 of 4 servers/,
  );
  // A server replaced by another keeps the count: not destructive (a rolling replacement).
  assert.equal(
    destructiveReason(current, topo(["fe1"], { app: ["d", "e", "f"], api: ["y"] }), 0.5),
    null,
  );
  // Share 1 turns the server rule off; adding things is never destructive.
  assert.equal(destructiveReason(current, topo(["fe1"], { app: [], api: [] }), 1), null);
  assert.equal(destructiveReason(topo([], {}), current, 0), null);
});

Deno.test("destructive - the refusal is a 409 with the counts", () => {
  try {
    assertNotDestructive(current, topo([], {}), 0.5, "this PUT");
    assert.fail("accepted");
  } catch (e) {
    assert.ok(e instanceof HttpError);
    assert.equal(e.status, 409);
    assert.match(String(e.body.error), /^this PUT removes every frontend.*allowDestructive=true/);
    assert.deepEqual(e.body.removes, { frontends: 2, backends: 2, servers: 4 });
  }
});

function currentBackends(): Record<string, string[]> {
  return { app: ["a", "b", "c"], api: ["x"] };
}

Deno.test("destructive - a raw document's topology: missing lists are empty, odd shapes absent", () => {
  assert.deepEqual(topologyOf({}), { haproxy: { frontends: [], backends: [] } });
  assert.deepEqual(topologyOf(null), { haproxy: { frontends: [], backends: [] } });
  const t = topologyOf({
    haproxy: { frontends: [{ id: "fe" }], backends: [{ id: "b", servers: [{ name: "s" }] }] },
  });
  assert.deepEqual(removals(t, t), { frontends: 0, backends: 0, servers: 0 });
  assert.deepEqual(removals(t, topologyOf({ haproxy: { frontends: "x" } })), {
    frontends: 1,
    backends: 1,
    servers: 1,
  });
});
