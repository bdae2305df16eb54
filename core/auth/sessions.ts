/**
 * Server-side sessions. The cookie carries a 256-bit random id; the
 * database keeps only its SHA-256, so a copy of the database cannot be
 * replayed as cookies. A session ends at its idle timeout, its absolute
 * timeout, logout, a password change (the others of that user) or the
 * user's deletion.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import type { Role } from "../plugin.ts";
import { isRole } from "./roles.ts";
import { randomHex, sha256Hex } from "./random.ts";

/** Session lifetimes, in milliseconds. */
export interface SessionTimeouts {
  idleMs: number;
  absoluteMs: number;
}

/** A live session, resolved with its user's current role. */
export interface Session {
  /** SHA-256 of the cookie value: safe to log, useless as a cookie. */
  idHash: string;
  username: string;
  role: Role;
  csrf: string;
  createdAt: number;
}

/** A session just started: `id` goes into the cookie and nowhere else. */
export interface NewSession {
  id: string;
  session: Session;
}

interface Row {
  id_hash: string;
  username: string;
  csrf: string;
  created_at: number;
  last_seen_at: number;
  role: string;
}

/** The `auth_sessions` table. */
export class SessionStore {
  constructor(
    private readonly db: DatabaseSync,
    private readonly timeouts: SessionTimeouts,
    private readonly now: () => number = Date.now,
  ) {}

  /** Starts a session for a user: a fresh id every time (no fixation). */
  create(username: string, ip: string): NewSession {
    const id = randomHex(32);
    const idHash = sha256Hex(id);
    const csrf = randomHex(32);
    const t = this.now();
    this.db.prepare(
      `INSERT INTO auth_sessions (id_hash, username, csrf, created_at, last_seen_at, ip)
       VALUES (?, ?, ?, ?, ?, ?)`,
    ).run(idHash, username, csrf, t, t, ip);
    const session = this.lookup(id);
    if (!session) throw new Error("session vanished right after creation");
    return { id, session };
  }

  /** Resolves a cookie value to a live session, ending it if it timed out. */
  lookup(id: string): Session | null {
    if (!/^[0-9a-f]{64}$/.test(id)) return null;
    const idHash = sha256Hex(id);
    const row = this.db.prepare(
      `SELECT s.id_hash, s.username, s.csrf, s.created_at, s.last_seen_at, u.role
       FROM auth_sessions s JOIN auth_users u ON u.username = s.username WHERE s.id_hash = ?`,
    ).get(idHash) as Row | undefined;
    if (!row) return null;
    const t = this.now();
    if (
      t - row.created_at >= this.timeouts.absoluteMs || t - row.last_seen_at >= this.timeouts.idleMs
    ) {
      this.deleteByHash(idHash);
      return null;
    }
    // Touch at most every 1/8 of the idle window: sliding expiry without a write per request.
    if (t - row.last_seen_at >= Math.min(60_000, this.timeouts.idleMs / 8)) {
      this.db.prepare("UPDATE auth_sessions SET last_seen_at = ? WHERE id_hash = ?").run(t, idHash);
    }
    return {
      idHash,
      username: row.username,
      role: isRole(row.role) ? row.role : "viewer",
      csrf: row.csrf,
      createdAt: row.created_at,
    };
  }

  /** The CSRF token of a live session (by id hash), or null. */
  csrfOf(idHash: string): string | null {
    const row = this.db.prepare("SELECT csrf FROM auth_sessions WHERE id_hash = ?").get(idHash) as
      | { csrf: string }
      | undefined;
    return row?.csrf ?? null;
  }

  /** Ends one session. */
  deleteByHash(idHash: string): void {
    this.db.prepare("DELETE FROM auth_sessions WHERE id_hash = ?").run(idHash);
  }

  /** Ends every session of a user except `keepHash`; returns how many ended. */
  deleteForUser(username: string, keepHash: string | null = null): number {
    const r = this.db.prepare(
      "DELETE FROM auth_sessions WHERE username = ? AND id_hash IS NOT ?",
    ).run(username, keepHash);
    return Number(r.changes);
  }

  /** Drops sessions past either timeout (run now and then). */
  prune(): number {
    const t = this.now();
    const r = this.db.prepare(
      "DELETE FROM auth_sessions WHERE created_at <= ? OR last_seen_at <= ?",
    ).run(t - this.timeouts.absoluteMs, t - this.timeouts.idleMs);
    return Number(r.changes);
  }
}
