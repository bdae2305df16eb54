/**
 * Random identifiers and digests for sessions and tokens, from the
 * platform's CSPRNG and `node:crypto`.
 *
 * @module
 */
import { createHash, hash } from "node:crypto";

/** `bytes` random bytes as lowercase hex. */
export function randomHex(bytes: number): string {
  const b = crypto.getRandomValues(new Uint8Array(bytes));
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}

/**
 * SHA-256 of a string, as hex (for session ids stored at rest, and keys that
 * must not hold a secret). The one-shot `hash()` skips building a
 * stream-shaped Hash object, which is most of the cost of `createHash` for
 * short inputs.
 */
export function sha256Hex(text: string): string {
  return hash("sha256", text, "hex");
}

/** SHA-256 of a string, as raw bytes (for constant-time comparison). */
export function sha256Bytes(text: string): Uint8Array {
  return createHash("sha256").update(text).digest();
}

/**
 * Constant-time equality of two digests (false when lengths differ): an
 * XOR-accumulate loop over every byte, with no early exit.
 */
export function sameDigest(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}
