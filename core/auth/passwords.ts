/**
 * Password policy and hashing. bcrypt (`bcryptjs`, pure JS, async so a hash
 * does not stall the event loop) with a configurable cost. bcrypt reads at
 * most 72 bytes, so longer passwords are refused rather than silently
 * truncated; fewer than 12 characters is refused as too guessable.
 *
 * @module
 */
import bcrypt from "bcryptjs";

/** Shortest password accepted, in characters. */
export const MIN_PASSWORD_CHARS = 12;
/** Longest password accepted, in UTF-8 bytes (bcrypt's input limit). */
export const MAX_PASSWORD_BYTES = 72;

/** Why a password is unacceptable, or null when it is fine. */
export function passwordProblem(password: string): string | null {
  if ([...password].length < MIN_PASSWORD_CHARS) {
    return `password must be at least ${MIN_PASSWORD_CHARS} characters`;
  }
  if (new TextEncoder().encode(password).length > MAX_PASSWORD_BYTES) {
    return `password must be at most ${MAX_PASSWORD_BYTES} bytes (bcrypt's limit)`;
  }
  return null;
}

/** Hashes a secret with bcrypt at `cost`. */
export function hashSecret(secret: string, cost: number): Promise<string> {
  return bcrypt.hash(secret, cost);
}

/** Checks a secret against a bcrypt hash. */
export function verifySecret(secret: string, hash: string): Promise<boolean> {
  return bcrypt.compare(secret, hash);
}

/**
 * A hash of nothing anyone knows, compared against when a username does not
 * exist, so an unknown user costs the same time as a wrong password.
 */
export function decoyHash(cost: number): Promise<string> {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return bcrypt.hash(Array.from(bytes, (b) => b.toString(16)).join(""), cost);
}
