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

Deno.test("parseWire - accepts only pp_<8 hex>.<32 hex>", () => {
  assert.deepEqual(parseWire("pp_a1b2c3d4.0123456789abcdef0123456789abcdef"), {
    keyId: "a1b2c3d4",
    secret: "0123456789abcdef0123456789abcdef",
  });
  for (const bad of ["pp_A1B2C3D4.0123456789abcdef0123456789abcdef", "pp_a1b2c3d4.0123", "x"]) {
    assert.equal(parseWire(bad), null, bad);
  }
});
