/**
 * The audit log: who did what, to what, and whether it worked.
 *
 * Every state change, runtime operation, login and token use is one row. The
 * REST surface (`GET /api/audit?limit&category&actor`) reads it newest first;
 * `logging.auditRetentionDays` (default 365) drives {@link AuditLog.vacuum}.
 * Rows are append-only: nothing updates an entry after it is written.
 *
 * @example
 * ```ts
 * const audit = new AuditLog(openDatabase(":memory:"));
 * audit.record({ actor: "admin", category: "state", action: "apply", outcome: "success" });
 * audit.list({ limit: 100, category: "state" });
 * ```
 *
 * @module
 */

import type { DatabaseSync } from "node:sqlite";
import { mustMigrate } from "./db.ts";
import type { StateChange, StateChanges } from "../state/changes.ts";

/**
 * Whether the audited action took effect; failures are audited too.
 * `unchanged`: an apply whose config was identical to the live one, so
 * nothing was reloaded.
 */
export type AuditOutcome = "success" | "failure" | "unchanged";

/** One audit row as the API returns it. */
export interface AuditEntry {
  /** Monotonic; newer entries have larger ids. Also the pagination cursor. */
  id: number;
  /** When it happened, ISO 8601 UTC with milliseconds. */
  ts: string;
  /** A username, `token:<name>`, `peer:<name>`, or `system`. */
  actor: string;
  /** e.g. state, cert, haproxy, auth, api-token, cluster, snapshot, lua-plugin. */
  category: string;
  /** What was attempted, e.g. `apply`, `login`, `drain`. */
  action: string;
  /** The entity acted on (a backend, a user, a snapshot id), when there is one. */
  target: string | null;
  /** Structured context; never secrets. */
  details: Record<string, unknown> | null;
  /** Whether the action took effect. */
  outcome: AuditOutcome;
  /**
   * For a state apply: what it changed (or, failed, tried to), entity and
   * field (core/state/changes.ts); absent on entries that record none.
   */
  changes?: StateChange[];
  /** How many more changes the apply made than `changes` lists; present with it. */
  changesOmitted?: number;
}

/** What a caller supplies to {@link AuditLog.record}; `ts` defaults to now. */
export interface AuditInput {
  /** Who acted: a username, `token:<name>`, `peer:<name>`, or `system`. */
  actor: string;
  /** The area acted on, e.g. `state`, `cert`, `auth`. */
  category: string;
  /** What was attempted, e.g. `apply`, `login`, `drain`. */
  action: string;
  /** The entity acted on, when there is one. */
  target?: string | null;
  /** Structured context; never secrets. */
  details?: Record<string, unknown> | null;
  /** Whether the action took effect; failures are audited too. */
  outcome: AuditOutcome;
  /** Override the timestamp (imports, tests); any `Date`-parsable value. */
  ts?: string | Date;
  /** A state apply's changes, already bounded and with secrets masked (stateChanges). */
  changes?: StateChanges | null;
}

/** A page query for {@link AuditLog.list}. */
export interface AuditQuery {
  /** Page size; clamped to 0..{@link AUDIT_MAX_LIMIT}. */
  limit: number;
  /** Only entries in this category. */
  category?: string;
  /** Only entries by this actor. */
  actor?: string;
  /** Return only entries older than this id (the last id of the previous page). */
  beforeId?: number;
}

/** The largest page {@link AuditLog.list} returns, matching the API's maximum. */
export const AUDIT_MAX_LIMIT = 1000;

