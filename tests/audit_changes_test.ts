// deno-lint-ignore-file no-explicit-any
/**
 * A state apply's audit entry says what it changed, against a real daemon
 * and HAProxy: a PUT changing one server's weight (the runtime path), a PATCH, a PUT
 * that needs a reload, a restore, an apply HAProxy refuses and a runtime
 * ACL entry the runtime plugin writes back (adopt-runtime) each name
 * their entity and field with the old and new values in `GET /api/audit`.
 *
 * @module
 */
import assert from "node:assert/strict";
import { freePort, simpleState, startBackend, startTestDaemon } from "./support/daemon.ts";
import { runtime } from "../plugins/runtime/mod.ts";

async function lastStateEntry(d: { api: (m: string, p: string) => Promise<any> }): Promise<any> {
  const audit = await d.api("GET", "/api/audit?category=state&limit=1");
  assert.equal(audit.status, 200, audit.text);
  return audit.body.entries[0];
}

Deno.test("audit changes - PUT, PATCH, reload, restore and a refused apply name entity, field, from and to", async () => {
  const [a, b] = [startBackend("a"), startBackend("b")];
  const fe = freePort();
  const servers = (weightA: number) => [
    { name: "a", address: a.address, weight: weightA },
    { name: "b", address: b.address, weight: 10 },
  ];
  const d = await startTestDaemon({ state: simpleState(fe, servers(10)) });
  try {
    const first = (await d.api("GET", "/api/snapshots?limit=1")).body.snapshots[0].id;
    // One server's weight: HAProxy takes it at run time; the entry names the server.
    const put = await d.api("PUT", "/api/state?reason=heavier", simpleState(fe, servers(20)));
    assert.equal(put.status, 200, put.text);
    const weighted = await lastStateEntry(d);
    assert.equal(weighted.action, "apply");
    assert.equal(weighted.outcome, "success");
    assert.equal(weighted.details.reason, "heavier", "the existing fields stay");
    assert.equal(weighted.details.applied, "runtime");
    assert.deepEqual(weighted.changes, [
      { op: "change", entity: "server app/a", field: "weight", from: 10, to: 20 },
    ]);
    assert.equal(weighted.changesOmitted, 0);

    // The same through PATCH: server b's weight.
    const patch = await d.api("PATCH", "/api/state", [
      { op: "replace", path: "/haproxy/backends/0/servers/1/weight", value: 30 },
    ], { "content-type": "application/json-patch+json" });
    assert.equal(patch.status, 200, patch.text);
    assert.deepEqual((await lastStateEntry(d)).changes, [
      { op: "change", entity: "server app/b", field: "weight", from: 10, to: 30 },
    ]);

    // A change that needs a reload: a timeout and a new frontend option.
    const slower: any = simpleState(fe, servers(20));
    slower.haproxy.backends[0].servers[1].weight = 30;
    slower.haproxy.defaults.timeouts.client = "20s";
    slower.haproxy.frontends[0].maxconn = 500;
    const reload = await d.api("PUT", "/api/state", slower);
    assert.equal(reload.status, 200, reload.text);
    const reloaded = await lastStateEntry(d);
    assert.equal(reloaded.details.applied, "reload");
    assert.deepEqual(reloaded.changes, [
      { op: "change", entity: "defaults", field: "timeouts.client", from: "10s", to: "20s" },
      { op: "add", entity: "frontend fe-main", field: "maxconn", to: 500 },
    ]);

    // A restore of the first snapshot undoes both, and says so.
    const restored = await d.api("POST", `/api/snapshots/${first}/restore`);
    assert.equal(restored.status, 200, restored.text);
    const restore = await lastStateEntry(d);
    assert.equal(restore.details.reason, `restore:${first}`);
    assert.deepEqual(
      restore.changes.map((c: any) => [c.entity, c.field, c.from, c.to]),
      [
        ["defaults", "timeouts.client", "20s", "10s"],
        ["frontend fe-main", "maxconn", 500, undefined],
        ["server app/a", "weight", 20, 10],
        ["server app/b", "weight", 30, 10],
      ],
    );

    // A refused apply's entry says what it tried to change.
    const broken: any = simpleState(fe, servers(10));
    broken.haproxy.backends.push({
      id: "extra",
      servers: [{ name: "x", address: "127.0.0.1:1", check: false }],
      options: ["no-such-option"],
    });
    const refused = await d.api("PUT", "/api/state", broken);
    assert.notEqual(refused.status, 200, refused.text);
    const failed = await lastStateEntry(d);
    assert.equal(failed.outcome, "failure");
    assert.equal(failed.details.stage, "check", JSON.stringify(failed));
    assert.deepEqual(failed.changes, [{ op: "add", entity: "backend extra" }]);
  } finally {
    await d.stop();
    await a.close();
    await b.close();
  }
});

Deno.test("audit changes - a runtime ACL entry written back to the state names the ACL's values", async () => {
  const app = startBackend("app");
  const fe = freePort();
  const state: any = simpleState(fe, [{ name: "a", address: app.address }]);
  state.haproxy.frontends[0].useBackends = [{ backend: "app", cond: "if vip" }];
  state.acls = [{ name: "vip", criterion: "hdr(x-vip)", file: true, values: [] }];
  const d = await startTestDaemon({ plugins: [runtime()], state });
  try {
    const added = await d.api("POST", "/api/runtime/acls/vip/entries", { value: "gold" });
    assert.equal(added.status, 200, added.text);
    assert.equal(added.body.persisted, true);
    const adopted = await lastStateEntry(d);
    assert.equal(adopted.action, "adopt-runtime");
    assert.deepEqual(adopted.changes, [
      { op: "change", entity: "acl vip", field: "values", from: "[]", to: '["gold"]' },
    ]);
  } finally {
    await d.stop();
    await app.close();
  }
});
