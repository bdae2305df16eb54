// deno-lint-ignore-file no-explicit-any
/**
 * Each runtime-changeable field alone — a server's weight, `disabled`, its
 * address and port, a server added, a server removed, a file-backed ACL's
 * entries — is applied without a reload (same worker pid, same master
 * reload counter, `patchpanel-apply: runtime`, `applied: "runtime"` in the
 * audit), traffic follows it, and a forced reload of the written cfg then
 * runs exactly the same servers, field by field.
 */
import assert from "node:assert/strict";
import { freePort, startTestDaemon } from "./support/daemon.ts";
import { appState, bodies, runningRows, serveNamed } from "./support/live.ts";
import { assertReloadAgrees, lastApply, putRuntime } from "./support/runtime.ts";
import { adminStateOf } from "../core/haproxy/server_state.ts";
import { runtime } from "../plugins/runtime/mod.ts";

const uniq = (xs: string[]) => [...new Set(xs)].sort();

Deno.test("runtime apply - weight, disabled, address, add, remove: no reload, reload agrees", async () => {
  const a = serveNamed("a");
  const a2 = serveNamed("a2");
  const b = serveNamed("b");
  const c = serveNamed("c");
  const fe = freePort();
  const d = await startTestDaemon({
    state: appState(fe, [{ name: "a", address: a.address }, { name: "b", address: b.address }]),
  });
  try {
    let state = (await d.api("GET", "/api/state")).body;

    // Weight.
    state.haproxy.backends[0].servers[0].weight = 70;
    state = await putRuntime(d, state);
    assert.equal((await runningRows(d, "app")).get("a")!.srv_uweight, "70");
    const entry = await lastApply(d);
    assert.equal(entry.details.applied, "runtime");
    assert.equal(entry.outcome, "success");
    await assertReloadAgrees(d, "app");

    // disabled: on, then off again.
    state.haproxy.backends[0].servers[1].disabled = true;
    state = await putRuntime(d, state);
    assert.deepEqual(uniq(await bodies(fe, 4)), ["200 a"], "b is in maintenance");
    await assertReloadAgrees(d, "app");
    state.haproxy.backends[0].servers[1].disabled = false;
    state = await putRuntime(d, state);
    assert.deepEqual(uniq(await bodies(fe, 8)), ["200 a", "200 b"]);
    await assertReloadAgrees(d, "app");

    // Address and port.
    state.haproxy.backends[0].servers[0].address = a2.address;
    state = await putRuntime(d, state);
    assert.deepEqual(uniq(await bodies(fe, 12)), ["200 a2", "200 b"]);
    assert.equal((await runningRows(d, "app")).get("a")!.srv_port, String(a2.port));
    await assertReloadAgrees(d, "app");

    // A server added.
    state.haproxy.backends[0].servers.push({ name: "c", address: c.address, weight: 200 });
    state = await putRuntime(d, state);
    assert.ok(uniq(await bodies(fe, 24)).includes("200 c"));
    await assertReloadAgrees(d, "app");

    // A server removed.
    state.haproxy.backends[0].servers = state.haproxy.backends[0].servers.filter((s: any) =>
      s.name !== "c"
    );
    state = await putRuntime(d, state);
    assert.equal((await runningRows(d, "app")).has("c"), false);
    assert.deepEqual(uniq(await bodies(fe, 8)), ["200 a2", "200 b"]);
    await assertReloadAgrees(d, "app");

    // The written cfg is what runs: the drift check finds nothing.
    const drift = await d.api("GET", "/api/haproxy/drift");
    assert.equal(drift.status, 200, drift.text);
    assert.deepEqual(drift.body.mismatches, []);
  } finally {
    await d.stop();
    for (const s of [a, a2, b, c]) await s.close();
  }
});

Deno.test("runtime apply - a server added with a health check gets its check enabled", async () => {
  const a = serveNamed("a");
  const c = serveNamed("c");
  const fe = freePort();
  const d = await startTestDaemon({ state: appState(fe, [{ name: "a", address: a.address }]) });
  try {
    const state = (await d.api("GET", "/api/state")).body;
    state.haproxy.backends[0].healthCheck = { type: "tcp", interval: "1s", rise: 1, fall: 2 };
    // The backend's default-server line changes: a reload.
    const res = await d.api("PUT", "/api/state", state);
    assert.equal(res.headers.get("patchpanel-apply"), "reload");
    const next = res.body;
    next.haproxy.backends[0].servers.push({ name: "c", address: c.address, check: true });
    await putRuntime(d, next);
    const row = (await runningRows(d, "app")).get("c")!;
    // srv_check_state bit 0x2 (CHK_ST_ENABLED): the check runs, as after a reload.
    assert.ok(Number(row.srv_check_state) & 2, JSON.stringify(row));
    await assertReloadAgrees(d, "app");
  } finally {
    await d.stop();
    await a.close();
    await c.close();
  }
});

