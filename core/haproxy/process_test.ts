import assert from "node:assert/strict";
import { EmbeddedHaproxy, HaproxyStartError } from "./process.ts";
import {
  freePort,
  HAPROXY_BIN,
  httpGet,
  layout,
  pidsMentioning,
  startEmbedded,
  waitFor,
  writeCfg,
} from "./test_support.ts";

Deno.test("EmbeddedHaproxy - start serves and stop leaves no haproxy process", async () => {
  const { l, hx, port } = await startEmbedded({ body: "hello" });
  try {
    assert.equal(await httpGet(port), "hello");
    const proc = await hx.master.showProc();
    assert.equal(proc?.masterPid, hx.pid);
    assert.equal(proc?.workers.length, 1);
  } finally {
    await hx.stop();
  }
  assert.deepEqual(await pidsMentioning(l.cfgPath), []);
  assert.equal(await httpGet(port), null);
  await Deno.remove(l.dir, { recursive: true });
});

Deno.test("EmbeddedHaproxy - start rejects with kind exited and HAProxy's stderr", async () => {
  const l = await layout();
  await Deno.writeTextFile(l.cfgPath, "global\nfrontend f\n  bind 127.0.0.1:1\n  nonsense\n");
  const hx = new EmbeddedHaproxy({
    binary: HAPROXY_BIN,
    cfgPath: l.cfgPath,
    masterSocket: l.masterSocket,
    pidFile: l.pidFile,
  });
  const err = await hx.start().then(() => null, (e) => e);
  await hx.stop();
  assert.ok(err instanceof HaproxyStartError);
  assert.equal(err.kind, "exited");
  assert.match(err.output, /unknown keyword 'nonsense'/);
  assert.deepEqual(await pidsMentioning(l.cfgPath), []);
  await Deno.remove(l.dir, { recursive: true });
});

Deno.test("EmbeddedHaproxy - kill -9 of the master is restarted and reported", async () => {
  const { l, hx, events, port } = await startEmbedded();
  try {
    const first = hx.pid!;
    Deno.kill(first, "SIGKILL");
    const back = await waitFor(() => events.some((e) => e.kind === "restarted"), 10_000);
    assert.ok(back, `no restart; events: ${JSON.stringify(events)}`);
    assert.notEqual(hx.pid, first);
    assert.ok(events.some((e) => e.kind === "exited" && e.pid === first));
    assert.ok(await waitFor(async () => (await httpGet(port)) === "ok", 5000));
  } finally {
    await hx.stop();
  }
  assert.deepEqual(await pidsMentioning(l.cfgPath), []);
  await Deno.remove(l.dir, { recursive: true });
});

Deno.test("EmbeddedHaproxy - kill -9 of the worker recovers service", async () => {
  const { l, hx, events, port } = await startEmbedded();
  try {
    const worker = (await hx.master.showProc())!.workers[0].pid;
    Deno.kill(worker, "SIGKILL");
    assert.ok(await waitFor(() => events.some((e) => e.kind === "worker-died"), 5000));
    const served = await waitFor(async () => {
      const proc = await hx.master.showProc();
      return !!proc && proc.workers.some((w) => w.pid !== worker) &&
        (await httpGet(port)) === "ok";
    }, 10_000);
    assert.ok(served, `not serving again; events: ${JSON.stringify(events)}`);
  } finally {
    await hx.stop();
  }
  assert.deepEqual(await pidsMentioning(l.cfgPath), []);
  await Deno.remove(l.dir, { recursive: true });
});

Deno.test("EmbeddedHaproxy - start ends a stale haproxy named by the pid file", async () => {
  const l = await layout();
  const port = freePort();
  await writeCfg(l, { frontendPort: port });
  // A "crashed daemon" left this one running in the background with our files.
  const orphan = new Deno.Command(HAPROXY_BIN, {
    args: ["-W", "-D", "-S", l.masterSocket, "-f", l.cfgPath, "-p", l.pidFile],
    stdout: "null",
    stderr: "null",
  });
  assert.ok((await orphan.output()).success);
  // The daemonized master writes its pid file on its own time, after the launcher exits.
  const readPid = async () => Number((await Deno.readTextFile(l.pidFile).catch(() => "")).trim());
  assert.ok(await waitFor(async () => (await readPid()) > 0, 5000), "no pid file");
  const stalePid = await readPid();
  const hx = new EmbeddedHaproxy({
    binary: HAPROXY_BIN,
    cfgPath: l.cfgPath,
    masterSocket: l.masterSocket,
    pidFile: l.pidFile,
  });
  try {
    await hx.start();
    assert.notEqual(hx.pid, stalePid);
    assert.equal((await hx.master.showProc())?.masterPid, hx.pid);
    assert.equal(await httpGet(port), "ok");
  } finally {
    await hx.stop();
  }
  assert.deepEqual(await pidsMentioning(l.cfgPath), []);
  await Deno.remove(l.dir, { recursive: true });
});

Deno.test("EmbeddedHaproxy - failing restarts back off, then recover", async () => {
  const { l, hx, events, port } = await startEmbedded();
  const good = await Deno.readTextFile(l.cfgPath);
  const times: number[] = [];
  try {
    await Deno.writeTextFile(l.cfgPath, "global\n  frobnicate yes\n");
    Deno.kill(hx.pid!, "SIGKILL");
    const failing = await waitFor(() => {
      const n = events.filter((e) => e.kind === "exited").length;
      if (n > times.length) times.push(Date.now());
      return n >= 4;
    }, 10_000);
    assert.ok(failing, JSON.stringify(events));
    // 50, 100, 200 ms apart (plus start-up time): each gap longer than the last.
    assert.ok(times[3] - times[2] > times[2] - times[1], `gaps ${times}`);
    assert.ok(!events.some((e) => e.kind === "restarted"));
    await Deno.writeTextFile(l.cfgPath, good);
    assert.ok(await waitFor(() => events.some((e) => e.kind === "restarted"), 5000));
    assert.equal(await httpGet(port), "ok");
  } finally {
    await hx.stop();
  }
  assert.deepEqual(await pidsMentioning(l.cfgPath), []);
  await Deno.remove(l.dir, { recursive: true });
});
