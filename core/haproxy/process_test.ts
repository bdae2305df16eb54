import assert from "node:assert/strict";
import {
  EmbeddedHaproxy,
  type EmbeddedOptions,
  type HaproxyEvent,
  HaproxyStartError,
} from "./process.ts";
import { MasterClient } from "./master.ts";
import { isAlive } from "./stale.ts";
import {
  freePort,
  HAPROXY_BIN,
  httpGet,
  type Layout,
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

/** A "crashed daemon" left this one running in the background with our files. */
async function startOrphan(l: Layout): Promise<number> {
  const orphan = new Deno.Command(HAPROXY_BIN, {
    args: ["-W", "-D", "-S", l.masterSocket, "-f", l.cfgPath, "-p", l.pidFile],
    stdout: "null",
    stderr: "null",
  });
  assert.ok((await orphan.output()).success);
  // The daemonized master writes its pid file on its own time, after the launcher exits.
  const readPid = async () => Number((await Deno.readTextFile(l.pidFile).catch(() => "")).trim());
  assert.ok(await waitFor(async () => (await readPid()) > 0, 5000), "no pid file");
  const pid = await readPid();
  assert.ok(
    await waitFor(
      async () => (await new MasterClient(l.masterSocket).showProc())?.masterPid === pid,
      5000,
    ),
  );
  return pid;
}

const embeddedOn = (l: Layout, extra: Partial<EmbeddedOptions> = {}) =>
  new EmbeddedHaproxy({
    binary: HAPROXY_BIN,
    cfgPath: l.cfgPath,
    masterSocket: l.masterSocket,
    pidFile: l.pidFile,
    stopTimeoutMs: 2000,
    ...extra,
  });

Deno.test("EmbeddedHaproxy - start attaches to a running haproxy named by the pid file", async () => {
  const l = await layout();
  const port = freePort();
  await writeCfg(l, { frontendPort: port });
  const orphanPid = await startOrphan(l);
  const hx = embeddedOn(l);
  try {
    const info = await hx.start();
    assert.deepEqual(info, { attached: true, pid: orphanPid, replaced: null });
    assert.equal(hx.pid, orphanPid);
    assert.equal(await httpGet(port), "ok");
  } finally {
    await hx.stop();
  }
  assert.equal(await isAlive(orphanPid), false, "stop ends an attached master too");
  assert.deepEqual(await pidsMentioning(l.cfgPath), []);
  await Deno.remove(l.dir, { recursive: true });
});

Deno.test("EmbeddedHaproxy - start ends an orphan that does not answer and starts its own", async () => {
  const l = await layout();
  const port = freePort();
  await writeCfg(l, { frontendPort: port });
  const orphanPid = await startOrphan(l);
  Deno.kill(orphanPid, "SIGSTOP");
  const hx = embeddedOn(l);
  try {
    const info = await hx.start();
    assert.equal(info.attached, false);
    assert.equal(info.replaced, orphanPid);
    assert.notEqual(hx.pid, orphanPid);
    assert.equal(await isAlive(orphanPid), false);
    assert.equal((await hx.master.showProc())?.masterPid, hx.pid);
    assert.equal(await httpGet(port), "ok");
  } finally {
    await hx.stop();
  }
  assert.deepEqual(await pidsMentioning(l.cfgPath), []);
  await Deno.remove(l.dir, { recursive: true });
});

Deno.test("EmbeddedHaproxy - detach leaves HAProxy serving; the next one attaches and reads its log", async () => {
  const { l, hx, port } = await startEmbedded();
  const first = hx.pid!;
  await hx.detach();
  assert.equal(await isAlive(first), true, "detach does not stop HAProxy");
  assert.equal(await httpGet(port), "ok");
  const next = embeddedOn(l);
  try {
    const info = await next.start();
    assert.deepEqual(info, { attached: true, pid: first, replaced: null });
    // Output of a reload reaches the new supervisor through the log file.
    const mark = next.logMark();
    await Deno.writeTextFile(l.cfgPath, "global\n  frobnicate yes\n");
    const outcome = await next.master.reload({ timeoutMs: 5000 });
    assert.equal(outcome.ok, false);
    assert.ok(
      await waitFor(() => /frobnicate/.test(next.logSince(mark)), 5000),
      next.logSince(mark),
    );
  } finally {
    await next.stop();
  }
  assert.deepEqual(await pidsMentioning(l.cfgPath), []);
  await Deno.remove(l.dir, { recursive: true });
});

Deno.test("EmbeddedHaproxy - a master that stops answering is killed and restarted", async () => {
  const l = await layout();
  const port = freePort();
  await writeCfg(l, { frontendPort: port });
  const events: HaproxyEvent[] = [];
  const hx = embeddedOn(l, {
    onEvent: (e) => events.push(e),
    unresponsiveMs: 1000,
    probeMs: 200,
    backoff: { initialMs: 50 },
  });
  try {
    await hx.start();
    const first = hx.pid!;
    Deno.kill(first, "SIGSTOP");
    const back = await waitFor(() => events.some((e) => e.kind === "restarted"), 15_000);
    assert.ok(back, `no restart; events: ${JSON.stringify(events)}`);
    assert.ok(events.some((e) => e.kind === "unresponsive" && e.pid === first));
    assert.notEqual(hx.pid, first);
    assert.equal(await isAlive(first), false);
    assert.ok(await waitFor(async () => (await httpGet(port)) === "ok", 5000));
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
