// deno-lint-ignore-file no-explicit-any
/**
 * Snapshots (list, read, restore through the pipeline) and the audit log's
 * filters and limits, against a real daemon.
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
import { SNAPSHOT_ID_PATTERN } from "../core/store/snapshots.ts";

Deno.test("snapshots - list, get and restore round trip, audited as restore:<id>", async () => {
  const [a, b] = [startBackend("a"), startBackend("b")];
  const fe = freePort();
  let d: TestDaemon | null = null;
  try {
    d = await startTestDaemon();
    const s1 = await d.api(
      "PUT",
      "/api/state?reason=first",
      simpleState(fe, [{ name: "a", address: a.address }]),
    );
    assert.equal(s1.status, 200);
    const s2 = await d.api(
      "PUT",
      "/api/state",
      simpleState(fe, [{ name: "b", address: b.address }]),
    );
    assert.equal(s2.status, 200);
    assert.equal((await hit(fe)).body, "b");

    const list = await d.api("GET", "/api/snapshots");
    assert.equal(list.status, 200);
    const snaps = list.body.snapshots;
    assert.equal(snaps.length, 3, "the two applies and the first state, snapshotted at start");
    assert.equal(snaps[2].reason, "initial");
    for (const s of snaps) assert.match(s.id, SNAPSHOT_ID_PATTERN);
    assert.ok(snaps[0].id > snaps[1].id, "newest first; ids sort by time");
    assert.equal(snaps[1].reason, "first");
    assert.equal(typeof snaps[0].actor, "string");
    assert.equal(snaps[0].state, undefined, "the list carries no states");
    assert.equal((await d.api("GET", "/api/snapshots?limit=1")).body.snapshots.length, 1);

    const old = await d.api("GET", `/api/snapshots/${snaps[1].id}`);
    assert.equal(old.status, 200);
    assert.deepEqual(old.body.state, s1.body);

    const before = await fingerprint(d);
    const restored = await d.api("POST", `/api/snapshots/${snaps[1].id}/restore`);
    assert.equal(restored.status, 200, restored.text);
    assert.deepEqual(restored.body, s1.body);
    assert.equal(restored.headers.get("etag"), s1.headers.get("etag"));
    assert.equal((await hit(fe)).body, "a");
    const after = await fingerprint(d);
    // b back to a is a server-level change: the restore applies it at run time, no reload.
    assert.equal(after.reloads, before.reloads);
    assert.deepEqual(JSON.parse(after.state), s1.body);

    const audit = await d.api("GET", "/api/audit?category=state&limit=1");
    assert.equal(audit.body.entries[0].details.reason, `restore:${snaps[1].id}`);
    assert.equal(audit.body.entries[0].outcome, "success");
    const newest = (await d.api("GET", "/api/snapshots?limit=1")).body.snapshots[0];
    assert.equal(newest.reason, `restore:${snaps[1].id}`);
    assert.equal(audit.body.entries[0].target, newest.id);
  } finally {
    await teardown(d);
    await a.close();
    await b.close();
  }
});

Deno.test("snapshots - a malformed id is a 400, an unknown one a 404", async () => {
  let d: TestDaemon | null = null;
  try {
    d = await startTestDaemon();
    for (const path of ["/api/snapshots/nope", "/api/snapshots/..%2Fstate.json"]) {
      const r: { status: number; body: any } = await d.api("GET", path);
      assert.equal(r.status, 400, path);
      assert.equal(typeof r.body.error, "string");
    }
    assert.equal((await d.api("POST", "/api/snapshots/not-an-id/restore")).status, 400);
    const unknown = "2020-01-01T00-00-00.000Z-abcdef0";
    const g = await d.api("GET", `/api/snapshots/${unknown}`);
    assert.equal(g.status, 404);
    assert.match(g.body.error, /not found/);
    assert.equal((await d.api("POST", `/api/snapshots/${unknown}/restore`)).status, 404);
    assert.equal((await d.api("GET", "/api/snapshots?limit=0")).status, 400);
    assert.equal((await d.api("GET", "/api/snapshots?limit=x")).status, 400);
  } finally {
    await teardown(d);
  }
});

Deno.test("audit - filters by category and actor, limits default to 100 and stop at 1000", async () => {
  let d: TestDaemon | null = null;
  try {
    d = await startTestDaemon();
    for (let i = 0; i < 120; i++) {
      d.audit.record({
        actor: i % 2 ? "alice" : "bob",
        category: i % 3 ? "cert" : "runtime",
        action: `act-${i}`,
        target: null,
        details: { i },
        outcome: "success",
      });
    }
    const all = await d.api("GET", "/api/audit");
    assert.equal(all.status, 200);
    assert.equal(all.body.entries.length, 100, "default limit");
    const ids = all.body.entries.map((e: any) => e.id);
    assert.deepEqual(ids, [...ids].sort((x: number, y: number) => y - x), "newest first");
    for (const k of ["id", "ts", "actor", "category", "action", "target", "details", "outcome"]) {
      assert.ok(k in all.body.entries[0], k);
    }

    const big = await d.api("GET", "/api/audit?limit=1000");
    assert.equal(big.status, 200);
    assert.ok(big.body.entries.length >= 120);
    for (const bad of ["1001", "0", "-1", "abc", "5.5"]) {
      const r: { status: number; body: any } = await d.api("GET", `/api/audit?limit=${bad}`);
      assert.equal(r.status, 400, `limit=${bad}`);
      assert.equal(typeof r.body.error, "string");
    }

    const cert = await d.api("GET", "/api/audit?category=cert&limit=1000");
    assert.equal(cert.body.entries.length, 80);
    assert.ok(cert.body.entries.every((e: any) => e.category === "cert"));
    const alice = await d.api("GET", "/api/audit?actor=alice&limit=1000");
    assert.equal(alice.body.entries.length, 60);
    const both = await d.api("GET", "/api/audit?actor=alice&category=runtime&limit=1000");
    assert.equal(both.body.entries.length, 20);
    assert.ok(both.body.entries.every((e: any) => e.actor === "alice" && e.category === "runtime"));
    assert.deepEqual((await d.api("GET", "/api/audit?category=nothing")).body.entries, []);

    const page = await d.api("GET", "/api/audit?limit=10");
    const next = await d.api("GET", `/api/audit?limit=10&before=${page.body.entries[9].id}`);
    assert.equal(next.body.entries[0].id, page.body.entries[9].id - 1);
  } finally {
    await teardown(d);
  }
});
