/**
 * Tests for the snapshot store.
 *
 * @module
 */

import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { canonicalJson } from "./canonical.ts";
import { openDatabase } from "./db.ts";
import { SNAPSHOT_ID_PATTERN, snapshotId, SnapshotStore } from "./snapshots.ts";

const STATE = { frontends: [{ name: "fe-http", bind: "127.0.0.1:8080" }], backends: [] };

Deno.test("snapshotId - ISO timestamp with dashes, then 7 hex of sha256(sha256(canonical state) + ts)", () => {
  const at = new Date("2026-05-17T12:34:56.789Z");
  const id = snapshotId(STATE, at);
  const content = createHash("sha256").update(canonicalJson(STATE)).digest("hex");
  const hash = createHash("sha256").update(content + at.toISOString()).digest("hex");
  assert.equal(id, `2026-05-17T12-34-56.789Z-${hash.slice(0, 7)}`);
  // A caller that hashed the canonical text already (the state store, for the ETag) gets the
  // same id without a second pass over the document.
  assert.equal(snapshotId(STATE, at, canonicalJson(STATE), content), id);
  assert.match(id, SNAPSHOT_ID_PATTERN);
  // Key order does not matter; the time does.
  assert.equal(snapshotId({ backends: [], frontends: STATE.frontends }, at), id);
  assert.notEqual(snapshotId(STATE, new Date(at.getTime() + 1)).slice(-7), id.slice(-7));
});

Deno.test("SNAPSHOT_ID_PATTERN - accepts the spec's form, rejects others", () => {
  assert.match("2026-05-17T12-34-56Z-abc1234", SNAPSHOT_ID_PATTERN);
  assert.match("2026-05-17T12-34-56.789Z-abc1234", SNAPSHOT_ID_PATTERN);
  for (
    const bad of [
      "2026-05-17T12:34:56Z-abc1234",
      "2026-05-17T12-34-56Z-abc123",
      "2026-05-17T12-34-56Z-ABC1234",
      "x2026-05-17T12-34-56Z-abc1234",
      "2026-05-17T12-34-56Z-abc1234/../x",
    ]
  ) assert.doesNotMatch(bad, SNAPSHOT_ID_PATTERN, bad);
});

Deno.test("canonicalJson - sorts keys at every depth, keeps array order", () => {
  assert.equal(
    canonicalJson({ b: 1, a: { d: [3, 1], c: null } }),
    '{"a":{"c":null,"d":[3,1]},"b":1}',
  );
  assert.equal(canonicalJson(undefined), "null");
});

Deno.test("SnapshotStore - write then get round-trips state and metadata", () => {
  const store = new SnapshotStore(openDatabase(":memory:"));
  const at = new Date("2026-05-17T12:34:56.789Z");
  const meta = store.write(STATE, { actor: "admin", reason: "add fe-http", at });
  assert.deepEqual(meta, {
    id: snapshotId(STATE, at),
    snapshotAt: "2026-05-17T12:34:56.789Z",
    actor: "admin",
    reason: "add fe-http",
  });
  assert.deepEqual(store.get(meta.id), { ...meta, state: STATE });
  assert.equal(store.get("2026-05-17T12-34-56Z-0000000"), null);
  assert.equal(store.get("../../etc/passwd"), null);
});

Deno.test("SnapshotStore - list and latest are newest first, and ids sort by time", () => {
  const store = new SnapshotStore(openDatabase(":memory:"));
  const base = Date.parse("2026-05-17T12:00:00Z");
  // Written out of order on purpose.
  const metas = [3, 1, 2, 0].map((i) =>
    store.write({ n: i }, { actor: "a", reason: null, at: new Date(base + i * 61_001) })
  );
  const listed = store.list();
  assert.deepEqual(listed.map((m) => m.id), metas.map((m) => m.id).sort().reverse());
  assert.deepEqual(
    listed.map((m) => m.snapshotAt),
    [...listed.map((m) => m.snapshotAt)].sort().reverse(),
  );
  assert.deepEqual(store.list(2).map((m) => m.id), listed.slice(0, 2).map((m) => m.id));
  assert.deepEqual(store.latest()?.state, { n: 3 });
  assert.equal(new SnapshotStore(openDatabase(":memory:")).latest(), null);
});

