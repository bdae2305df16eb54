/**
 * Inbound peer tokens: the credential another node presents on
 * `/api/peer/*`. The raw value is shown once at mint time; only its SHA-256
 * digest is stored (`peers_inbound_tokens`), and verification compares
 * digests in constant time. A token can be renamed, disabled or deleted.
 * Raw values start with `ppeer_`, never `pp_`, so they can never be taken
 * for an API token (and an API token never for one of these).
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/** The prefix of every raw inbound token. */
export const INBOUND_PREFIX = "ppeer_";

/** The plugin's migrations for inbound tokens and peers (run through `host.migrate`). */
export const PEERS_MIGRATIONS = [
  `CREATE TABLE peers_inbound_tokens (
    id TEXT PRIMARY KEY,
    label TEXT NOT NULL,
    digest BLOB NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    last_used_at INTEGER
  )`,
  `CREATE TABLE peers_peers (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    url TEXT NOT NULL,
    token TEXT NOT NULL,
    fingerprint TEXT,
    created_at INTEGER NOT NULL,
    last_contact_at INTEGER,
    last_error TEXT
  )`,
  `CREATE TABLE peers_received (
    token_id TEXT PRIMARY KEY,
    version INTEGER NOT NULL
  )`,
];

/** An inbound token as listings show it (never its value). */
export interface InboundToken {
  id: string;
  label: string;
  disabled: boolean;
  createdAt: string;
  lastUsedAt: string | null;
}

function digestOf(raw: string): Uint8Array {
  return createHash("sha256").update(raw).digest();
}

function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

interface Row {
  id: string;
  label: string;
  digest: Uint8Array;
  disabled: number;
  created_at: number;
  last_used_at: number | null;
}

function toToken(r: Row): InboundToken {
  return {
    id: r.id,
    label: r.label,
    disabled: r.disabled !== 0,
    createdAt: iso(r.created_at)!,
    lastUsedAt: iso(r.last_used_at),
  };
}

/** The inbound token table: mint, list, rename/disable, delete, verify. */
export class InboundTokens {
  constructor(private readonly db: DatabaseSync, private readonly now = Date.now) {}

  /** Mints a token; the raw value is in the answer and nowhere else. */
  mint(label: string): InboundToken & { token: string } {
    const id = `in-${randomBytes(6).toString("hex")}`;
    const token = INBOUND_PREFIX + randomBytes(32).toString("base64url");
    const t = this.now();
    this.db.prepare(
      "INSERT INTO peers_inbound_tokens (id, label, digest, created_at) VALUES (?, ?, ?, ?)",
    ).run(id, label, digestOf(token), t);
    return { ...this.get(id)!, token };
  }

  /** All tokens, newest first. */
  list(): InboundToken[] {
    const rows = this.db.prepare(
      "SELECT * FROM peers_inbound_tokens ORDER BY created_at DESC, id",
    ).all() as unknown as Row[];
    return rows.map(toToken);
  }

  /** One token, or null. */
  get(id: string): InboundToken | null {
    const r = this.db.prepare("SELECT * FROM peers_inbound_tokens WHERE id = ?").get(id) as
      | Row
      | undefined;
    return r ? toToken(r) : null;
  }

  /** Renames and/or disables a token; null when it does not exist. */
  update(id: string, change: { label?: string; disabled?: boolean }): InboundToken | null {
    if (!this.get(id)) return null;
    if (change.label !== undefined) {
      this.db.prepare("UPDATE peers_inbound_tokens SET label = ? WHERE id = ?").run(
        change.label,
        id,
      );
    }
    if (change.disabled !== undefined) {
      this.db.prepare("UPDATE peers_inbound_tokens SET disabled = ? WHERE id = ?").run(
        change.disabled ? 1 : 0,
        id,
      );
    }
    return this.get(id);
  }

  /** Deletes a token; false when it did not exist. */
  remove(id: string): boolean {
    const r = this.db.prepare("DELETE FROM peers_inbound_tokens WHERE id = ?").run(id);
    return Number(r.changes) > 0;
  }

  /**
   * The enabled token a raw value matches, or null. Every stored digest is
   * compared (the table is small), so timing says nothing about which.
   */
  verify(raw: string): InboundToken | null {
    if (!raw.startsWith(INBOUND_PREFIX)) return null;
    const d = digestOf(raw);
    const rows = this.db.prepare("SELECT * FROM peers_inbound_tokens").all() as unknown as Row[];
    let hit: Row | null = null;
    for (const r of rows) {
      if (timingSafeEqual(new Uint8Array(r.digest), d) && r.disabled === 0) hit = r;
    }
    if (!hit) return null;
    this.db.prepare("UPDATE peers_inbound_tokens SET last_used_at = ? WHERE id = ?").run(
      this.now(),
      hit.id,
    );
    return toToken(hit);
  }
}
