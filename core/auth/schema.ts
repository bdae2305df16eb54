/**
 * The authentication tables (owner `core.auth` in `schema_migrations`):
 * users, server-side sessions and API tokens. Append steps; never edit one
 * that shipped.
 *
 * @module
 */

/** Numbered migration steps for `core.auth`. */
export const AUTH_MIGRATIONS: string[] = [
  `CREATE TABLE auth_users (
    username TEXT PRIMARY KEY,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
    created_at TEXT NOT NULL,
    password_changed_at TEXT NOT NULL
  );
  CREATE TABLE auth_sessions (
    id_hash TEXT PRIMARY KEY,
    username TEXT NOT NULL REFERENCES auth_users (username) ON DELETE CASCADE,
    csrf TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    ip TEXT
  );
  CREATE INDEX auth_sessions_user ON auth_sessions (username);
  CREATE TABLE auth_tokens (
    key_id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
    secret_hash TEXT NOT NULL,
    created_by TEXT NOT NULL REFERENCES auth_users (username) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    last_used_at TEXT,
    expires_at TEXT
  );`,
];
