/**
 * Snapshots: every successfully applied state, kept for listing and rollback.
 *
 * The apply pipeline writes one after each successful `PUT /api/state`;
 * `POST /api/snapshots/:id/restore` feeds a snapshot's state back through the
 * full pipeline. Ids are the ISO timestamp with `:` replaced by `-`, then a
 * 7-hex-digit hash (`2026-05-17T12-34-56.789Z-abc1234`), so sorting ids as
 * text sorts snapshots by time, and an id is safe in a URL path and a file name.
 *
 * @example
 * ```ts
 * const snaps = new SnapshotStore(openDatabase(":memory:"));
 * const meta = snaps.write({ frontends: [] }, { actor: "admin", reason: null });
 * snaps.get(meta.id)?.state;
 * ```
 *
 * @module
 */

import { createHash } from "node:crypto";
import type { DatabaseSync } from "node:sqlite";
import { canonicalJson } from "./canonical.ts";
import { mustMigrate, withTransaction } from "./db.ts";
import { CHUNKED, SnapshotChunks } from "./snapshot_chunks.ts";
import type { StateJsonParts } from "../state/state_json.ts";

/** A snapshot without its state, as `GET /api/snapshots` lists it. */
export interface SnapshotMeta {
  id: string;
  /** When the state was applied, ISO 8601 UTC with milliseconds. */
  snapshotAt: string;
  actor: string;
  /** Why, as given to apply; `restore:<id>` for a rollback. */
  reason: string | null;
}

/** What a snapshot records besides the state itself. */
export interface SnapshotInput {
  actor: string;
  reason: string | null;
  /** When it was applied (default now). */
  at?: Date;
  /**
   * A content digest (hex) the caller already has, in place of hashing the
   * canonical serialization: the state store's (state_digest.ts), which the
   * ETag derives from too.
   */
  digest?: string;
  /**
   * That text in parts (the state store's): the snapshot is then stored a
   * backend at a time, sharing unchanged backends with earlier snapshots
   * (snapshot_chunks.ts).
   */
  parts?: StateJsonParts;
}

/** A snapshot written but not yet visible; see {@link SnapshotStore.stage}. */
export interface StagedSnapshot {
  id: string;
  /** Makes it visible and returns its metadata. */
  commit(): SnapshotMeta;
  /** Removes it (a no-op when the same id was already committed). */
  discard(): void;
}

/** A snapshot with its state, as `GET /api/snapshots/:id` returns it. */
export type Snapshot = SnapshotMeta & { state: unknown };

/**
 * A valid snapshot id, anchored. Milliseconds are optional so ids in the
 * spec's older form (`2026-05-17T12-34-56Z-abc1234`) are accepted too; route
 * handlers use it to answer 400 for a malformed id before touching the store.
 */
export const SNAPSHOT_ID_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}(?:\.\d{3})?Z-[0-9a-f]{7}$/;

/**
 * The id for `state` applied at `at`. Exported so callers can predict an id
 * (and tests can check it); the hash covers a digest of the state's content
 * (the SHA-256 of its canonical JSON, or the `digest` given) followed by the
 * ISO timestamp, so equal states at different times get different ids. Pass
 * `canonical` when the caller already has `canonicalJson(state)`, and
 * `digest` when it has a content digest (the state store's, state_digest.ts,
 * computed once for the ETag: a 12 MB state is not hashed twice).
 */
export function snapshotId(
  state: unknown,
  at: Date,
  canonical?: string,
  digest?: string,
): string {
  const iso = at.toISOString();
  const content = digest ??
    createHash("sha256").update(canonical ?? canonicalJson(state)).digest("hex");
  const hash = createHash("sha256").update(content).update(iso).digest("hex");
  return `${iso.replaceAll(":", "-")}-${hash.slice(0, 7)}`;
}

const STEPS = [
  `CREATE TABLE snapshots (
    id TEXT PRIMARY KEY,
    snapshot_at TEXT NOT NULL,
    actor TEXT NOT NULL,
    reason TEXT,
    state TEXT NOT NULL
  );
  CREATE INDEX snapshots_at ON snapshots (snapshot_at, id);`,
  // Snapshots written while HAProxy checks the config, until the reload is confirmed. A table
  // of their ids (not a flag column): confirming must not rewrite a row holding a whole state.
  `CREATE TABLE snapshot_pending (id TEXT PRIMARY KEY);`,
  // A row's state is its whole text ('whole') or a manifest of per-backend chunks
  // (snapshot_chunks.ts).
  `ALTER TABLE snapshots ADD COLUMN layout TEXT NOT NULL DEFAULT 'whole';
  CREATE TABLE snapshot_chunks (hash TEXT PRIMARY KEY, text TEXT NOT NULL) WITHOUT ROWID;`,
];

/** SQL: the snapshot row is not pending (staged by an apply whose reload is unconfirmed). */
const VISIBLE = "id NOT IN (SELECT id FROM snapshot_pending)";

interface MetaRow {
  id: string;
  snapshot_at: string;
  actor: string;
  reason: string | null;
}

function toMeta(row: MetaRow): SnapshotMeta {
  return { id: row.id, snapshotAt: row.snapshot_at, actor: row.actor, reason: row.reason };
}

type StateRow = MetaRow & { state: string; layout: string };

