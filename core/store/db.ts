/**
 * Opening patchpanel's SQLite database and evolving its schema.
 *
 * One file (`audit.sqlite` in the data directory) holds the audit log,
 * snapshots, users, sessions, tokens and whatever plugins keep. It is opened
 * in WAL mode so the HTTP server can read while the apply pipeline writes,
 * and each owner (core, or a plugin by name) evolves its own tables with
 * numbered steps through {@link migrate}. `node:sqlite` is built into Deno,
 * so nothing native is downloaded at run time.
 *
 * @example
 * ```ts
 * const db = openDatabase(":memory:");
 * const result = migrate(db, "geoip", ["CREATE TABLE geoip_hits (ip TEXT)"]);
 * if (!result.ok) throw new Error(result.message);
 * ```
 *
 * @module
 */

import { DatabaseSync } from "node:sqlite";

/**
 * Open (creating if needed) a database with the settings every caller relies
 * on: WAL journal (readers never block the writer), a 5 s busy timeout
 * (a second connection waits instead of failing with SQLITE_BUSY), foreign
 * keys enforced, and `synchronous=NORMAL` (durable at every checkpoint, safe
 * in WAL mode, much faster than FULL). `":memory:"` works for tests; it
 * reports journal mode `memory`, since WAL needs a file.
 */
export function openDatabase(path: string): DatabaseSync {
  const onDisk = path !== ":memory:" && !path.startsWith("file:");
  // The database holds password hashes, sessions and tokens: owner-only. SQLite gives the
  // -wal and -shm files the mode of the database file, so create that one 0600 first.
  if (onDisk) Deno.openSync(path, { create: true, write: true, mode: 0o600 }).close();
  const db = new DatabaseSync(path);
  db.exec("PRAGMA busy_timeout = 5000");
  db.exec("PRAGMA journal_mode = WAL");
  db.exec("PRAGMA foreign_keys = ON");
  db.exec("PRAGMA synchronous = NORMAL");
  if (onDisk) {
    for (const f of [path, `${path}-wal`, `${path}-shm`]) {
      try {
        Deno.chmodSync(f, 0o600);
      } catch {
        // -shm/-wal appear lazily; SQLite creates them with the database file's mode.
      }
    }
  }
  return db;
}

/**
 * Run `fn` inside `BEGIN IMMEDIATE … COMMIT`, rolling back if it throws.
 * IMMEDIATE takes the write lock up front, so two writers serialize on the
 * busy timeout instead of one failing half-way. Not re-entrant: do not nest.
 */
export function withTransaction<T>(db: DatabaseSync, fn: () => T): T {
  db.exec("BEGIN IMMEDIATE");
  try {
    const result = fn();
    db.exec("COMMIT");
    return result;
  } catch (err) {
    if (db.isTransaction) db.exec("ROLLBACK");
    throw err;
  }
}

/** What {@link migrate} reports: the step numbers it applied now, or why it stopped. */
export type MigrateResult =
  | { ok: true; applied: number[] }
  | {
    ok: false;
    /**
     * `StepFailed`: a step's SQL failed and was rolled back (earlier steps stay).
     * `DatabaseAhead`: the database has steps this build does not know, i.e. it
     * was written by a newer patchpanel; nothing was changed.
     */
    kind: "StepFailed" | "DatabaseAhead";
    owner: string;
    step: number;
    message: string;
  };

/**
 * Apply the not-yet-applied steps of `owner`, in order, each once.
 *
 * Steps are numbered from 1 by their position in `steps`, so an owner only
 * ever appends to its list: never edit or reorder a shipped step. Each step
 * runs in its own transaction together with its row in
 * `schema_migrations(owner, step)`, so a crash leaves every step either fully
 * applied and recorded or not at all. Owners are independent: core uses
 * `core.<area>`, a plugin uses its plugin name.
 */
export function migrate(db: DatabaseSync, owner: string, steps: string[]): MigrateResult {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    owner TEXT NOT NULL,
    step INTEGER NOT NULL,
    applied_at TEXT NOT NULL,
    PRIMARY KEY (owner, step)
  )`);
  const row = db.prepare("SELECT MAX(step) AS step FROM schema_migrations WHERE owner = ?")
    .get(owner) as { step: number | null } | undefined;
  const current = row?.step ?? 0;
  if (current > steps.length) {
    return {
      ok: false,
      kind: "DatabaseAhead",
      owner,
      step: current,
      message: `${owner}: database is at step ${current}, this build knows ${steps.length}`,
    };
  }
  const record = db.prepare(
    "INSERT INTO schema_migrations (owner, step, applied_at) VALUES (?, ?, ?)",
  );
  const applied: number[] = [];
  for (let step = current + 1; step <= steps.length; step++) {
    try {
      withTransaction(db, () => {
        db.exec(steps[step - 1]);
        record.run(owner, step, new Date().toISOString());
      });
    } catch (err) {
      return {
        ok: false,
        kind: "StepFailed",
        owner,
        step,
        message: `${owner} step ${step}: ${err instanceof Error ? err.message : String(err)}`,
      };
    }
    applied.push(step);
  }
  return { ok: true, applied };
}

/**
 * Migrate or throw: for the store's own classes, whose steps ship with the
 * code, so a failure is a bug or a newer database and start-up must stop.
 */
export function mustMigrate(db: DatabaseSync, owner: string, steps: string[]): void {
  const result = migrate(db, owner, steps);
  if (!result.ok) throw new Error(`migration ${result.kind}: ${result.message}`);
}
