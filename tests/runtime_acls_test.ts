// deno-lint-ignore-file no-explicit-any
import assert from "node:assert/strict";
import { runtime } from "../plugins/runtime/mod.ts";
import { freePort, startBackend, startTestDaemon, through } from "./support/daemon.ts";

/** Two frontends that both route `is_beta` (inline) and `vip` (file-backed) to backend vip. */
function aclState(fe1: number, fe2: number, app: string, vip: string) {
  const frontend = (id: string, port: number) => ({
    id,
    binds: [{ address: `127.0.0.1:${port}` }],
    useBackends: [
      { backend: "vip", cond: "if vip" },
      { backend: "vip", cond: "if is_beta" },
    ],
    defaultBackend: "app",
  });
  return {
    version: 1,
    haproxy: {
      defaults: { mode: "http", timeouts: { connect: "2s", client: "10s", server: "10s" } },
      frontends: [frontend("fe-one", fe1), frontend("fe-two", fe2)],
      backends: [
        { id: "app", servers: [{ name: "a", address: app, check: false }] },
        { id: "vip", servers: [{ name: "v", address: vip, check: false }] },
      ],
    },
    acls: [
      { name: "is_beta", criterion: "hdr(x-beta)", values: ["yes"] },
      { name: "vip", criterion: "hdr(x-vip)", file: true, values: [] },
    ],
  };
}

Deno.test("runtime acls - an inline ACL entry changes routing in every frontend, runtime-only", async () => {
  const app = startBackend("app");
  const vip = startBackend("vip");
  const fe1 = freePort();
  const fe2 = freePort();
  const d = await startTestDaemon({
    plugins: [runtime()],
    state: aclState(fe1, fe2, app.address, vip.address),
  });
  try {
    const beta = (port: number, v: string) => through(port, "/", { "x-beta": v });
    assert.equal((await beta(fe1, "maybe")).body, "app");
    const added = await d.api("POST", "/api/runtime/acls/is_beta/entries", { value: "maybe" });
    assert.equal(added.status, 200, added.text);
    assert.equal(added.body.persisted, false);
    assert.match(added.body.note, /runtime-only/);
    assert.equal(added.body.runtimeIds.length, 2, "declared in two frontends");
    assert.equal((await beta(fe1, "maybe")).body, "vip");
    assert.equal((await beta(fe2, "maybe")).body, "vip");

    const entries = await d.api("GET", "/api/runtime/acls/0/entries");
    assert.equal(entries.status, 200);
    assert.deepEqual(entries.body.entries.sort(), ["maybe", "yes"]);
    const list = await d.api("GET", "/api/runtime/acls");
    assert.deepEqual(
      list.body.acls.map((a: any) => [a.index, a.name, a.persisted, a.loaded]),
      [[0, "is_beta", false, true], [1, "vip", true, true]],
    );
    const state = await d.api("GET", "/api/state");
    assert.deepEqual(state.body.acls[0].values, ["yes"], "the state is not changed");

    const removed = await d.api("DELETE", "/api/runtime/acls/0/entries", { value: "maybe" });
    assert.equal(removed.status, 200, removed.text);
    assert.equal((await beta(fe2, "maybe")).body, "app");
    assert.equal(
      (await d.api("DELETE", "/api/runtime/acls/0/entries", { value: "absent" })).status,
      404,
    );
    assert.equal((await d.api("POST", "/api/runtime/acls/7/entries", { value: "x" })).status, 404);
    assert.equal(
      (await d.api("POST", "/api/runtime/acls/nope/entries", { value: "x" })).status,
      404,
    );
    assert.equal((await d.api("GET", "/api/runtime/acls/a%3Bb/entries")).status, 400);
    for (const value of ["x;del acl #0 yes", "two words", "line\nbreak", ""]) {
      const res = await d.api("POST", "/api/runtime/acls/0/entries", { value });
      assert.equal(res.status, 400, `${JSON.stringify(value)}: ${res.text}`);
    }
    assert.equal((await beta(fe1, "yes")).body, "vip", "the declared entry is untouched");
    const audit = d.audit.list({ limit: 20, category: "haproxy" });
    assert.ok(
      audit.some((r) =>
        r.action === "acl:add" && r.target === "is_beta" && r.outcome === "success"
      ),
    );
    assert.ok(audit.some((r) => r.action === "acl:del" && r.outcome === "success"));
  } finally {
    await d.stop();
    await app.close();
    await vip.close();
  }
});

Deno.test("runtime acls - a file-backed ACL entry persists across a daemon and HAProxy restart", async () => {
  const app = startBackend("app");
  const vip = startBackend("vip");
  const fe1 = freePort();
  const fe2 = freePort();
  const opts = { plugins: [runtime()] };
  let d = await startTestDaemon({ ...opts, state: aclState(fe1, fe2, app.address, vip.address) });
  const dataDir = d.dataDir;
  try {
    const gold = (port: number) => through(port, "/", { "x-vip": "gold" });
    assert.equal((await gold(fe1)).body, "app");
    const added = await d.api("POST", "/api/runtime/acls/1/entries", { value: "gold" });
    assert.equal(added.status, 200, added.text);
    assert.equal(added.body.persisted, true);
    assert.equal(added.body.changed, true);
    assert.equal((await gold(fe1)).body, "vip");
    assert.equal((await gold(fe2)).body, "vip");
    assert.equal(await Deno.readTextFile(`${dataDir}/acls/vip.lst`), "gold\n");
    assert.deepEqual((await d.api("GET", "/api/state")).body.acls[1].values, ["gold"]);
    const again = await d.api("POST", "/api/runtime/acls/vip/entries", { value: "gold" });
    assert.equal(again.body.changed, false, "adding twice keeps one entry");
    const masterPid = (await d.haproxy.showProc())!.masterPid;

    await d.stop();
    d = await startTestDaemon({ ...opts, dataDir });
    assert.notEqual((await d.haproxy.showProc())!.masterPid, masterPid, "a new HAProxy runs");
    assert.equal((await gold(fe1)).body, "vip");
    assert.deepEqual((await d.api("GET", "/api/runtime/acls/vip/entries")).body.entries, ["gold"]);

    // An unrelated apply keeps it too: the pipeline rewrites the file from state.acls.
    const state = (await d.api("GET", "/api/state")).body;
    state.haproxy.backends.push({ id: "spare", servers: [] });
    assert.equal((await d.api("PUT", "/api/state", state)).status, 200);
    assert.equal((await gold(fe2)).body, "vip");

    const removed = await d.api("DELETE", "/api/runtime/acls/vip/entries", { value: "gold" });
    assert.equal(removed.status, 200, removed.text);
    assert.equal((await gold(fe1)).body, "app");
    assert.equal(await Deno.readTextFile(`${dataDir}/acls/vip.lst`), "");
    assert.deepEqual((await d.api("GET", "/api/state")).body.acls[1].values, []);
  } finally {
    await d.stop();
    await app.close();
    await vip.close();
  }
});
