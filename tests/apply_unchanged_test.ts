// deno-lint-ignore-file no-explicit-any
/**
 * An unchanged state is a no-op (no reload, no snapshot, one audit entry,
 * `patchpanel-apply: unchanged`), and the first state a daemon starts with
 * is snapshotted, so it can be restored.
 */
import assert from "node:assert/strict";
import { freePort, startTestDaemon, type TestDaemon } from "./support/daemon.ts";
import { appState, bodies, serveNamed } from "./support/live.ts";

async function currentWorker(d: TestDaemon): Promise<{ pid: number; reloads: number }> {
  const proc = await d.haproxy.showProc();
  assert.ok(proc);
  const worker = proc.workers.find((w) => w.reloads === 0);
  assert.ok(worker, JSON.stringify(proc));
  return { pid: worker.pid, reloads: proc.reloads };
}

Deno.test("unchanged - PUTting the live state again reloads nothing, snapshots nothing, audits once", async () => {
  const a = serveNamed("a");
  const fe = freePort();
  const d = await startTestDaemon({ state: appState(fe, [{ name: "a", address: a.address }]) });
  try {
    const current = await d.api("GET", "/api/state");
    const before = await currentWorker(d);
    const snaps = (await d.api("GET", "/api/snapshots")).body.snapshots;
    const audits = (await d.api("GET", "/api/audit?category=state")).body.entries.length;
    const cfg = await Deno.readTextFile(d.paths.cfg);

    const same = await d.api("PUT", "/api/state", current.body);
    assert.equal(same.status, 200, same.text);
    assert.equal(same.headers.get("patchpanel-apply"), "unchanged");
    assert.deepEqual(same.body, current.body);
    assert.equal(same.headers.get("etag"), current.headers.get("etag"));
    assert.deepEqual(await currentWorker(d), before, "same worker, same reload counter");
    assert.deepEqual((await d.api("GET", "/api/snapshots")).body.snapshots, snaps);
    assert.equal(await Deno.readTextFile(d.paths.cfg), cfg);
    const entries = (await d.api("GET", "/api/audit?category=state")).body.entries;
    assert.equal(entries.length, audits + 1);
    assert.equal(entries[0].action, "apply");
    assert.equal(entries[0].outcome, "unchanged");
    assert.deepEqual(uniq(await bodies(fe, 2)), ["200 a"]);

    // A real change reloads and says so (a weight alone would apply at run time, without a
    // reload: apply_runtime_fields_test.ts); a forced reload still reloads.
    const changed = structuredClone(current.body);
    changed.haproxy.defaults.timeouts.client = "11s";
    const res = await d.api("PUT", "/api/state", changed);
    assert.equal(res.status, 200, res.text);
    assert.equal(res.headers.get("patchpanel-apply"), "reload");
    assert.notEqual((await currentWorker(d)).pid, before.pid);
    assert.equal((await d.api("GET", "/api/snapshots")).body.snapshots.length, snaps.length + 1);
    const forced = await d.api("POST", "/api/haproxy/reload");
    assert.equal(forced.status, 200, forced.text);
    assert.equal((await currentWorker(d)).pid, forced.body.workerPid);
  } finally {
    await d.stop();
    await a.close();
  }
});

Deno.test("unchanged - a changed ACL file is not unchanged, even with an identical cfg", async () => {
  const a = serveNamed("a");
  const fe = freePort();
  const state = appState(fe, [{ name: "a", address: a.address }], (s) => {
    s.acls = [{ name: "blocked", criterion: "src", file: true, values: ["127.0.0.31"] }];
    s.haproxy.frontends[0].httpRequest = [{ action: "deny", cond: "if blocked" }];
  });
  const d = await startTestDaemon({ state });
  try {
    const current = (await d.api("GET", "/api/state")).body;
    const next = structuredClone(current);
    next.acls[0].values = ["127.0.0.32"];
    const res = await d.api("PUT", "/api/state", next);
    assert.equal(res.status, 200, res.text);
    // Applied, through the Runtime API (its entries are replaced without a reload).
    assert.equal(res.headers.get("patchpanel-apply"), "runtime");
  } finally {
    await d.stop();
    await a.close();
  }
});

Deno.test("seed snapshot - the first state is snapshotted at first start and can be restored", async () => {
  // `seed: true` binds the starter config's fixed ports (8080, 8404), which tests running in
  // parallel could hold; the empty first state takes the same path (state.json written at
  // first start, never applied).
  const d = await startTestDaemon();
  const a = serveNamed("a");
  try {
    const first = await d.api("GET", "/api/state");
    const list = (await d.api("GET", "/api/snapshots")).body.snapshots;
    assert.equal(list.length, 1);
    assert.equal(list[0].reason, "initial");
    assert.equal(list[0].actor, "system");
    const snap = await d.api("GET", `/api/snapshots/${list[0].id}`);
    assert.deepEqual(snap.body.state, first.body);

    const res = await d.api(
      "PUT",
      "/api/state",
      appState(freePort(), [{ name: "a", address: a.address }]),
    );
    assert.equal(res.status, 200, res.text);
    const restored = await d.api(
      "POST",
      `/api/snapshots/${list[0].id}/restore?allowDestructive=true`,
    );
    assert.equal(restored.status, 200, restored.text);
    assert.deepEqual((await d.api("GET", "/api/state")).body, first.body);
  } finally {
    await d.stop();
    await a.close();
  }
  // A restart of the same data directory adds no second "initial" snapshot.
  const again = await startTestDaemon({ dataDir: d.dataDir });
  try {
    const reasons = (await again.api("GET", "/api/snapshots")).body.snapshots.map((s: any) =>
      s.reason
    );
    assert.deepEqual(reasons.filter((r: string) => r === "initial"), ["initial"]);
  } finally {
    await again.stop();
    await Deno.remove(d.dataDir, { recursive: true });
  }
});

function uniq(xs: string[]): string[] {
  return [...new Set(xs)].sort();
}
