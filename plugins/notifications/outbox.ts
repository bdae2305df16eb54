/**
 * The persistent outbox: one row per (notice, channel), in the shared
 * SQLite database (`notifications_outbox`). An event only inserts rows; a
 * background worker delivers them, so an apply never waits on a receiver.
 * A failed attempt is retried with backoff up to {@link MAX_ATTEMPTS}; a row
 * still pending when the daemon stops is delivered after the next start
 * (its interrupted attempt does not count). Sent and failed rows are kept a
 * week for the console page, then pruned.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import type { Notice } from "./notice.ts";

/** Attempts per delivery before it is given up. */
export const MAX_ATTEMPTS = 3;

/** How long delivered and given-up rows are kept, ms. */
export const KEEP_MS = 7 * 24 * 3600 * 1000;

/** The plugin's migrations (run through `host.migrate`). */
export const OUTBOX_MIGRATIONS = [
  `CREATE TABLE notifications_outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    channel_id TEXT NOT NULL,
    notice TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_at INTEGER NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending',
    last_status INTEGER,
    last_error TEXT,
    created_at INTEGER NOT NULL,
    done_at INTEGER
  )`,
  `CREATE INDEX notifications_outbox_due ON notifications_outbox (status, next_at)`,
  `CREATE INDEX notifications_outbox_channel ON notifications_outbox (channel_id, id)`,
];

/** A row waiting for delivery. */
export interface OutboxRow {
  id: number;
  channelId: string;
  notice: Notice;
  /** Attempts made so far. */
  attempts: number;
}

/** A channel's most recent finished delivery, for the console page. */
export interface LastDelivery {
  status: "sent" | "failed" | "pending";
  attempts: number;
  httpStatus: number | null;
  error: string | null;
  at: string;
  title: string;
}

/** Rows in, rows out; the delivery loop lives in dispatcher.ts. */
export class Outbox {
  constructor(private db: DatabaseSync, private now: () => number = Date.now) {}

  /** Queues a notice for a channel, due now. */
  add(channelId: string, notice: Notice): number {
    const t = this.now();
    const r = this.db.prepare(
      `INSERT INTO notifications_outbox (channel_id, notice, next_at, created_at)
       VALUES (?, ?, ?, ?)`,
    ).run(channelId, JSON.stringify(notice), t, t);
    return Number(r.lastInsertRowid);
  }

  /** Pending rows due by now, oldest first, skipping `busy` ones. */
  due(limit: number, busy: Set<number>): OutboxRow[] {
    const rows = this.db.prepare(
      `SELECT id, channel_id, notice, attempts FROM notifications_outbox
       WHERE status = 'pending' AND next_at <= ? ORDER BY id LIMIT ?`,
    ).all(this.now(), limit + busy.size) as {
      id: number;
      channel_id: string;
      notice: string;
      attempts: number;
    }[];
    return rows.filter((r) => !busy.has(r.id)).slice(0, limit).map((r) => ({
      id: r.id,
      channelId: r.channel_id,
      notice: JSON.parse(r.notice) as Notice,
      attempts: r.attempts,
    }));
  }

  /** When the next pending row falls due (epoch ms), or null when none is pending. */
  nextDue(): number | null {
    const r = this.db.prepare(
      `SELECT MIN(next_at) AS t FROM notifications_outbox WHERE status = 'pending'`,
    ).get() as { t: number | null } | undefined;
    return r?.t ?? null;
  }

  /** Makes every pending row due now: a start resumes what the last run left. */
  resumeAll(): number {
    const r = this.db.prepare(
      `UPDATE notifications_outbox SET next_at = ? WHERE status = 'pending'`,
    ).run(this.now());
    return Number(r.changes);
  }

  /** Records a delivery made outside the loop (a test, a dispatch), already finished. */
  recordDone(
    channelId: string,
    notice: Notice,
    r: { ok: boolean; status: number | null; error?: string },
  ): void {
    const t = this.now();
    this.db.prepare(
      `INSERT INTO notifications_outbox (channel_id, notice, attempts, next_at, status,
         last_status, last_error, created_at, done_at) VALUES (?, ?, 1, ?, ?, ?, ?, ?, ?)`,
    ).run(
      channelId,
      JSON.stringify(notice),
      t,
      r.ok ? "sent" : "failed",
      r.status,
      r.error ?? null,
      t,
      t,
    );
  }

  /** Records a delivered row. */
  sent(id: number, attempts: number, status: number): void {
    this.db.prepare(
      `UPDATE notifications_outbox SET status = 'sent', attempts = ?, last_status = ?,
       last_error = NULL, done_at = ? WHERE id = ?`,
    ).run(attempts, status, this.now(), id);
  }

  /** Records a failed attempt: retried at `retryAt`, or given up when that is null. */
  failed(
    id: number,
    attempts: number,
    status: number | null,
    error: string,
    retryAt: number | null,
  ): void {
    if (retryAt === null) {
      this.db.prepare(
        `UPDATE notifications_outbox SET status = 'failed', attempts = ?, last_status = ?,
         last_error = ?, done_at = ? WHERE id = ?`,
      ).run(attempts, status, error, this.now(), id);
    } else {
      this.db.prepare(
        `UPDATE notifications_outbox SET attempts = ?, last_status = ?, last_error = ?,
         next_at = ? WHERE id = ?`,
      ).run(attempts, status, error, retryAt, id);
    }
  }

  /** Drops a row whose channel no longer exists or is disabled; returns nothing to retry. */
  drop(id: number, reason: string): void {
    this.db.prepare(
      `UPDATE notifications_outbox SET status = 'failed', last_error = ?, done_at = ? WHERE id = ?`,
    ).run(reason, this.now(), id);
  }

  /** Deletes finished rows older than {@link KEEP_MS}. */
  prune(): number {
    const r = this.db.prepare(
      `DELETE FROM notifications_outbox WHERE status != 'pending' AND done_at < ?`,
    ).run(this.now() - KEEP_MS);
    return Number(r.changes);
  }

  /** Each channel's newest row, for the console page. */
  lastByChannel(): Map<string, LastDelivery> {
    const rows = this.db.prepare(
      `SELECT o.channel_id, o.status, o.attempts, o.last_status, o.last_error, o.notice,
              COALESCE(o.done_at, o.created_at) AS t
       FROM notifications_outbox o
       JOIN (SELECT channel_id, MAX(id) AS id FROM notifications_outbox GROUP BY channel_id) m
         ON m.id = o.id`,
    ).all() as {
      channel_id: string;
      status: LastDelivery["status"];
      attempts: number;
      last_status: number | null;
      last_error: string | null;
      notice: string;
      t: number;
    }[];
    return new Map(rows.map((r) => [r.channel_id, {
      status: r.status,
      attempts: r.attempts,
      httpStatus: r.last_status,
      error: r.last_error,
      at: new Date(r.t).toISOString(),
      title: (JSON.parse(r.notice) as Notice).title,
    }]));
  }
}
