import assert from "node:assert/strict";
import { freePort, simpleState, startBackend, startTestDaemon, through } from "./support/daemon.ts";

Deno.test("apply - traffic flows through HAProxy to a loopback backend", async () => {
  const a = startBackend("a");
  const fe = freePort();
  const d = await startTestDaemon({ state: simpleState(fe, [{ name: "a", address: a.address }]) });
  try {
    const r = await through(fe);
    assert.equal(r.status, 200);
    assert.equal(r.body, "a");
  } finally {
    await d.stop();
    await a.close();
  }
});

Deno.test("state schema - served as JSON Schema with the core keys", async () => {
  const d = await startTestDaemon();
  try {
    const r = await d.api("GET", "/api/state/schema");
    assert.equal(r.status, 200);
    assert.ok(r.body.properties.haproxy);
    assert.ok(r.body.properties.acls);
  } finally {
    await d.stop();
  }
});
