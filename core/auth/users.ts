/**
 * Users: who may log in, with which role. Enforces the invariants that
 * cannot live in a route: usernames are plain (no `:`, so they never
 * collide with `token:` or `peer:` actors), and the last admin can be
 * neither demoted nor removed.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import type { Role } from "../plugin.ts";
import { withTransaction } from "../store/db.ts";
import { isRole } from "./roles.ts";

/** A user as the API shows it (never the hash). */
export interface User {
  username: string;
  role: Role;
  createdAt: string;
  passwordChangedAt: string;
}

/** Why a user change was refused. */
export type UserChangeError =
  | { kind: "exists" }
  | { kind: "missing" }
  | { kind: "last-admin" }
  | { kind: "setup-done" };

/** A user change that either happened or names why not. */
export type UserChange<T = User> = { ok: true; user: T } | { ok: false; error: UserChangeError };

const USERNAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;
const RESERVED = new Set(["system", "anonymous", "local"]);

/** Why a username is unacceptable, or null. */
export function usernameProblem(name: string): string | null {
  if (!USERNAME.test(name)) {
    return "username must be 1-64 characters of letters, digits, '.', '_', '@' or '-'";
  }
  if (RESERVED.has(name.toLowerCase())) return `username '${name}' is reserved`;
  return null;
}

interface Row {
  username: string;
  password_hash: string;
  role: string;
  created_at: string;
  password_changed_at: string;
}

function toUser(row: Row): User {
  return {
    username: row.username,
    role: isRole(row.role) ? row.role : "viewer",
    createdAt: row.created_at,
    passwordChangedAt: row.password_changed_at,
  };
}

/** The `auth_users` table. Passwords arrive already hashed. */
export class UserStore {
  constructor(private readonly db: DatabaseSync) {}

  /** How many users exist (0 means first-run setup is open). */
  count(): number {
    return (this.db.prepare("SELECT COUNT(*) AS n FROM auth_users").get() as { n: number }).n;
  }

  /** Every user, by name. */
  list(): User[] {
    return (this.db.prepare("SELECT * FROM auth_users ORDER BY username").all() as unknown as Row[])
      .map(toUser);
  }

  /** One user, or null. */
  get(username: string): User | null {
    const row = this.#row(username);
    return row ? toUser(row) : null;
  }

  /** The stored bcrypt hash, for login; null for an unknown user. */
  passwordHash(username: string): string | null {
    return this.#row(username)?.password_hash ?? null;
  }

  /** Creates a user; `onlyIfEmpty` makes it the first-run admin or nothing. */
  create(username: string, hash: string, role: Role, onlyIfEmpty = false): UserChange {
    const now = new Date().toISOString();
    return withTransaction(this.db, (): UserChange => {
      if (onlyIfEmpty && this.count() > 0) return { ok: false, error: { kind: "setup-done" } };
      if (this.#row(username)) return { ok: false, error: { kind: "exists" } };
      this.db.prepare(
        `INSERT INTO auth_users (username, password_hash, role, created_at, password_changed_at)
         VALUES (?, ?, ?, ?, ?)`,
      ).run(username, hash, role, now, now);
      return { ok: true, user: toUser(this.#row(username)!) };
    });
  }

  /** Changes a role; refuses to demote the last admin. */
  setRole(username: string, role: Role): UserChange {
    return withTransaction(this.db, (): UserChange => {
      const row = this.#row(username);
      if (!row) return { ok: false, error: { kind: "missing" } };
      if (row.role === "admin" && role !== "admin" && this.#admins() <= 1) {
        return { ok: false, error: { kind: "last-admin" } };
      }
      this.db.prepare("UPDATE auth_users SET role = ? WHERE username = ?").run(role, username);
      return { ok: true, user: toUser(this.#row(username)!) };
    });
  }

  /** Replaces a password hash. */
  setPassword(username: string, hash: string): UserChange {
    const now = new Date().toISOString();
    const r = this.db.prepare(
      "UPDATE auth_users SET password_hash = ?, password_changed_at = ? WHERE username = ?",
    ).run(hash, now, username);
    if (Number(r.changes) === 0) return { ok: false, error: { kind: "missing" } };
    return { ok: true, user: toUser(this.#row(username)!) };
  }

  /** Deletes a user (their sessions and tokens go with them); refuses the last admin. */
  delete(username: string): UserChange {
    return withTransaction(this.db, (): UserChange => {
      const row = this.#row(username);
      if (!row) return { ok: false, error: { kind: "missing" } };
      if (row.role === "admin" && this.#admins() <= 1) {
        return { ok: false, error: { kind: "last-admin" } };
      }
      this.db.prepare("DELETE FROM auth_users WHERE username = ?").run(username);
      return { ok: true, user: toUser(row) };
    });
  }

  #admins(): number {
    return (this.db.prepare("SELECT COUNT(*) AS n FROM auth_users WHERE role = 'admin'").get() as {
      n: number;
    }).n;
  }

  #row(username: string): Row | undefined {
    return this.db.prepare("SELECT * FROM auth_users WHERE username = ?").get(username) as
      | Row
      | undefined;
  }
}
