import assert from "node:assert/strict";
import { hash } from "node:crypto";
import { sameWords, SHA256_SHORT_MAX, sha256Short } from "./sha256_short.ts";

function hexOf(text: string): string {
  const out = new Int32Array(8);
  sha256Short(text, out);
  return Array.from(out, (w) => (w >>> 0).toString(16).padStart(8, "0")).join("");
}

Deno.test("sha256Short - FIPS 180-4 examples", () => {
  assert.equal(hexOf(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  assert.equal(hexOf("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
});

Deno.test("sha256Short - agrees with node:crypto at every length one block holds", () => {
  for (let length = 0; length <= SHA256_SHORT_MAX; length++) {
    for (let sample = 0; sample < 40; sample++) {
      // Every ASCII code, control characters included, turns up across the samples.
      const text = Array.from(
        { length },
        (_, i) => String.fromCharCode((length * 31 + sample * 7 + i * 13) % 128),
      ).join("");
      assert.equal(hexOf(text), hash("sha256", text, "hex"), JSON.stringify(text));
    }
  }
  const secret = "0123456789abcdef0123456789abcdef";
  assert.equal(hexOf(secret), hash("sha256", secret, "hex"));
});

Deno.test("sha256Short - refuses what one block cannot hold instead of hashing it wrongly", () => {
  const out = new Int32Array(8);
  assert.throws(() => sha256Short("x".repeat(SHA256_SHORT_MAX + 1), out), RangeError);
  assert.throws(() => sha256Short("café", out), RangeError);
  assert.throws(() => sha256Short("abc", new Int32Array(7)), RangeError);
});

Deno.test("sameWords - equal only when every word is", () => {
  const a = new Int32Array([1, 2, 3, 4, 5, 6, 7, 8]);
  assert.equal(sameWords(a, a.slice()), true);
  for (let i = 0; i < 8; i++) {
    const b = a.slice();
    b[i] ^= 1 << 31;
    assert.equal(sameWords(a, b), false, `word ${i}`);
  }
  assert.equal(sameWords(a, a.subarray(0, 7)), false);
});
