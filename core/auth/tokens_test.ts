import assert from "node:assert/strict";
import { openDatabase } from "../store/db.ts";
import { Auth } from "./service.ts";
import { parseWire, TokenStore } from "./tokens.ts";
import { parseConfig } from "../config.ts";

function makeAuth() {
  const db = openDatabase(":memory:");
  const config = parseConfig("auth: {bcryptCost: 4}");
  const auth = new Auth(db, config);
  auth.users.create("admin", "$2a$04$unused", "admin");
  return { db, auth };
}

Deno.test("TokenStore - repeated verification uses the digest cache, not bcrypt", async () => {
  const { db, auth } = makeAuth();
  const minted = await auth.tokens.mint("ci", "operator", "admin", null);
  assert.equal((await auth.tokens.verify(minted.wire))?.role, "operator");
  // Break the stored hash: only a cached digest can still verify the token now.
  db.prepare("UPDATE auth_tokens SET secret_hash = 'broken' WHERE key_id = ?").run(minted.keyId);
  const again = await auth.tokens.verify(minted.wire);
  assert.equal(again?.keyId, minted.keyId);
  const wrong = minted.wire.slice(0, -1) + (minted.wire.endsWith("0") ? "1" : "0");
  assert.equal(await auth.tokens.verify(wrong), null);
  assert.equal(auth.tokens.revoke(minted.keyId), true);
  assert.equal(await auth.tokens.verify(minted.wire), null);
  db.close();
});

Deno.test("TokenStore - an expired token is refused and dropped from the cache", async () => {
  const { db } = makeAuth();
  let now = Date.parse("2030-01-01T00:00:00Z");
  const store = new TokenStore(db, () => 4, () => now);
  const minted = await store.mint("short", "viewer", "admin", "2030-01-01T00:01:00Z");
  assert.ok(await store.verify(minted.wire));
  now += 61_000;
  assert.equal(await store.verify(minted.wire), null);
  db.close();
});

Deno.test("TokenStore - verifyCached answers without bcrypt, and says when only bcrypt can", async () => {
  const { db, auth } = makeAuth();
  const minted = await auth.tokens.mint("ci", "viewer", "admin", null);
  assert.equal(auth.tokens.verifyCached(minted.wire), "uncached");
  assert.equal(auth.tokens.verifyCached("pp_nothex!.0123"), null);
  assert.equal((await auth.tokens.verifyUncached(minted.wire))?.keyId, minted.keyId);
  const cached = auth.tokens.verifyCached(minted.wire);
  assert.ok(cached !== null && cached !== "uncached" && cached.keyId === minted.keyId);
  // Each position of the secret matters; a wrong one is refused from the cache, with no bcrypt.
  for (let i = 12; i < minted.wire.length; i++) {
    const c = minted.wire[i] === "0" ? "1" : "0";
    const wrong = minted.wire.slice(0, i) + c + minted.wire.slice(i + 1);
    assert.equal(auth.tokens.verifyCached(wrong), null, `secret position ${i - 12}`);
  }
  auth.tokens.revoke(minted.keyId);
  assert.equal(auth.tokens.verifyCached(minted.wire), "uncached");
  assert.equal(await auth.tokens.verifyUncached(minted.wire), null);
  db.close();
});

Deno.test("parseWire - accepts only pp_<8 hex>.<32 hex>", () => {
  assert.deepEqual(parseWire("pp_a1b2c3d4.0123456789abcdef0123456789abcdef"), {
    keyId: "a1b2c3d4",
    secret: "0123456789abcdef0123456789abcdef",
  });
  const malformed = [
    "pp_A1B2C3D4.0123456789abcdef0123456789abcdef",
    "pp_a1b2c3d4.0123456789abcdef0123456789abcdeg",
    "pp_a1b2c3d4-0123456789abcdef0123456789abcdef",
    "qq_a1b2c3d4.0123456789abcdef0123456789abcdef",
    "pp_a1b2c3d4.0123456789abcdef0123456789abcdef0",
    "pp_a1b2c3d4.0123",
    "x",
  ];
  for (const bad of malformed) assert.equal(parseWire(bad), null, bad);
});
