/**
 * API tokens: `pp_<8-hex keyId>.<32-hex secret>`. Only a bcrypt hash of the
 * secret is stored. The first request with a token looks the row up by
 * keyId and pays bcrypt once; after that a SHA-256 digest of the secret is
 * cached per keyId and compared in constant time, so verification costs the
 * same with 1 or 1,000 tokens stored. Revocation, expiry and changes to the
 * creator drop the cache entry. A token's role is capped by its creator's
 * current role.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import type { Principal, Role } from "../plugin.ts";
import { hashSecret, verifySecret } from "./passwords.ts";
import { isRole, lowerOf } from "./roles.ts";
import { randomHex, sha256Hex } from "./random.ts";
import { createHash, timingSafeEqual } from "node:crypto";

/** A token as listed: never the secret or its hash. */
export interface TokenInfo {
  keyId: string;
  name: string;
  role: Role;
  createdBy: string;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
}

/** A token just minted: `wire` is shown once and never stored. */
export interface MintedToken extends TokenInfo {
  wire: string;
}

/** A wire value's length: `pp_`, 8 hex digits, `.`, 32 hex digits. */
const WIRE_LENGTH = 44;
const DOT = 46;

/** Whether `s[from, to)` is lowercase hex; a loop, because this runs on every bearer request. */
function isLowerHex(s: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return false;
  }
  return true;
}

/** Whether a value has the wire format, `pp_<8 hex>.<32 hex>`. */
function isWire(wire: string): boolean {
  return wire.length === WIRE_LENGTH && wire.startsWith("pp_") && wire.charCodeAt(11) === DOT &&
    isLowerHex(wire, 3, 11) && isLowerHex(wire, 12, WIRE_LENGTH);
}

/** Splits a wire value into keyId and secret, or null when malformed. */
export function parseWire(wire: string): { keyId: string; secret: string } | null {
  return isWire(wire) ? { keyId: wire.slice(3, 11), secret: wire.slice(12) } : null;
}

/** What the digest cache alone can say of a wire value: `uncached` means only bcrypt can tell. */
export type CachedVerdict = Principal | null | "uncached";

interface Row {
  key_id: string;
  name: string;
  role: string;
  secret_hash: string;
  created_by: string;
  created_at: string;
  last_used_at: string | null;
  expires_at: string | null;
  creator_role?: string;
}

interface Cached {
  /** SHA-256 of the secret (compared with `timingSafeEqual`, in constant time). */
  digest: Uint8Array;
  principal: Principal;
  expiresAt: number | null;
  createdBy: string;
  lastWritten: number;
}

/** SHA-256 of a secret through node:crypto: crypto is not written by hand here. */
function digestOf(secret: string): Uint8Array {
  return createHash("sha256").update(secret).digest();
}

/** How often `lastUsedAt` is written for one token, at most. */
export const LAST_USED_THROTTLE_MS = 60_000;

function toInfo(row: Row): TokenInfo {
  return {
    keyId: row.key_id,
    name: row.name,
    role: isRole(row.role) ? row.role : "viewer",
    createdBy: row.created_by,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    expiresAt: row.expires_at,
  };
}

/** The `auth_tokens` table plus the verified-digest cache. */
export class TokenStore {
  #cache = new Map<string, Cached>();
  /** Verifications paying bcrypt right now, so concurrent first uses share one. */
  #inflight = new Map<string, Promise<Principal | null>>();

