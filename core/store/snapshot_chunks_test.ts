/**
 * Snapshots stored a backend at a time: byte for byte, unchanged backends
 * once, orphans swept.
 *
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import type { DatabaseSync } from "node:sqlite";
import { openDatabase } from "./db.ts";
import { SnapshotStore } from "./snapshots.ts";
import { stateJsonParts } from "../state/state_json.ts";
import type { State } from "../state/schema.ts";

function backend(id: string, weight: number) {
  return Object.freeze({
    id,
    servers: Object.freeze([{ name: "s", address: "127.0.0.1:9", weight }]),
  });
}

/** A state of `n` frozen backends; `changed` gets another weight. */
function state(shared: ReturnType<typeof backend>[], changed?: number) {
  const backends = shared.map((b, i) => i === changed ? backend(b.id, 7) : b);
  return { version: 1, haproxy: { frontends: [], backends }, note: "é\u2028" } as unknown as State;
}

function write(store: SnapshotStore, s: State, at: Date) {
  const parts = stateJsonParts(s, JSON.stringify);
  return store.write(s, { actor: "t", reason: null, at, parts });
}

const count = (db: DatabaseSync, table: string) =>
  Number((db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n);

Deno.test("snapshot chunks - a snapshot reads back byte for byte; unchanged backends are stored once", () => {
  const db = openDatabase(":memory:");
  const store = new SnapshotStore(db);
  const shared = Array.from({ length: 50 }, (_, i) => backend(`b${i}`, 1));
  const first = write(store, state(shared), new Date(1000));
  const second = write(store, state(shared, 3), new Date(2000));
  assert.equal(count(db, "snapshot_chunks"), 51, "50 backends, then the one that changed");
  assert.deepEqual(store.get(first.id)!.state, JSON.parse(JSON.stringify(state(shared))));
  assert.equal(JSON.stringify(store.get(second.id)!.state), JSON.stringify(state(shared, 3)));
  assert.equal(JSON.stringify(store.latest()!.state), JSON.stringify(state(shared, 3)));
  // Without parts (start-up's first snapshot) the text is stored whole, as before.
  const whole = store.write({ a: 1 }, { actor: "t", reason: null, at: new Date(3000) });
  assert.deepEqual(store.get(whole.id)!.state, { a: 1 });
});

Deno.test("snapshot chunks - prune and a crashed apply leave no chunk that no snapshot names", async () => {
  const dir = await Deno.makeTempDir({ prefix: "patchpanel-chunks-" });
  try {
    const path = join(dir, "audit.sqlite");
    const db = openDatabase(path);
    const store = new SnapshotStore(db);
    const shared = Array.from({ length: 5 }, (_, i) => backend(`b${i}`, 1));
    write(store, state(shared, 0), new Date(1000));
    const kept = write(store, state(shared, 1), new Date(2000));
    assert.equal(count(db, "snapshot_chunks"), 7);
    assert.equal(store.prune(1), 1);
    assert.equal(count(db, "snapshot_chunks"), 5, "the first snapshot's changed backend went");
    assert.equal(JSON.stringify(store.get(kept.id)!.state), JSON.stringify(state(shared, 1)));
    // Staged, never committed: the daemon died before the reload was confirmed.
    const s = state(shared, 2);
    const parts = stateJsonParts(s, JSON.stringify);
    store.stage(s, { actor: "t", reason: null, parts });
    assert.equal(count(db, "snapshot_chunks"), 7, "b1 as it was again (swept), b2 changed");
    db.close();
    const db2 = openDatabase(path);
    const again = new SnapshotStore(db2);
    assert.equal(count(db2, "snapshot_chunks"), 5);
    assert.equal(JSON.stringify(again.get(kept.id)!.state), JSON.stringify(state(shared, 1)));
    // The store knows what it holds after the sweep: a new snapshot re-inserts what went.
    const next = write(again, state(shared, 2), new Date(3000));
    assert.equal(JSON.stringify(again.get(next.id)!.state), JSON.stringify(state(shared, 2)));
    db2.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
