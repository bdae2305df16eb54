/**
 * When the runtime path cannot do it all, the same request reloads: a
 * weight change beside a new backend, a backend whose balance algorithm
 * takes no dynamic servers, and a runtime command HAProxy refuses midway
 * (the weight it had already set is taken back first). The answer and the
 * audit entry name the path that ran, and why the runtime one did not.
 */
import assert from "node:assert/strict";
import { freePort, startTestDaemon } from "./support/daemon.ts";
import { appState, bodies, runningRows, serveNamed } from "./support/live.ts";
import { currentWorker, lastApply } from "./support/runtime.ts";

const uniq = (xs: string[]) => [...new Set(xs)].sort();

Deno.test("runtime fallback - a weight plus a new backend reloads, and says so", async () => {
  const a = serveNamed("a");
  const fe = freePort();
  const d = await startTestDaemon({ state: appState(fe, [{ name: "a", address: a.address }]) });
  try {
    const state = (await d.api("GET", "/api/state")).body;
    const before = await currentWorker(d);
    state.haproxy.backends[0].servers[0].weight = 20;
    state.haproxy.backends.push({ id: "other", servers: [{ name: "o", address: a.address }] });
    const res = await d.api("PUT", "/api/state", state);
    assert.equal(res.status, 200, res.text);
    assert.equal(res.headers.get("patchpanel-apply"), "reload");
    assert.notEqual((await currentWorker(d)).pid, before.pid);
    const entry = await lastApply(d);
    assert.equal(entry.details.applied, "reload");
    assert.match(entry.details.runtimeFallback, /sections added or removed/);
    assert.equal((await runningRows(d, "app")).get("a")!.srv_uweight, "20");
    assert.ok((await runningRows(d, "other")).has("o"));
  } finally {
    await d.stop();
    await a.close();
  }
});

Deno.test("runtime fallback - static-rr takes no dynamic server: the add reloads", async () => {
  const a = serveNamed("a");
  const b = serveNamed("b");
  const fe = freePort();
  const d = await startTestDaemon({
    state: appState(fe, [{ name: "a", address: a.address }], (s) => {
      s.haproxy.backends[0].balance = { algorithm: "static-rr" };
    }),
  });
  try {
    const state = (await d.api("GET", "/api/state")).body;
    state.haproxy.backends[0].servers.push({ name: "b", address: b.address });
    const res = await d.api("PUT", "/api/state", state);
    assert.equal(res.status, 200, res.text);
    assert.equal(res.headers.get("patchpanel-apply"), "reload");
    assert.match((await lastApply(d)).details.runtimeFallback, /static-rr/);
    assert.deepEqual(uniq(await bodies(fe, 4)), ["200 a", "200 b"]);
  } finally {
    await d.stop();
    await a.close();
    await b.close();
  }
});

Deno.test("runtime fallback - a command HAProxy refuses midway is undone, then the request reloads", async () => {
  const a = serveNamed("a");
  const b = serveNamed("b");
  const c = serveNamed("c");
  const fe = freePort();
  const d = await startTestDaemon({
    state: appState(fe, [{ name: "a", address: a.address }, { name: "b", address: b.address }]),
  });
  try {
    const state = (await d.api("GET", "/api/state")).body;
    // Someone created app/c behind patchpanel's back: `add server app/c` will be refused
    // ("Already exists"), after the weight of a was already set at run time.
    const sneaked = await d.haproxy.admin(`add server app/c ${b.address}`);
    assert.ok(sneaked.ok && /New server registered/.test(sneaked.output), JSON.stringify(sneaked));
    const before = await currentWorker(d);
    const logMark = (await d.api("GET", "/api/audit?category=state")).body.entries.length;

    state.haproxy.backends[0].servers[0].weight = 30;
    state.haproxy.backends[0].servers.push({ name: "c", address: c.address });
    const res = await d.api("PUT", "/api/state", state);
    assert.equal(res.status, 200, res.text);
    assert.equal(res.headers.get("patchpanel-apply"), "reload");
    assert.notEqual((await currentWorker(d)).pid, before.pid, "the fallback reloaded");
    const entries = (await d.api("GET", "/api/audit?category=state")).body.entries;
    assert.equal(entries.length, logMark + 1, "one apply, audited once");
    assert.equal(entries[0].details.applied, "reload");
    assert.match(entries[0].details.runtimeFallback, /add server app\/c.*Already exists/);

    // The new worker runs the cfg: c at its declared address, a at its declared weight.
    const rows = await runningRows(d, "app");
    assert.equal(rows.get("a")!.srv_uweight, "30");
    assert.equal(rows.get("c")!.srv_port, String(c.port));
    const drift = await d.api("GET", "/api/haproxy/drift");
    assert.deepEqual(drift.body.mismatches, []);
  } finally {
    await d.stop();
    for (const s of [a, b, c]) await s.close();
  }
});