  constructor(
    private readonly db: DatabaseSync,
    private readonly cost: () => number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Mints a token; the caller checks the role against the creator's. */
  async mint(
    name: string,
    role: Role,
    createdBy: string,
    expiresAt: string | null,
  ): Promise<MintedToken> {
    const secret = randomHex(16);
    const hash = await hashSecret(secret, this.cost());
    const createdAt = new Date(this.now()).toISOString();
    for (let attempt = 0; attempt < 8; attempt++) {
      const keyId = randomHex(4);
      try {
        this.db.prepare(
          `INSERT INTO auth_tokens (key_id, name, role, secret_hash, created_by, created_at, expires_at)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
        ).run(keyId, name, role, hash, createdBy, createdAt, expiresAt);
      } catch (e) {
        if (String(e).includes("UNIQUE")) continue;
        throw e;
      }
      const info = this.get(keyId)!;
      return { ...info, wire: `pp_${keyId}.${secret}` };
    }
    throw new Error("could not allocate a unique token key id");
  }

  /** Every token, newest first. */
  list(): TokenInfo[] {
    return (this.db.prepare("SELECT * FROM auth_tokens ORDER BY created_at DESC, key_id")
      .all() as unknown as Row[]).map(toInfo);
  }

  /** One token, or null. */
  get(keyId: string): TokenInfo | null {
    const row = this.db.prepare("SELECT * FROM auth_tokens WHERE key_id = ?").get(keyId) as
      | Row
      | undefined;
    return row ? toInfo(row) : null;
  }

  /** Revokes a token; the very next request with it is refused. */
  revoke(keyId: string): boolean {
    this.#cache.delete(keyId);
    const r = this.db.prepare("DELETE FROM auth_tokens WHERE key_id = ?").run(keyId);
    return Number(r.changes) > 0;
  }

  /** Drops cached verifications of a user's tokens (role change, deletion). */
  forgetCreator(username: string): void {
    for (const [keyId, c] of this.#cache) if (c.createdBy === username) this.#cache.delete(keyId);
  }

  /**
   * Resolves a wire value to a principal, or null when unknown, wrong,
   * expired or malformed: from the cache when it can, else by paying bcrypt.
   * Callers that meter failures per client use {@link verifyCached} and
   * {@link verifyUncached} instead, to refuse bcrypt to a client that has
   * failed too often.
   */
  verify(wire: string): Principal | null | Promise<Principal | null> {
    const verdict = this.verifyCached(wire);
    return verdict === "uncached" ? this.verifyUncached(wire) : verdict;
  }

  /**
   * The verdict the digest cache gives without bcrypt: the principal, null
   * (malformed, expired, or a secret whose digest differs), or `uncached`
   * when the key id has not been verified since start-up or a revocation.
   * This is every bearer request's path: the secret is hashed with
   * node:crypto's SHA-256 and its digest compared in constant time.
   */
  verifyCached(wire: string): CachedVerdict {
    if (!isWire(wire)) return null;
    const keyId = wire.slice(3, 11);
    const cached = this.#cache.get(keyId);
    if (!cached) return "uncached";
    const t = this.now();
    if (cached.expiresAt !== null && t >= cached.expiresAt) {
      this.#cache.delete(keyId);
      return null;
    }
    // Both digests are 32 bytes, so the comparison's time says nothing about the secret.
    if (!timingSafeEqual(cached.digest, digestOf(wire.slice(12)))) return null;
    this.#touch(keyId, cached, t);
    return cached.principal;
  }

  /**
   * Verifies a wire value against its bcrypt hash and caches its digest on
   * success. Concurrent first uses of one wire value share one bcrypt run.
   */
  verifyUncached(wire: string): Promise<Principal | null> {
    const parsed = parseWire(wire);
    if (!parsed) return Promise.resolve(null);
    // The in-flight key holds a digest of the secret, never the secret itself.
    const key = `${parsed.keyId}.${sha256Hex(parsed.secret)}`;
    let pending = this.#inflight.get(key);
    if (!pending) {
      pending = this.#verifySlow(parsed.keyId, parsed.secret, this.now())
        .finally(() => this.#inflight.delete(key));
      this.#inflight.set(key, pending);
    }
    return pending;
  }

  async #verifySlow(keyId: string, secret: string, t: number): Promise<Principal | null> {
    const row = this.db.prepare(
      `SELECT t.*, u.role AS creator_role FROM auth_tokens t
       JOIN auth_users u ON u.username = t.created_by WHERE t.key_id = ?`,
    ).get(keyId) as Row | undefined;
    if (!row) return null;
    const expiresAt = row.expires_at ? Date.parse(row.expires_at) : null;
    if (expiresAt !== null && t >= expiresAt) return null;
    if (!(await verifySecret(secret, row.secret_hash))) return null;
    const info = toInfo(row);
    const creatorRole = isRole(row.creator_role) ? row.creator_role : "viewer";
    const digest = digestOf(secret);
    const entry: Cached = {
      digest,
      principal: {
        source: "token",
        user: row.created_by,
        role: lowerOf(info.role, creatorRole),
        keyId: row.key_id,
      },
      expiresAt,
      createdBy: row.created_by,
      lastWritten: 0,
    };
    // A revoke may have run while bcrypt did: only cache a row that still exists.
    if (this.get(keyId)) this.#cache.set(keyId, entry);
    else return null;
    this.#touch(keyId, entry, t);
    return entry.principal;
  }

  #touch(keyId: string, entry: Cached, t: number): void {
    if (t - entry.lastWritten < LAST_USED_THROTTLE_MS) return;
    entry.lastWritten = t;
    this.db.prepare("UPDATE auth_tokens SET last_used_at = ? WHERE key_id = ?")
      .run(new Date(t).toISOString(), keyId);
  }
}
