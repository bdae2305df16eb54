/**
 * Issue 14: a state document that a broken pipeline produced must not wipe
 * the load balancer. Empty, whitespace-only and BOM-prefixed bodies are 400s;
 * a body without `version` and `haproxy` is a 422 naming them; a PUT or
 * restore that removes every frontend or shrinks the servers by more than
 * `limits.destructiveShare` is a 409 with the counts unless
 * `?allowDestructive=true`; a document past `limits.*` is a 422 naming the
 * limit before the schema runs. Each refusal leaves HAProxy serving the old
 * config and is audited as a failed apply.
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  freePort,
  simpleState,
  startBackend,
  startTestDaemon,
  type TestDaemon,
} from "./support/daemon.ts";
import { fingerprint, hit, teardown } from "./support/core_probe.ts";
import { definePlugin, type PluginHost } from "../core/plugin.ts";
import { HttpError } from "../core/errors.ts";

/** The failed-apply audit rows, newest first. */
function failedApplies(d: TestDaemon) {
  return d.audit.list({ limit: 100, category: "state" }).filter((r) =>
    r.action === "apply" && r.outcome === "failure"
  );
}

Deno.test("bad bodies - empty, whitespace, BOM and {} are refused and nothing is applied", async () => {
  const a = startBackend("a");
  const fe = freePort();
  let d: TestDaemon | null = null;
  try {
    const state = simpleState(fe, [{ name: "a", address: a.address }]);
    d = await startTestDaemon({ state });
    const before = await fingerprint(d);
    const etag = (await d.api("GET", "/api/state")).headers.get("etag");

    const cases: [string, string, number, RegExp][] = [
      ["empty", "", 400, /empty/],
      ["whitespace", " \n\t\n", 400, /empty/],
      ["BOM + version", '\uFEFF{"version":1}', 400, /byte order mark/],
      ["BOM + a whole state", "\uFEFF" + JSON.stringify(state), 400, /byte order mark/],
      ["{}", "{}", 422, /missing required keys 'version', 'haproxy'/],
      ["version only", '{"version":1}', 422, /missing required key 'haproxy'/],
      ["an array", "[]", 422, /must be a JSON object/],
    ];
    for (const [name, body, status, message] of cases) {
      for (const [method, path] of [["PUT", "/api/state"], ["POST", "/api/state/plan"]]) {
        const res: { status: number; text: string; body: { error: string; issues?: unknown } } =
          await d.api(method, path, body);
        assert.equal(res.status, status, `${name} ${method}: ${res.text}`);
        assert.match(res.body.error, message, `${name} ${method}`);
        if (status === 422) assert.ok(Array.isArray(res.body.issues), `${name}: issues[]`);
      }
    }
    const missing = await d.api("PUT", "/api/state", "{}");
    assert.deepEqual(missing.body.issues.map((i: { path: string[] }) => i.path), [
      ["version"],
      ["haproxy"],
    ]);

    // Nothing changed: same cfg, state, ETag and worker; HAProxy serves the old config.
    assert.deepEqual(await fingerprint(d), before);
    assert.equal((await d.api("GET", "/api/state")).headers.get("etag"), etag);
    assert.equal((await hit(fe)).body, "a");

    // Each refused PUT is audited as a failed apply at the body stage; plans are not audited.
    const failures = failedApplies(d);
    assert.equal(failures.length, cases.length + 1);
    assert.ok(failures.every((r) => r.details?.stage === "body"));
    assert.equal(
      d.audit.list({ limit: 100, category: "state" }).filter((r) => r.outcome === "success")
        .length,
      1,
      "only the initial apply succeeded",
    );
  } finally {
    await teardown(d);
    await a.close();
  }
});

Deno.test("destructive guard - 409 with the counts; allowDestructive=true applies; restore too", async () => {
  const a = startBackend("a");
  const fe = freePort();
  let d: TestDaemon | null = null;
  try {
    const four = simpleState(
      fe,
      ["a", "b", "c", "d"].map((name) => ({ name, address: a.address })),
    );
    d = await startTestDaemon({ state: four });
    const before = await fingerprint(d);

    // Every frontend gone: what `jq` on a truncated document yields.
    const noFrontends = structuredClone(four) as { haproxy: { frontends: unknown[] } };
    noFrontends.haproxy.frontends = [];
    const r1 = await d.api("PUT", "/api/state", noFrontends);
    assert.equal(r1.status, 409, r1.text);
    assert.match(r1.body.error, /removes every frontend.*allowDestructive=true/);
    assert.deepEqual(r1.body.removes, { frontends: 1, backends: 0, servers: 0 });
    // A plan shows it coming.
    const plan = await d.api("POST", "/api/state/plan", noFrontends);
    assert.equal(plan.status, 200, plan.text);
    assert.match(plan.body.destructive, /removes every frontend/);
    assert.deepEqual(plan.body.removes, { frontends: 1, backends: 0, servers: 0 });
    const samePlan = await d.api("POST", "/api/state/plan", four);
    assert.equal(samePlan.body.destructive, null);

    // Three of four servers gone: more than the default share (0.5).
    const one = simpleState(fe, [{ name: "a", address: a.address }]);
    const r2 = await d.api("PUT", "/api/state", one);
    assert.equal(r2.status, 409, r2.text);
    assert.match(r2.body.error, /removes 3 of 4 servers/);
    assert.deepEqual(r2.body.removes, { frontends: 0, backends: 0, servers: 3 });
    assert.deepEqual(await fingerprint(d), before, "refused: nothing applied");
    assert.equal((await hit(fe)).body, "a");
    assert.equal(failedApplies(d).length, 2, "each refusal is audited");
    assert.ok(failedApplies(d).every((r) => r.details?.stage === "validate"));

    // Bad flag values are a 400, not a silent false.
    assert.equal((await d.api("PUT", "/api/state?allowDestructive=yes", one)).status, 400);

    // Said explicitly, it applies.
    const ok = await d.api("PUT", "/api/state?allowDestructive=true", one);
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.body.haproxy.backends[0].servers.length, 1);

    // Restore: the four-server snapshot adds servers (fine); back to one removes three (409).
    const snaps = (await d.api("GET", "/api/snapshots")).body.snapshots;
    const [oneSnap, fourSnap] = snaps;
    const grow = await d.api("POST", `/api/snapshots/${fourSnap.id}/restore`);
    assert.equal(grow.status, 200, grow.text);
    const shrink = await d.api("POST", `/api/snapshots/${oneSnap.id}/restore`);
    assert.equal(shrink.status, 409, shrink.text);
    assert.match(shrink.body.error, new RegExp(`^restoring snapshot ${oneSnap.id} removes 3 of 4`));
    assert.deepEqual(shrink.body.removes, { frontends: 0, backends: 0, servers: 3 });
    const forced = await d.api(
      "POST",
      `/api/snapshots/${oneSnap.id}/restore?allowDestructive=true`,
    );
    assert.equal(forced.status, 200, forced.text);

    // Every frontend may go too, when asked for.
    const empty = await d.api("PUT", "/api/state?allowDestructive=true", noFrontends);
    assert.equal(empty.status, 200, empty.text);
    assert.equal((await hit(fe)).status, 0, "the frontend is gone, as asked");
  } finally {
    await teardown(d);
    await a.close();
  }
});