Deno.test("runtime apply - a file-backed ACL's entries change without a reload", async () => {
  const a = serveNamed("a");
  const fe = freePort();
  const state = appState(fe, [{ name: "a", address: a.address }], (s) => {
    s.acls = [{ name: "blocked", criterion: "src", file: true, values: ["127.0.0.31"] }];
    s.haproxy.frontends[0].httpRequest = [{ action: "deny", cond: "if blocked" }];
  });
  const d = await startTestDaemon({ state });
  try {
    let current = (await d.api("GET", "/api/state")).body;
    assert.deepEqual(uniq(await bodies(fe, 2)), ["200 a"]);
    current.acls[0].values = ["127.0.0.31", "127.0.0.1"];
    current = await putRuntime(d, current);
    assert.deepEqual(uniq(await bodies(fe, 2)).map((x) => x.slice(0, 3)), ["403"]);
    const file = `${d.paths.acls}/blocked.lst`;
    assert.equal(await Deno.readTextFile(file), "127.0.0.31\n127.0.0.1\n");
    const shown = await d.haproxy.admin(`show acl ${file}`);
    assert.ok(shown.ok && shown.output.includes("127.0.0.1"), JSON.stringify(shown));

    current.acls[0].values = ["127.0.0.32"];
    await putRuntime(d, current);
    assert.deepEqual(uniq(await bodies(fe, 2)), ["200 a"]);
    const after = await d.haproxy.admin(`show acl ${file}`);
    assert.ok(after.ok);
    assert.deepEqual(
      after.output.split("\n").filter((l) => l.startsWith("0x")).map((l) => l.split(" ")[1]),
      ["127.0.0.32"],
    );
    // A forced reload loads the written file: the same answers.
    const forced = await d.api("POST", "/api/haproxy/reload");
    assert.equal(forced.status, 200);
    assert.deepEqual(uniq(await bodies(fe, 2)), ["200 a"]);
  } finally {
    await d.stop();
    await a.close();
  }
});

Deno.test("runtime apply - a worker started from the server-state file runs what the runtime apply set", async () => {
  const a = serveNamed("a");
  const b = serveNamed("b");
  const b2 = serveNamed("b2");
  const fe = freePort();
  const d = await startTestDaemon({
    plugins: [runtime()],
    state: appState(fe, [{ name: "a", address: a.address }, { name: "b", address: b.address }]),
  });
  try {
    // A drain, then a reload-path apply: the server-state file now says b is drained.
    const drained = await d.api("POST", "/api/haproxy/servers/app/b/state", { state: "drain" });
    assert.equal(drained.status, 200, drained.text);
    let state = (await d.api("GET", "/api/state")).body;
    state.haproxy.backends.push({ id: "other", servers: [{ name: "x", address: a.address }] });
    const reloaded = await d.api("PUT", "/api/state", state);
    assert.equal(reloaded.headers.get("patchpanel-apply"), "reload", reloaded.text);
    assert.equal(
      adminStateOf(Number((await runningRows(d, "app")).get("b")!.srv_admin_state)),
      "drain",
    );
    // b's address changes at run time: its definition changed, so it is back in rotation.
    state = reloaded.body;
    state.haproxy.backends[0].servers[1].address = b2.address;
    await putRuntime(d, state);
    const rows = await runningRows(d, "app");
    assert.equal(adminStateOf(Number(rows.get("b")!.srv_admin_state)), "ready");
    // A worker started from the files on disk alone (a reload not made by an apply, as
    // `systemctl reload` would) must not bring the old drain back.
    const raw = await d.haproxy.reload();
    assert.ok(raw.ok, JSON.stringify(raw));
    const after = await runningRows(d, "app");
    assert.equal(adminStateOf(Number(after.get("b")!.srv_admin_state)), "ready");
    assert.equal(after.get("b")!.srv_port, String(b2.port));
    assert.ok(uniq(await bodies(fe, 8)).includes("200 b2"));
  } finally {
    await d.stop();
    for (const s of [a, b, b2]) await s.close();
  }
});
