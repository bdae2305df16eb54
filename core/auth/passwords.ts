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
  if (pastBcryptLimit(password)) {
    return `password must be at most ${MAX_PASSWORD_BYTES} bytes (bcrypt's limit)`;
  }
  return null;
}

/** Hashes a secret with bcrypt at `cost`. */
export function hashSecret(secret: string, cost: number): Promise<string> {
  return bcrypt.hash(secret, cost);
}

/** Whether a secret is longer than bcrypt reads (72 UTF-8 bytes). */
export function pastBcryptLimit(secret: string): boolean {
  // Each UTF-16 unit is at most 3 UTF-8 bytes: short strings need no encoding.
  if (secret.length * 3 <= MAX_PASSWORD_BYTES) return false;
  return new TextEncoder().encode(secret).length > MAX_PASSWORD_BYTES;
}

/**
 * Checks a secret against a bcrypt hash. bcrypt ignores every byte after
 * the 72nd, so `A`×72 + `XYZ` would match the hash of `A`×72; no stored
 * secret is longer (they are refused when set), so a longer one never
 * matches. It still costs one comparison, so its timing says nothing.
 */
export async function verifySecret(secret: string, hash: string): Promise<boolean> {
  const tooLong = pastBcryptLimit(secret);
  const ok = await bcrypt.compare(tooLong ? "" : secret, hash);
  return ok && !tooLong;
}

/**
 * A hash of nothing anyone knows, compared against when a username does not
 * exist, so an unknown user costs the same time as a wrong password.
 */
export function decoyHash(cost: number): Promise<string> {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return bcrypt.hash(Array.from(bytes, (b) => b.toString(16)).join(""), cost);
}