const STEPS = [
  `CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ts TEXT NOT NULL,
    actor TEXT NOT NULL,
    category TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT,
    details TEXT,
    outcome TEXT NOT NULL CHECK (outcome IN ('success', 'failure'))
  );
  CREATE INDEX audit_log_ts ON audit_log (ts);
  CREATE INDEX audit_log_category ON audit_log (category, id);
  CREATE INDEX audit_log_actor ON audit_log (actor, id);`,
  // SQLite cannot alter a CHECK constraint: rebuild the table to allow 'unchanged'.
  `CREATE TABLE audit_log_v2 (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ts TEXT NOT NULL,
    actor TEXT NOT NULL,
    category TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT,
    details TEXT,
    outcome TEXT NOT NULL CHECK (outcome IN ('success', 'failure', 'unchanged'))
  );
  INSERT INTO audit_log_v2 SELECT id, ts, actor, category, action, target, details, outcome
    FROM audit_log;
  DROP TABLE audit_log;
  ALTER TABLE audit_log_v2 RENAME TO audit_log;
  CREATE INDEX audit_log_ts ON audit_log (ts);
  CREATE INDEX audit_log_category ON audit_log (category, id);
  CREATE INDEX audit_log_actor ON audit_log (actor, id);`,
  // A state apply's change list, `{changes, omitted}` as JSON; null on other entries.
  `ALTER TABLE audit_log ADD COLUMN changes TEXT;`,
];

interface Row {
  id: number;
  ts: string;
  actor: string;
  category: string;
  action: string;
  target: string | null;
  details: string | null;
  outcome: AuditOutcome;
  changes: string | null;
}

function toEntry(row: Row): AuditEntry {
  const entry: AuditEntry = {
    id: Number(row.id),
    ts: row.ts,
    actor: row.actor,
    category: row.category,
    action: row.action,
    target: row.target,
    details: row.details === null ? null : JSON.parse(row.details),
    outcome: row.outcome,
  };
  if (row.changes !== null) {
    const { changes, omitted } = JSON.parse(row.changes) as StateChanges;
    entry.changes = changes;
    entry.changesOmitted = omitted;
  }
  return entry;
}

/**
 * The audit log over one database. Constructing it creates its table (owner
 * `core.audit`) if needed; construct one per database and share it.
 */
export class AuditLog {
  readonly #db: DatabaseSync;

  /** Opens the log over `db`, creating its table on first use. */
  constructor(db: DatabaseSync) {
    this.#db = db;
    mustMigrate(db, "core.audit", STEPS);
  }

  /**
   * Append one entry and return it as stored. Timestamps are normalized to
   * ISO UTC with milliseconds so they compare as text (retention, ordering);
   * an unparsable `ts` throws a `RangeError`, being a caller bug.
   */
  record(e: AuditInput): AuditEntry {
    const ts = new Date(e.ts ?? Date.now()).toISOString();
    const details = e.details == null ? null : JSON.stringify(e.details);
    const changes = e.changes == null ? null : JSON.stringify(e.changes);
    const row = this.#db.prepare(
      `INSERT INTO audit_log (ts, actor, category, action, target, details, outcome, changes)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
    ).get(ts, e.actor, e.category, e.action, e.target ?? null, details, e.outcome, changes) as
      | Row
      | undefined;
    if (!row) throw new Error("audit insert returned no row");
    return toEntry(row);
  }

  /** Entries matching every given filter, newest first, at most `limit` of them. */
  list(q: AuditQuery): AuditEntry[] {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (q.category !== undefined) {
      where.push("category = ?");
      args.push(q.category);
    }
    if (q.actor !== undefined) {
      where.push("actor = ?");
      args.push(q.actor);
    }
    if (q.beforeId !== undefined) {
      where.push("id < ?");
      args.push(q.beforeId);
    }
    const limit = Math.max(0, Math.min(Math.trunc(q.limit), AUDIT_MAX_LIMIT));
    const sql = `SELECT * FROM audit_log ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
      ORDER BY id DESC LIMIT ?`;
    const rows = this.#db.prepare(sql).all(...args, limit) as unknown as Row[];
    return rows.map(toEntry);
  }

  /**
   * Delete entries older than `retentionDays` before `now`; return how many.
   * Called after logging, so the table never outgrows the retention window.
   */
  vacuum(retentionDays: number, now: Date = new Date()): number {
    const cutoff = new Date(now.getTime() - retentionDays * 86_400_000).toISOString();
    const result = this.#db.prepare("DELETE FROM audit_log WHERE ts < ?").run(cutoff);
    return Number(result.changes);
  }
}
