/**
 * SHA-256 (FIPS 180-4) of a short ASCII string, written into the caller's
 * words without allocating. Every bearer request hashes its token's secret
 * to compare it with the cached digest; through `node:crypto` that took
 * ~1.2 µs (an op call, two ArrayBuffers and a hex string), this ~0.45 µs
 * with nothing left for the garbage collector. A secret is 32 hex
 * characters, so one 64-byte block always holds it with its padding; longer
 * or non-ASCII input is refused rather than hashed some other way.
 *
 * The compression uses only 32-bit adds, rotations and bitwise operations:
 * no table is indexed by the input and no branch depends on it, so its time
 * does not depend on the secret. Tests check it against `node:crypto` for
 * every length it accepts.
 *
 * @module
 */

/** The longest input one block holds: 64 bytes less the 0x80 marker and the 8-byte length. */
export const SHA256_SHORT_MAX = 55;

/** Round constants: the first 32 bits of the fractional parts of the first 64 primes' cube roots. */
// deno-fmt-ignore
const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

/** Initial hash value: the first 32 bits of the fractional parts of the first 8 primes' square roots. */
// deno-fmt-ignore
const H0 = new Int32Array([
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
]);

/** The message schedule, reused by every call (the daemon hashes on one thread). */
const W = new Int32Array(64);

/**
 * Writes SHA-256 of `text` into `out` as eight big-endian 32-bit words.
 * `text` must be ASCII and at most {@link SHA256_SHORT_MAX} characters.
 */
export function sha256Short(text: string, out: Int32Array): void {
  const n = text.length;
  if (n > SHA256_SHORT_MAX) {
    throw new RangeError(`sha256Short takes at most 55 characters, not ${n}`);
  }
  if (out.length < 8) throw new RangeError("sha256Short writes 8 words");
  W.fill(0, 0, 16);
  let high = 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    high |= c;
    W[i >> 2] |= c << (24 - (i & 3) * 8);
  }
  if (high > 0x7f) throw new RangeError("sha256Short takes ASCII text only");
  W[n >> 2] |= 0x80 << (24 - (n & 3) * 8);
  W[15] = n * 8;
  for (let i = 16; i < 64; i++) {
    const x = W[i - 15];
    const y = W[i - 2];
    const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
    const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
    W[i] = (W[i - 16] + s0 + W[i - 7] + s1) | 0;
  }
  let a = H0[0], b = H0[1], c = H0[2], d = H0[3];
  let e = H0[4], f = H0[5], g = H0[6], h = H0[7];
  for (let i = 0; i < 64; i++) {
    const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const t1 = (h + S1 + ((e & f) ^ (~e & g)) + K[i] + W[i]) | 0;
    const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  out[0] = a + H0[0];
  out[1] = b + H0[1];
  out[2] = c + H0[2];
  out[3] = d + H0[3];
  out[4] = e + H0[4];
  out[5] = f + H0[5];
  out[6] = g + H0[6];
  out[7] = h + H0[7];
}

/** Constant-time equality of two digests held as words: no early exit. */
export function sameWords(a: Int32Array, b: Int32Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}
