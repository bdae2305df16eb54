import assert from "node:assert/strict";
import { HaproxyClient } from "./client.ts";
import {
  freePort,
  HAPROXY_BIN,
  httpGet,
  type Running,
  startEmbedded,
  writeCfg,
} from "./test_support.ts";

function clientFor(r: Running, embedded = true): HaproxyClient {
  return new HaproxyClient({
    binary: HAPROXY_BIN,
    masterSocket: r.l.masterSocket,
    adminSocket: r.l.adminSocket,
    cfgPath: r.l.cfgPath,
    embedded: embedded ? r.hx : undefined,
  });
}

async function withBackend<T>(body: string, fn: (port: number) => Promise<T>): Promise<T> {
  const server = Deno.serve(
    { port: 0, hostname: "127.0.0.1", onListen: () => {} },
    () => new Response(body),
  );
  try {
    return await fn(server.addr.port);
  } finally {
    await server.shutdown();
  }
}

Deno.test("HaproxyClient - reload is confirmed with a new worker pid", async () => {
  await withBackend("v1", async (backendPort) => {
    const r = await startEmbedded({ backendPort });
    try {
      const client = clientFor(r);
      assert.equal(await httpGet(r.port), "v1");
      const before = await client.showProc();
      await writeCfg(r.l, { frontendPort: r.port, body: "v2" });
      assert.equal((await client.check(r.l.cfgPath)).ok, true);
      const outcome = await client.reload();
      assert.equal(outcome.ok, true, JSON.stringify(outcome));
      if (!outcome.ok) return;
      assert.ok(!before!.workers.some((w) => w.pid === outcome.workerPid));
      assert.equal(outcome.after.reloads, before!.reloads + 1);
      // A confirmed reload does not wait for HAProxy's log, which may not hold the line yet.
      assert.doesNotMatch(outcome.output, /Loading failure/);
      assert.equal(await httpGet(r.port), "v2");
    } finally {
      await r.hx.stop();
      await Deno.remove(r.l.dir, { recursive: true });
    }
  });
});

Deno.test("HaproxyClient - a config that fails at load is reported and the old worker serves", async () => {
  await withBackend("still here", async (backendPort) => {
    const r = await startEmbedded({ backendPort });
    const held = Deno.listen({ hostname: "127.0.0.1", port: freePort() });
    try {
      const client = clientFor(r);
      const heldPort = (held.addr as Deno.NetAddr).port;
      await writeCfg(r.l, { frontendPort: r.port, backendPort, extraBindPort: heldPort });
      assert.equal((await client.check(r.l.cfgPath)).ok, true, "haproxy -c accepts it");
      const outcome = await client.reload();
      assert.equal(outcome.ok, false);
      if (outcome.ok) return;
      assert.equal(outcome.kind, "failed");
      assert.equal(outcome.after?.failed, 1);
      assert.match(outcome.output, /cannot bind socket \(Address already in use\)/);
      assert.deepEqual(
        outcome.after?.workers.map((w) => w.pid),
        outcome.before?.workers.map((w) => w.pid),
      );
      assert.equal(await httpGet(r.port), "still here");
    } finally {
      held.close();
      await r.hx.stop();
      await Deno.remove(r.l.dir, { recursive: true });
    }
  });
});

Deno.test("HaproxyClient - attach mode reloads and reaches worker and master sockets", async () => {
  const r = await startEmbedded();
  try {
    const client = clientFor(r, false);
    const outcome = await client.reload();
    assert.equal(outcome.ok, true, JSON.stringify(outcome));
    assert.equal(outcome.output, "");
    const info = await client.admin("show info");
    assert.ok(info.ok && /^Name: HAProxy$/m.test(info.output));
    const viaMaster = await client.master("@1 show info");
    assert.ok(viaMaster.ok && /^Pid: \d+$/m.test(viaMaster.output));
    const both = await client.admin("show info;show servers state");
    assert.ok(both.ok && both.output.includes("Name: HAProxy") && both.output.includes("# be_id"));
  } finally {
    await r.hx.stop();
    await Deno.remove(r.l.dir, { recursive: true });
  }
});
