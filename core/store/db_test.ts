/**
 * Tests for the database opener and the migration runner.
 *
 * @module
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { migrate, openDatabase, withTransaction } from "./db.ts";

async function withTempDir(fn: (dir: string) => void | Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "patchpanel-store-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function pragma(db: ReturnType<typeof openDatabase>, name: string): unknown {
  const row = db.prepare(`PRAGMA ${name}`).get() as Record<string, unknown>;
  return Object.values(row)[0];
}

Deno.test("openDatabase - file database uses WAL, busy timeout, foreign keys, NORMAL sync", async () => {
  await withTempDir((dir) => {
    const path = join(dir, "audit.sqlite");
    const db = openDatabase(path);
    try {
      assert.equal(pragma(db, "journal_mode"), "wal");
      assert.equal(pragma(db, "busy_timeout"), 5000);
      assert.equal(pragma(db, "foreign_keys"), 1);
      assert.equal(pragma(db, "synchronous"), 1); // NORMAL
      db.exec("CREATE TABLE t (x INTEGER)");
      db.exec("INSERT INTO t VALUES (1)");
      assert.ok(Deno.statSync(`${path}-wal`).isFile, "a -wal file exists while open");
    } finally {
      db.close();
    }
    // WAL is persistent: a second open sees it without being told.
    const again = openDatabase(path);
    assert.equal(pragma(again, "journal_mode"), "wal");
    again.close();
  });
});

Deno.test("openDatabase - :memory: works", () => {
  const db = openDatabase(":memory:");
  db.exec("CREATE TABLE t (x INTEGER)");
  db.prepare("INSERT INTO t VALUES (?)").run(42);
  assert.deepEqual({ ...(db.prepare("SELECT x FROM t").get() as object) }, { x: 42 });
  db.close();
});

Deno.test("migrate - applies each step once, per owner", () => {
  const db = openDatabase(":memory:");
  const steps = ["CREATE TABLE a (x INTEGER)", "ALTER TABLE a ADD COLUMN y TEXT"];
  assert.deepEqual(migrate(db, "core.a", steps), { ok: true, applied: [1, 2] });
  assert.deepEqual(migrate(db, "core.a", steps), { ok: true, applied: [] });
  // Appending a step applies only the new one.
  assert.deepEqual(migrate(db, "core.a", [...steps, "CREATE INDEX a_y ON a (y)"]), {
    ok: true,
    applied: [3],
  });
  // Another owner has its own numbering.
  assert.deepEqual(migrate(db, "geoip", ["CREATE TABLE b (x INTEGER)"]), {
    ok: true,
    applied: [1],
  });
  const rows = db.prepare("SELECT owner, step FROM schema_migrations ORDER BY owner, step").all();
  assert.deepEqual(rows.map((r) => ({ ...r })), [
    { owner: "core.a", step: 1 },
    { owner: "core.a", step: 2 },
    { owner: "core.a", step: 3 },
    { owner: "geoip", step: 1 },
  ]);
  db.close();
});

Deno.test("migrate - a failing step is rolled back and reported, earlier steps stay", () => {
  const db = openDatabase(":memory:");
  const result = migrate(db, "p", [
    "CREATE TABLE ok1 (x INTEGER)",
    "CREATE TABLE half (x INTEGER); CREATE TABLE broken (",
  ]);
  assert.equal(result.ok, false);
  assert.ok(!result.ok && result.kind === "StepFailed" && result.step === 2);
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    .all().map((r) => r.name);
  assert.ok(tables.includes("ok1"));
  assert.ok(!tables.includes("half"), "the failed step's partial work is rolled back");
  assert.deepEqual(migrate(db, "p", ["CREATE TABLE ok1 (x INTEGER)"]), { ok: true, applied: [] });
  db.close();
});

Deno.test("migrate - a database from a newer build is reported, not touched", () => {
  const db = openDatabase(":memory:");
  migrate(db, "p", ["CREATE TABLE a (x INTEGER)", "CREATE TABLE b (x INTEGER)"]);
  const result = migrate(db, "p", ["CREATE TABLE a (x INTEGER)"]);
  assert.ok(!result.ok && result.kind === "DatabaseAhead" && result.step === 2);
  db.close();
});

Deno.test("withTransaction - rolls back when the callback throws", () => {
  const db = openDatabase(":memory:");
  db.exec("CREATE TABLE t (x INTEGER)");
  assert.throws(() =>
    withTransaction(db, () => {
      db.exec("INSERT INTO t VALUES (1)");
      throw new Error("boom");
    }), /boom/);
  assert.equal((db.prepare("SELECT COUNT(*) AS n FROM t").get() as { n: number }).n, 0);
  assert.equal(withTransaction(db, () => db.prepare("INSERT INTO t VALUES (2)").run().changes), 1);
  db.close();
});

Deno.test("openDatabase - the database and its WAL files are owner-only (0600)", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/audit.sqlite`;
  const db = openDatabase(path);
  db.exec("CREATE TABLE t (x)");
  db.exec("INSERT INTO t VALUES (1)");
  for (const f of [path, `${path}-wal`]) {
    assert.equal((await Deno.stat(f)).mode! & 0o777, 0o600, f);
  }
  db.close();
});