/** A state with `backends` backends of `each` servers (no listener needed: plan/limits only). */
function bigState(fe: number, backends: number, each: number): Record<string, unknown> {
  const s = simpleState(fe, []) as { haproxy: { backends: unknown[] } };
  s.haproxy.backends = Array.from({ length: backends }, (_, b) => ({
    id: b === 0 ? "app" : `app${b}`,
    servers: Array.from({ length: each }, (_, i) => ({
      name: `s${i}`,
      address: "127.0.0.1:9",
      check: false,
    })),
  }));
  return s;
}

Deno.test("limits - 200,000 servers are refused by limits.servers before validation", async () => {
  const fe = freePort();
  let d: TestDaemon | null = null;
  try {
    d = await startTestDaemon({ state: simpleState(fe, []) });
    const before = await fingerprint(d);
    const body = JSON.stringify(bigState(fe, 20, 10_000));
    const t0 = performance.now();
    const res = await d.api("PUT", "/api/state", body);
    const ms = performance.now() - t0;
    assert.equal(res.status, 422, res.text.slice(0, 300));
    assert.match(res.body.error, /200000 servers is more than limits\.servers \(50000\)/);
    assert.deepEqual(
      res.body.issues.map((i: Record<string, unknown>) => [i.limit, i.value, i.maximum]),
      [["limits.servers", 200_000, 50_000]],
    );
    // Refused while reading the body: the schema never ran (stage "body", not "validate").
    assert.equal(failedApplies(d)[0].details?.stage, "body");
    assert.deepEqual(await fingerprint(d), before);
    console.log(`200,000 servers (${(body.length / 1e6).toFixed(1)} MB) refused in ${ms | 0} ms`);
    const plan = await d.api("POST", "/api/state/plan", body);
    assert.equal(plan.status, 422);
  } finally {
    await teardown(d);
  }
});

Deno.test("limits - configured in config.yaml: backends and ACL values", async () => {
  const fe = freePort();
  let d: TestDaemon | null = null;
  let host: PluginHost | null = null;
  const probe = definePlugin({ name: "probe", setup: (h) => void (host = h) });
  try {
    d = await startTestDaemon({
      plugins: [probe],
      config: { limits: { backends: 2, aclValues: 3, servers: 10, bodyBytes: 65536 } },
      state: simpleState(fe, []),
    });
    // An apply a plugin starts (a peer's push, a Lua re-apply) is bounded like a PUT.
    const byPlugin = await host!.apply(bigState(fe, 3, 1), { actor: "probe", reason: null })
      .then(() => null, (e) => e);
    assert.ok(byPlugin instanceof HttpError, String(byPlugin));
    assert.equal(byPlugin.status, 422);
    const issues = (byPlugin.body as { issues: { limit: string }[] }).issues;
    assert.equal(issues[0].limit, "limits.backends");
    // limits.bodyBytes: a body past it is a 413 naming the limit, and nothing is applied.
    const padded = {
      ...bigState(fe, 1, 1),
      acls: [{ name: "pad", criterion: "hdr(host)", values: ["x".repeat(70_000)] }],
    };
    const big = await d.api("PUT", "/api/state", padded);
    assert.equal(big.status, 413, big.text);
    assert.match(big.body.error, /limit 65536 bytes, limits\.bodyBytes/);
    assert.equal((await d.api("PUT", "/api/state", bigState(fe, 2, 5))).status, 200);
    const tooMany = await d.api("PUT", "/api/state", bigState(fe, 3, 1));
    assert.equal(tooMany.status, 422);
    assert.equal(tooMany.body.issues[0].limit, "limits.backends");
    const acl = {
      ...bigState(fe, 1, 1),
      acls: [{ name: "h", criterion: "hdr(host)", values: ["a", "b", "c", "d"] }],
    };
    const acls = await d.api("PUT", "/api/state", acl);
    assert.equal(acls.status, 422);
    assert.match(acls.body.error, /4 ACL values is more than limits\.aclValues \(3\)/);
  } finally {
    await teardown(d);
  }
});
