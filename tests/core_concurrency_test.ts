// deno-lint-ignore-file no-explicit-any
/**
 * Applies are serialized: concurrent PUTs each go through the whole
 * pipeline once, and optimistic concurrency through ETag / If-Match.
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
import { fingerprint, hit, teardown, withOneServer } from "./support/core_probe.ts";

Deno.test("apply - 10 concurrent PUTs are serialized, each audited and snapshotted once", () =>
  withOneServer(async ({ d, fe, a }) => {
    const before = await fingerprint(d);
    const auditBefore = (await d.api("GET", "/api/audit?category=state")).body.entries.length;
    const snapsBefore = (await d.api("GET", "/api/snapshots")).body.snapshots.length;

    // Each a change that needs a reload (a weight alone would apply at run time).
    const states = Array.from({ length: 10 }, (_, i) => {
      const s = simpleState(fe, [{ name: "a", address: a.address, weight: i + 1 }]);
      (s.haproxy as { defaults: { timeouts: { server: string } } }).defaults.timeouts.server = `${
        11 + i
      }s`;
      return s;
    });
    const results = await Promise.all(
      states.map((s, i) => d!.api("PUT", `/api/state?reason=concurrent-${i}`, s)),
    );
    for (const r of results) assert.equal(r.status, 200, r.text);

    const after = await fingerprint(d);
    assert.equal(after.reloads, before.reloads + 10, "one reload per apply");
    const snaps = (await d.api("GET", "/api/snapshots")).body.snapshots;
    assert.equal(snaps.length, snapsBefore + 10);
    const reasons = snaps.slice(0, 10).map((s: any) => s.reason).sort();
    assert.deepEqual(reasons, states.map((_, i) => `concurrent-${i}`).sort());

    const entries = (await d.api("GET", "/api/audit?category=state")).body.entries;
    assert.equal(entries.length, auditBefore + 10);
    const applies = entries.slice(0, 10);
    for (const e of applies) {
      assert.equal(e.action, "apply");
      assert.equal(e.outcome, "success");
    }
    const audited = applies.map((e: any) => e.details.reason).sort();
    assert.deepEqual(audited, reasons, "each PUT audited exactly once");
    assert.deepEqual(
      applies.map((e: any) => e.target).sort(),
      snaps.slice(0, 10).map((s: any) => s.id).sort(),
    );

    // The final state is the one the last snapshot holds, and one of the ten PUT.
    const finalState = JSON.parse(after.state);
    const weight = finalState.haproxy.backends[0].servers[0].weight;
    assert.ok(weight >= 1 && weight <= 10);
    const newest = await d.api("GET", `/api/snapshots/${snaps[0].id}`);
    assert.deepEqual(newest.body.state, finalState);
    assert.equal(newest.body.reason, `concurrent-${weight - 1}`);
    assert.match(after.cfg, new RegExp(`server a ${a.address} weight ${weight}\\b`));
    assert.equal((await hit(fe)).body, "a");
  }));

Deno.test("state - ETag / If-Match: a stale If-Match is a 412 that changes nothing", () =>
  withOneServer(async ({ d, fe, a }) => {
    const got = await d.api("GET", "/api/state");
    const etag = got.headers.get("etag")!;
    assert.match(etag, /^"[0-9a-f]+"$/);

    const next = simpleState(fe, [{ name: "a", address: a.address, weight: 7 }]);
    const ok = await d.api("PUT", "/api/state", next, { "if-match": etag });
    assert.equal(ok.status, 200, ok.text);
    const newEtag = ok.headers.get("etag")!;
    assert.notEqual(newEtag, etag);
    assert.equal((await d.api("GET", "/api/state")).headers.get("etag"), newEtag);

    const before = await fingerprint(d);
    const snaps = (await d.api("GET", "/api/snapshots")).body.snapshots.length;
    const stale = await d.api(
      "PUT",
      "/api/state",
      simpleState(fe, [{ name: "a", address: a.address, weight: 9 }]),
      { "if-match": etag },
    );
    assert.equal(stale.status, 412, stale.text);
    assert.equal(typeof stale.body.error, "string");
    assert.deepEqual(await fingerprint(d), before);
    assert.equal((await d.api("GET", "/api/snapshots")).body.snapshots.length, snaps);

    // `If-Match: *` and no If-Match both apply.
    const star = await d.api("PUT", "/api/state", next, { "if-match": "*" });
    assert.equal(star.status, 200);
    const none = await d.api("PUT", "/api/state", next);
    assert.equal(none.status, 200);
    assert.equal(none.headers.get("etag"), newEtag, "same document, same ETag");
  }));

Deno.test("state - PUTting the same document twice renders identical cfg and state", async () => {
  const a = startBackend("a");
  const fe = freePort();
  let d: TestDaemon | null = null;
  try {
    d = await startTestDaemon();
    const doc = simpleState(fe, [{ name: "a", address: a.address }]);
    const first = await d.api("PUT", "/api/state", doc);
    assert.equal(first.status, 200);
    const one = await fingerprint(d);
    const second = await d.api("PUT", "/api/state", first.body);
    assert.equal(second.status, 200);
    const two = await fingerprint(d);
    assert.equal(two.cfg, one.cfg);
    assert.equal(two.state, one.state);
    assert.deepEqual(second.body, first.body);
    assert.equal(second.headers.get("etag"), first.headers.get("etag"));
  } finally {
    await teardown(d);
    await a.close();
  }
});
