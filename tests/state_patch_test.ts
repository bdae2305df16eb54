/**
 * `PATCH /api/state` end to end on a real daemon and HAProxy: a weight
 * change reaches `show servers state` and traffic; every refusal (412,
 * 409 for a failed `test` or a bad path with the operation's index, 422,
 * 403 for an admin path, 415, 400, the destructive 409) changes nothing.
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
import { fingerprint, spread, teardown } from "./support/core_probe.ts";
import { parseServersState } from "../plugins/runtime/parse.ts";

const PATCH_TYPE = { "content-type": "application/json-patch+json" };

interface Two {
  d: TestDaemon;
  fe: number;
  a: Backend;
  b: Backend;
}

async function withTwo(test: (t: Two) => Promise<void>): Promise<void> {
  const a = startBackend("a");
  const b = startBackend("b");
  const fe = freePort();
  let d: TestDaemon | null = null;
  try {
    d = await startTestDaemon({
      state: simpleState(fe, [{ name: "a", address: a.address }, {
        name: "b",
        address: b.address,
      }]),
    });
    await test({ d, fe, a, b });
  } finally {
    await teardown(d);
    await a.close();
    await b.close();
  }
}

function patch(d: TestDaemon, ops: unknown, headers: Record<string, string> = {}, as?: string) {
  return d.api("PATCH", "/api/state", ops, { ...PATCH_TYPE, ...headers }, as ? { as } : {});
}

async function weightOf(d: TestDaemon, server: string): Promise<number> {
  const out = await d.haproxy.admin("show servers state app");
  assert.ok(out.ok);
  return Number(parseServersState(out.output).find((r) => r.server === server)!.weight);
}

Deno.test("PATCH /api/state - a weight change is applied: show servers state, traffic, ETag", async () => {
  await withTwo(async ({ d, fe }) => {
    assert.deepEqual(await spread(fe, 10), { a: 5, b: 5 });
    const before = await d.api("GET", "/api/state");
    const res = await patch(d, [
      { op: "test", path: "/haproxy/backends/0/servers/0/name", value: "a" },
      { op: "replace", path: "/haproxy/backends/0/servers/0/weight", value: 0 },
    ], { "if-match": before.headers.get("etag")! });
    assert.equal(res.status, 200, res.text);
    assert.ok(["reload", "runtime"].includes(res.headers.get("patchpanel-apply")!));
    assert.equal(res.body.applied, res.headers.get("patchpanel-apply"));
    assert.equal(res.body.etag, res.headers.get("etag"));
    assert.notEqual(res.body.etag, before.headers.get("etag"));
    assert.match(res.body.snapshotId, /^\d{4}-/);
    assert.match(res.headers.get("server-timing") ?? "", /validate;dur=/);
    assert.equal(await weightOf(d, "a"), 0);
    assert.equal(await weightOf(d, "b"), 100);
    assert.deepEqual(await spread(fe, 6), { b: 6 });
    const after = await d.api("GET", "/api/state");
    assert.equal(after.headers.get("etag"), res.body.etag);
    assert.equal(after.body.haproxy.backends[0].servers[0].weight, 0);
    const expected = structuredClone(before.body);
    expected.haproxy.backends[0].servers[0].weight = 0;
    assert.deepEqual(after.body, expected, "nothing else changed");

    // Adding a server, asking for the whole document back as PUT answers it.
    const c = startBackend("c");
    try {
      const added = await patch(d, [{
        op: "add",
        path: "/haproxy/backends/0/servers/-",
        value: { name: "c", address: c.address, check: false },
      }], { prefer: "return=representation" });
      assert.equal(added.status, 200, added.text);
      assert.equal(added.body.haproxy.backends[0].servers.length, 3);
      assert.equal(added.body.haproxy.backends[0].servers[2].weight, 100, "defaults filled in");
      assert.deepEqual(await spread(fe, 6), { b: 3, c: 3 });
    } finally {
      await c.close();
    }
  });
});

Deno.test("PATCH /api/state - refusals answer in the envelope and leave the live state as it was", async () => {
  await withTwo(async ({ d, fe }) => {
    const operator = await d.mintToken("operator", { name: "patch-operator" });
    const live = await d.api("GET", "/api/state");
    const print = await fingerprint(d);
    const weight = [{ op: "replace", path: "/haproxy/backends/0/servers/0/weight", value: 5 }];

    const stale = await patch(d, weight, { "if-match": '"0000000000"' });
    assert.equal(stale.status, 412, stale.text);
    assert.equal(stale.body.etag, live.headers.get("etag"));

    const test = await patch(d, [
      ...weight,
      { op: "test", path: "/haproxy/backends/0/id", value: "app" },
      { op: "test", path: "/haproxy/backends/0/servers/1/weight", value: 7 },
    ]);
    assert.equal(test.status, 409, test.text);
    assert.equal(test.body.operation, 2);
    assert.match(test.body.error, /operation 2 \(test/);

    const path = await patch(d, [...weight, {
      op: "replace",
      path: "/haproxy/backends/3/servers/0/weight",
      value: 1,
    }]);
    assert.equal(path.status, 409, path.text);
    assert.equal(path.body.operation, 1);

    const invalid = await patch(d, [{
      op: "replace",
      path: "/haproxy/backends/0/servers/0/weight",
      value: 999,
    }]);
    assert.equal(invalid.status, 422, invalid.text);
    assert.deepEqual(invalid.body.issues[0].path, [
      "haproxy",
      "backends",
      0,
      "servers",
      0,
      "weight",
    ]);

    // A backend still referenced by the frontend goes: the cross-reference check refuses it.
    const dangling = await patch(d, [
      {
        op: "add",
        path: "/haproxy/backends/-",
        value: { id: "spare", servers: [{ name: "z", address: "127.0.0.1:1", check: false }] },
      },
      { op: "remove", path: "/haproxy/backends/0" },
    ]);
    assert.equal(dangling.status, 422, dangling.text);
    assert.match(JSON.stringify(dangling.body.issues), /backend 'app' does not exist/);

    const admin = await patch(
      d,
      [
        ...weight,
        { op: "add", path: "/haproxy/global/rawDirectives/-", value: "user root" },
      ],
      {},
      operator,
    );
    assert.equal(admin.status, 403, admin.text);
    assert.deepEqual(admin.body.paths, ["haproxy.global.rawDirectives.0"]);
    assert.equal(admin.body.need, "admin");

    const type = await d.api("PATCH", "/api/state", weight);
    assert.equal(type.status, 415, type.text);
    assert.equal(type.body.accept, "application/json-patch+json");
    assert.match(type.body.error, /json-patch\+json/);

    for (const body of ["", "{not json", JSON.stringify({ op: "add" })]) {
      const bad = await patch(d, body);
      assert.equal(bad.status, 400, `${JSON.stringify(body)}: ${bad.text}`);
    }
    const gone = await patch(d, [{ op: "remove", path: "/version" }]);
    assert.equal(gone.status, 422, gone.text);

    // The destructive guard, as for PUT: removing every frontend is a 409 with the counts.
    const destructive = await patch(d, [{ op: "remove", path: "/haproxy/frontends/0" }]);
    assert.equal(destructive.status, 409, destructive.text);
    assert.equal(destructive.body.removes.frontends, 1);

    const now = await d.api("GET", "/api/state");
    assert.equal(now.text, live.text, "the live state is unchanged");
    assert.equal(now.headers.get("etag"), live.headers.get("etag"));
    // The object the store holds, not only its cached text: no patch wrote into it.
    assert.equal(JSON.stringify(d.store.current()), live.text, "the live object is unchanged");
    assert.deepEqual(await fingerprint(d), print, "cfg, state.json and HAProxy untouched");
    assert.equal(await weightOf(d, "a"), 100);
    assert.deepEqual(await spread(fe, 4), { a: 2, b: 2 });

    // The operator's own change (a weight) is allowed.
    const ok = await patch(d, weight, {}, operator);
    assert.equal(ok.status, 200, ok.text);
    assert.equal(await weightOf(d, "a"), 5);
  });
});