Deno.test("SnapshotStore - same state in the same millisecond is written once", () => {
  const store = new SnapshotStore(openDatabase(":memory:"));
  const at = new Date();
  const a = store.write(STATE, { actor: "a", reason: null, at });
  const b = store.write(STATE, { actor: "b", reason: "again", at });
  assert.deepEqual(b, a);
  assert.equal(store.list().length, 1);
});

Deno.test("SnapshotStore - prune keeps the newest", () => {
  const store = new SnapshotStore(openDatabase(":memory:"));
  for (let i = 0; i < 5; i++) {
    store.write({ i }, { actor: "a", reason: null, at: new Date(Date.UTC(2026, 0, 1, 0, 0, i)) });
  }
  assert.equal(store.prune(2), 3);
  assert.deepEqual(store.list().map((m) => store.get(m.id)?.state), [{ i: 4 }, { i: 3 }]);
});

Deno.test("SnapshotStore - persists across reopen of a file database", async () => {
  const dir = await Deno.makeTempDir({ prefix: "patchpanel-snap-" });
  try {
    const path = join(dir, "audit.sqlite");
    const db = openDatabase(path);
    const meta = new SnapshotStore(db).write(STATE, { actor: "admin", reason: null });
    db.close();
    const db2 = openDatabase(path);
    const got = new SnapshotStore(db2).get(meta.id);
    db2.close();
    assert.deepEqual(got, { ...meta, state: STATE });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("SnapshotStore - a staged snapshot is invisible until commit; discard removes it", () => {
  const store = new SnapshotStore(openDatabase(":memory:"));
  const kept = store.stage({ n: 1 }, {
    actor: "a",
    reason: null,
    at: new Date(Date.UTC(2026, 0, 1)),
  });
  assert.equal(store.get(kept.id), null);
  assert.equal(store.latest(), null);
  assert.deepEqual(store.list(), []);
  const meta = kept.commit();
  assert.equal(meta.id, kept.id);
  assert.deepEqual(store.get(kept.id)?.state, { n: 1 });

  const dropped = store.stage({ n: 2 }, { actor: "a", reason: null });
  assert.equal(store.prune(0), 1, "prune counts committed snapshots only");
  dropped.discard();
  dropped.discard(); // idempotent
  assert.deepEqual(store.list(), []);
});

Deno.test("SnapshotStore - discarding a duplicate of a committed snapshot keeps the committed one", () => {
  const store = new SnapshotStore(openDatabase(":memory:"));
  const at = new Date();
  const first = store.write(STATE, { actor: "a", reason: null, at });
  store.stage(STATE, { actor: "b", reason: null, at }).discard();
  assert.deepEqual(store.list(), [first]);
});

Deno.test("SnapshotStore - a pending snapshot left by a crash is gone after reopen", async () => {
  const dir = await Deno.makeTempDir({ prefix: "patchpanel-snap-" });
  try {
    const path = join(dir, "audit.sqlite");
    const db = openDatabase(path);
    const staged = new SnapshotStore(db).stage(STATE, { actor: "admin", reason: null });
    db.close(); // the daemon died between haproxy -c and the confirmed reload
    const db2 = openDatabase(path);
    const store = new SnapshotStore(db2); // opening purges what never got a confirmed reload
    const rows = db2.prepare("SELECT COUNT(*) AS n FROM snapshots").get() as { n: number };
    assert.equal(Number(rows.n), 0);
    assert.deepEqual(store.list(), []);
    db2.close();
    assert.match(staged.id, SNAPSHOT_ID_PATTERN);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
