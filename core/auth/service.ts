/**
 * The authentication service: users, sessions, tokens and the limiters,
 * built once per daemon over the shared database. The routes, the guards
 * and the CLI all go through this one object.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import type { CoreConfig } from "../config.ts";
import { RateLimiter } from "../http/ratelimit.ts";
import type { RateTier } from "../plugin.ts";
import { mustMigrate } from "../store/db.ts";
import { decoyHash, hashSecret, verifySecret } from "./passwords.ts";
import { AUTH_MIGRATIONS } from "./schema.ts";
import { SessionStore } from "./sessions.ts";
import { TokenStore } from "./tokens.ts";
import { type User, UserStore } from "./users.ts";

/** The name of the session cookie. */
export const SESSION_COOKIE = "patchpanel.sid";

/**
 * Failed bearer-token verifications one client address may cause per
 * minute before tokens not already verified are refused without running
 * bcrypt (each costs ~0.3 s of CPU at cost 12: an easy amplification).
 */
export const TOKEN_FAILURES_PER_MINUTE = 20;

/** What a login attempt came to. */
export type LoginCheck =
  | { kind: "ok"; user: User }
  | { kind: "locked"; retryAfterMs: number }
  | { kind: "invalid" };

/**
 * Everything authentication needs, over one database.
 *
 * Core machinery, reachable from a `Daemon` for tests and embedders;
 * not part of the plugin API (hence `@internal`: `deno doc` does not list it).
 *
 * @internal
 */
export class Auth {
  readonly users: UserStore;
  readonly sessions: SessionStore;
  readonly tokens: TokenStore;
  /** The request limiters, one per tier. */
  readonly limits: Record<RateTier, RateLimiter>;
  /** Failed logins per account, so brute force stops whatever the source address. */
  readonly loginFailures: RateLimiter;
  /** Failed token verifications per client address. */
  readonly tokenFailures = new RateLimiter(TOKEN_FAILURES_PER_MINUTE, 60_000);
  #decoy: Promise<string> | null = null;

  /** Migrates the `core.auth` tables and builds the stores. */
  constructor(readonly db: DatabaseSync, readonly config: Pick<CoreConfig, "auth" | "rateLimit">) {
    mustMigrate(db, "core.auth", AUTH_MIGRATIONS);
    const a = config.auth;
    const r = config.rateLimit;
    this.users = new UserStore(db);
    this.sessions = new SessionStore(db, {
      idleMs: a.sessionIdleMs,
      absoluteMs: a.sessionAbsoluteMs,
    });
    this.tokens = new TokenStore(db, () => a.bcryptCost);
    this.limits = {
      auth: new RateLimiter(r.authMax, r.authWindowMs),
      write: new RateLimiter(r.writeMax, r.writeWindowMs),
      read: new RateLimiter(r.readMax, r.readWindowMs),
    };
    this.loginFailures = new RateLimiter(a.loginFailureMax, a.loginFailureWindowMs);
  }

  /** Hashes a password at the configured cost. */
  hash(password: string): Promise<string> {
    return hashSecret(password, this.config.auth.bcryptCost);
  }

  /**
   * Checks a username and password, counting failures per account. An
   * unknown user costs a bcrypt comparison too, so timing does not tell
   * which usernames exist.
   */
  async checkLogin(username: string, password: string): Promise<LoginCheck> {
    const key = username.toLowerCase();
    const state = this.loginFailures.peek(key);
    if (!state.allowed) return { kind: "locked", retryAfterMs: state.resetMs };
    const hash = this.users.passwordHash(username);
    const ok = await verifySecret(password, hash ?? await this.#decoyHash());
    const user = ok && hash ? this.users.get(username) : null;
    if (!user) {
      this.loginFailures.hit(key);
      return { kind: "invalid" };
    }
    this.loginFailures.reset(key);
    return { kind: "ok", user };
  }

  /** Ends a user's sessions and cached tokens (deletion, demotion, password reset). */
  forgetUser(username: string, keepSessionHash: string | null = null): number {
    this.tokens.forgetCreator(username);
    return this.sessions.deleteForUser(username, keepSessionHash);
  }

  #decoyHash(): Promise<string> {
    this.#decoy ??= decoyHash(this.config.auth.bcryptCost);
    return this.#decoy;
  }
}