/**
 * Snapshots in one database (owner `core.snapshots`). State is stored as its
 * JSON text exactly as given, so a restore reproduces it key for key.
 *
 * Core machinery, reachable from a `Daemon` for tests and embedders;
 * not part of the plugin API (hence `@internal`: `deno doc` does not list it).
 *
 * @internal
 */
export class SnapshotStore {
  readonly #db: DatabaseSync;
  readonly #chunks: SnapshotChunks;

  constructor(db: DatabaseSync) {
    this.#db = db;
    mustMigrate(db, "core.snapshots", STEPS);
    this.#chunks = new SnapshotChunks(db);
    // A pending snapshot is an apply that never got a confirmed reload (the daemon died).
    const dropped = db.prepare(
      "DELETE FROM snapshots WHERE id IN (SELECT id FROM snapshot_pending)",
    ).run();
    db.exec("DELETE FROM snapshot_pending");
    if (Number(dropped.changes) > 0) this.#chunks.sweep();
  }

  #toSnapshot(row: StateRow | undefined): Snapshot | null {
    if (!row) return null;
    const text = row.layout === CHUNKED ? this.#chunks.assemble(row.state) : row.state;
    return { ...toMeta(row), state: JSON.parse(text) };
  }

  /**
   * Store `state` and return its metadata. Writing the same state twice in
   * the same millisecond yields the same id; the second write is a no-op and
   * returns the first one's metadata.
   */
  write(state: unknown, meta: SnapshotInput): SnapshotMeta {
    return this.stage(state, meta).commit();
  }

  /**
   * Stores `state` as pending: invisible to list, get and restore until
   * `commit`, removed by `discard` or by the next start-up. The apply
   * pipeline stages while `haproxy -c` runs and commits after the reload.
   */
  stage(state: unknown, meta: SnapshotInput): StagedSnapshot {
    const at = meta.at ?? new Date();
    const id = snapshotId(state, at, undefined, meta.digest);
    const plan = meta.parts ? this.#chunks.plan(meta.parts) : null;
    const ours = withTransaction(this.#db, () => {
      const inserted = this.#db.prepare(
        `INSERT INTO snapshots (id, snapshot_at, actor, reason, state, layout)
         VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
      ).run(
        id,
        at.toISOString(),
        meta.actor,
        meta.reason,
        plan ? plan.manifest : JSON.stringify(state) ?? "null",
        plan ? CHUNKED : "whole",
      );
      if (Number(inserted.changes) !== 1) return false;
      if (plan) this.#chunks.insert(plan);
      this.#db.prepare("INSERT INTO snapshot_pending (id) VALUES (?)").run(id);
      return true;
    });
    if (ours && plan) this.#chunks.remember(plan);
    let settled = false;
    return {
      id,
      commit: () => {
        if (ours && !settled) {
          this.#db.prepare("DELETE FROM snapshot_pending WHERE id = ?").run(id);
          settled = true;
        }
        const row = this.#db.prepare(
          `SELECT id, snapshot_at, actor, reason FROM snapshots WHERE id = ? AND ${VISIBLE}`,
        ).get(id) as MetaRow | undefined;
        if (!row) throw new Error(`snapshot ${id} vanished before its commit`);
        return toMeta(row);
      },
      discard: () => {
        if (!ours || settled) return;
        withTransaction(this.#db, () => {
          this.#db.prepare("DELETE FROM snapshots WHERE id = ?").run(id);
          this.#db.prepare("DELETE FROM snapshot_pending WHERE id = ?").run(id);
        });
        settled = true;
      },
    };
  }

  /** Metadata of the newest `limit` snapshots (default 100), newest first. */
  list(limit = 100): SnapshotMeta[] {
    const rows = this.#db.prepare(
      `SELECT id, snapshot_at, actor, reason FROM snapshots
       WHERE ${VISIBLE} ORDER BY snapshot_at DESC, id DESC LIMIT ?`,
    ).all(Math.max(0, Math.trunc(limit))) as unknown as MetaRow[];
    return rows.map(toMeta);
  }

  /** One snapshot with its state, or `null` when the id is unknown or malformed. */
  get(id: string): Snapshot | null {
    if (!SNAPSHOT_ID_PATTERN.test(id)) return null;
    return this.#toSnapshot(
      this.#db.prepare(`SELECT * FROM snapshots WHERE id = ? AND ${VISIBLE}`).get(id) as
        | StateRow
        | undefined,
    );
  }

  /** The most recent snapshot, or `null` before the first apply. */
  latest(): Snapshot | null {
    return this.#toSnapshot(
      this.#db.prepare(
        `SELECT * FROM snapshots WHERE ${VISIBLE} ORDER BY snapshot_at DESC, id DESC LIMIT 1`,
      )
        .get() as StateRow | undefined,
    );
  }

  /** Keep the newest `keep` snapshots and delete the rest; return how many went. */
  prune(keep: number): number {
    const result = this.#db.prepare(
      `DELETE FROM snapshots WHERE ${VISIBLE} AND id NOT IN
       (SELECT id FROM snapshots WHERE ${VISIBLE} ORDER BY snapshot_at DESC, id DESC LIMIT ?)`,
    ).run(Math.max(0, Math.trunc(keep)));
    if (Number(result.changes) > 0) this.#chunks.sweep();
    return Number(result.changes);
  }
}
