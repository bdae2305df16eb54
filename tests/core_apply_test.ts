// deno-lint-ignore-file no-explicit-any
/**
 * The apply pipeline end to end, on a real embedded HAProxy: traffic after
 * applies, refusals that change nothing (422, 502), a load-time failure
 * rolled back, plan, the cfg views, manual reload and the health probe.
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  type Backend,
  freePort,
  simpleState,
  startBackend,
  startTestDaemon,
  type TestDaemon,
} from "./support/daemon.ts";
import { fingerprint, hit, spread, teardown, withOneServer } from "./support/core_probe.ts";

async function closeAll(backends: Backend[]): Promise<void> {
  for (const b of backends) await b.close();
}

Deno.test("apply - traffic follows server and weight changes", async () => {
  const [a, b, c] = ["a", "b", "c"].map((n) => startBackend(n));
  const fe = freePort();
  let d: TestDaemon | null = null;
  try {
    d = await startTestDaemon({
      state: simpleState(fe, [{ name: "a", address: a.address }, {
        name: "b",
        address: b.address,
      }]),
    });
    assert.deepEqual(await spread(fe, 10), { a: 5, b: 5 });

    // Replace a by c.
    let res = await d.api(
      "PUT",
      "/api/state",
      simpleState(fe, [{ name: "b", address: b.address }, { name: "c", address: c.address }]),
    );
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(await spread(fe, 10), { b: 5, c: 5 });
    // Where the apply's time went, stage by stage, for operators and the benchmark.
    const timing = res.headers.get("server-timing") ?? "";
    const stages = [...timing.matchAll(/(\w+);dur=(\d+\.\d)/g)].map((m) => m[1]);
    // Replacing a server is a runtime apply (runtime_apply.ts): no swap-and-reload stages.
    assert.equal(res.headers.get("patchpanel-apply"), "runtime");
    for (const stage of ["parse", "validate", "render", "plan", "runtime", "check", "persist"]) {
      assert.ok(stages.includes(stage), `${stage} in ${timing}`);
    }

    // Weight 0 takes b out of rotation: everything goes to c.
    res = await d.api(
      "PUT",
      "/api/state",
      simpleState(fe, [
        { name: "b", address: b.address, weight: 0 },
        { name: "c", address: c.address, weight: 100 },
      ]),
    );
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.haproxy.backends[0].servers[0].weight, 0);
    assert.deepEqual(await spread(fe, 20), { c: 20 });

    // And back the other way.
    res = await d.api(
      "PUT",
      "/api/state",
      simpleState(fe, [
        { name: "b", address: b.address, weight: 100 },
        { name: "c", address: c.address, weight: 0 },
      ]),
    );
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(await spread(fe, 20), { b: 20 });
  } finally {
    await teardown(d);
    await closeAll([a, b, c]);
  }
});

Deno.test("apply - a 422 names the path and changes nothing", () =>
  withOneServer(async ({ d, fe, a }) => {
    const before = await fingerprint(d);
    const bad: any = simpleState(fe, [{ name: "a", address: a.address }]);
    bad.haproxy.frontends[0].useBackends = [{ backend: "missing", cond: "if TRUE" }];
    const res = await d.api("PUT", "/api/state", bad);
    assert.equal(res.status, 422, res.text);
    assert.equal(typeof res.body.error, "string");
    assert.deepEqual(res.body.issues.map((i: any) => i.path), [
      ["haproxy", "frontends", 0, "useBackends", 0, "backend"],
    ]);
    assert.equal(res.body.issues[0].code, "custom");

    // Zod's issues verbatim for a type error too.
    const typed: any = simpleState(fe, [{ name: "a", address: a.address, weight: 999 }]);
    const res2 = await d.api("PUT", "/api/state", typed);
    assert.equal(res2.status, 422);
    assert.deepEqual(res2.body.issues[0].path, ["haproxy", "backends", 0, "servers", 0, "weight"]);
    assert.equal(res2.body.issues[0].code, "too_big");

    assert.deepEqual(await fingerprint(d), before);
    assert.equal((await hit(fe)).body, "a");
    const audit = await d.api("GET", "/api/audit?category=state");
    const failures = audit.body.entries.filter((e: any) => e.outcome === "failure");
    assert.equal(failures.length, 2);
    assert.equal(failures[0].details.stage, "validate");
  }));

Deno.test("apply - a 502 from haproxy -c hints at the offending entity and changes nothing", () =>
  withOneServer(async ({ d, fe, a }) => {
    const before = await fingerprint(d);
    const bad: any = simpleState(fe, [{ name: "a", address: a.address }]);
    bad.haproxy.backends[0].rawDirectives = ["bogus-keyword on"];
    const res = await d.api("PUT", "/api/state", bad);
    assert.equal(res.status, 502, res.text);
    assert.equal(typeof res.body.error, "string");
    assert.match(res.body.output, /bogus-keyword/);
    const hint = res.body.hints.find((h: any) => /bogus-keyword/.test(h.message));
    assert.ok(hint, JSON.stringify(res.body.hints));
    assert.deepEqual(hint.entity, { kind: "backend", id: "app", name: "app" });
    assert.equal(hint.severity, "error");
    assert.equal(typeof hint.line, "number");

    assert.deepEqual(await fingerprint(d), before);
    await assert.rejects(Deno.stat(d.paths.cfgCandidate), Deno.errors.NotFound);
    const strays = [...Deno.readDirSync(d.dataDir)].filter((e) => e.name.includes(".tmp-"));
    assert.deepEqual(strays, [], "what was staged during the check is gone");
    // The first state (snapshotted at start) and the initial apply.
    assert.equal((await d.api("GET", "/api/snapshots")).body.snapshots.length, 2);
    assert.equal((await hit(fe)).body, "a");
    const audit = await d.api("GET", "/api/audit?category=state&limit=1");
    assert.equal(audit.body.entries[0].outcome, "failure");
    assert.equal(audit.body.entries[0].details.stage, "check");
  }));

Deno.test("apply - a config that fails at load is rolled back, still serves, and is audited", async () => {
  const a = startBackend("a");
  const fe = freePort();
  const held = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const heldPort = (held.addr as Deno.NetAddr).port;
  let d: TestDaemon | null = null;
  try {
    d = await startTestDaemon({
      config: { security: { allowRawDirectives: true } }, // the plan below uses a raw line
      state: simpleState(fe, [{ name: "a", address: a.address }]),
    });
    const before = await fingerprint(d);
    const snapshotsBefore = (await d.api("GET", "/api/snapshots")).body.snapshots;
    const next: any = simpleState(fe, [{ name: "a", address: a.address }]);
    next.haproxy.frontends.push({
      id: "fe-busy",
      binds: [{ address: `127.0.0.1:${heldPort}` }],
      defaultBackend: "app",
    });
    const res = await d.api("PUT", "/api/state", next);
    assert.equal(res.status, 502, res.text);
    assert.match(res.body.error, /rolled back/);
    assert.match(res.body.output, new RegExp(`${heldPort}`), res.body.output);
    assert.ok(Array.isArray(res.body.hints));

    const after = await fingerprint(d);
    assert.equal(after.cfg, before.cfg, "the old cfg is back in place");
    assert.equal(after.state, before.state, "state.json untouched");
    assert.ok(after.reloads >= before.reloads + 2, "failed reload, then the restoring reload");
    assert.equal((await d.haproxy.showProc())!.failed, 0, "the restoring reload loaded");
    assert.equal((await hit(fe)).body, "a", "the old config still serves");
    // What was staged during the check (state.json's successor, the snapshot) is gone.
    assert.deepEqual((await d.api("GET", "/api/snapshots")).body.snapshots, snapshotsBefore);
    const strays = [...Deno.readDirSync(d.dataDir)].filter((e) => e.name.includes(".tmp-"));
    assert.deepEqual(strays, [], "no staged files left in the data directory");

    const audit = await d.api("GET", "/api/audit?category=state");
    const actions = audit.body.entries.map((e: any) => `${e.action}:${e.outcome}`);
    assert.deepEqual(actions.slice(0, 2), ["apply:failure", "rollback:success"]);
    assert.equal(audit.body.entries[0].details.stage, "reload");

    // And the pipeline still works afterwards.
    const ok = await d.api(
      "PUT",
      "/api/state",
      simpleState(fe, [{ name: "a", address: a.address }]),
    );
    assert.equal(ok.status, 200, ok.text);
  } finally {
    held.close();
    await teardown(d);
    await a.close();
  }
});

Deno.test("plan - returns a diff and hints and changes nothing", () =>
  withOneServer(async ({ d, fe, a }) => {
    const before = await fingerprint(d);
    const snapshotsBefore = (await d.api("GET", "/api/snapshots")).body.snapshots.length;

    const next = simpleState(fe, [
      { name: "a", address: a.address },
      { name: "b", address: "127.0.0.2:9" },
    ]);
    const plan = await d.api("POST", "/api/state/plan", next);
    assert.equal(plan.status, 200, plan.text);
    assert.equal(plan.body.ok, true);
    assert.match(plan.body.diff, /^--- haproxy\.cfg/m);
    assert.match(plan.body.diff, /^\+\s+server b 127\.0\.0\.2:9 weight 100$/m);
    assert.deepEqual(plan.body.hints, []);

    const bad: any = simpleState(fe, [{ name: "a", address: a.address }]);
    bad.haproxy.frontends[0].rawDirectives = ["no-such-thing"];
    const refused = await d.api("POST", "/api/state/plan", bad);
    assert.equal(refused.status, 200);
    assert.equal(refused.body.ok, false);
    assert.ok(
      refused.body.hints.some((h: any) =>
        h.entity?.kind === "frontend" && h.entity.id === "fe-main"
      ),
      JSON.stringify(refused.body.hints),
    );

    const invalid = await d.api("POST", "/api/state/plan", { haproxy: { frontends: 1 } });
    assert.equal(invalid.status, 422);

    assert.deepEqual(await fingerprint(d), before);
    assert.equal((await d.api("GET", "/api/snapshots")).body.snapshots.length, snapshotsBefore);
    const dir = [...Deno.readDirSync(d.dataDir)].map((e) => e.name);
    assert.ok(!dir.some((n) => n.endsWith(".plan") || n.endsWith(".candidate")), dir.join(" "));
  }));

Deno.test("haproxy routes - cfg from disk and state, manual reload, health", () =>
  withOneServer(async ({ d, fe }) => {
    const disk = await d.api("GET", "/api/haproxy/cfg?source=disk");
    assert.equal(disk.status, 200);
    assert.equal(disk.text, await Deno.readTextFile(d.paths.cfg));
    assert.equal((await d.api("GET", "/api/haproxy/cfg")).text, disk.text, "disk is the default");
    const state = await d.api("GET", "/api/haproxy/cfg?source=state");
    assert.equal(state.text, disk.text, "after an apply, disk and state agree");
    const bad = await d.api("GET", "/api/haproxy/cfg?source=memory");
    assert.equal(bad.status, 400);
    assert.match(bad.body.error, /source/);

    const before = await d.haproxy.showProc();
    const reload = await d.api("POST", "/api/haproxy/reload");
    assert.equal(reload.status, 200, reload.text);
    const after = await d.haproxy.showProc();
    assert.equal(after!.reloads, before!.reloads + 1);
    assert.equal(reload.body.workerPid, after!.workers.find((w) => w.reloads === 0)!.pid);
    const audit = await d.api("GET", "/api/audit?category=haproxy&limit=1");
    assert.equal(audit.body.entries[0].action, "reload");
    assert.equal(audit.body.entries[0].outcome, "success");
    assert.equal((await hit(fe)).body, "a");

    const health = await d.api("GET", "/health");
    assert.equal(health.status, 200);
    assert.equal(health.body.ok, true);
    assert.equal(health.body.state, "initialized");
    assert.equal(health.body.haproxy.masterPid, after!.masterPid);
  }));

Deno.test("state - malformed JSON is a 400 and a corrupt state.json means 409 until fixed", async () => {
  let d: TestDaemon | null = await startTestDaemon();
  const dataDir = d.dataDir;
  try {
    const malformed = await d.api("PUT", "/api/state", "{not json");
    assert.equal(malformed.status, 400);
    assert.equal(typeof malformed.body.error, "string");
    await d.stop();
    d = null;
    await Deno.writeTextFile(`${dataDir}/state.json`, "{ torn");
    d = await startTestDaemon({ dataDir });
    assert.equal((await d.api("GET", "/api/state")).status, 409);
    const put = await d.api("PUT", "/api/state", {});
    assert.equal(put.status, 409);
    assert.equal(typeof put.body.error, "string");
    assert.equal((await d.api("GET", "/health")).body.state, "not-initialized");
  } finally {
    await teardown(d);
    await Deno.remove(dataDir, { recursive: true }).catch(() => {});
  }
});
