/**
 * Rate limits on each tier (read, write, auth), their headers, the 429,
 * and the per-account limit on failed logins, against a real daemon with
 * deliberately low limits.
 *
 * @module
 */
import assert from "node:assert/strict";
import { parseConfig } from "../core/config.ts";
import { type ApiResponse, startTestDaemon, TEST_ADMIN } from "./support/daemon.ts";

function headersOf(r: ApiResponse) {
  return {
    limit: Number(r.headers.get("ratelimit-limit")),
    remaining: Number(r.headers.get("ratelimit-remaining")),
    reset: Number(r.headers.get("ratelimit-reset")),
  };
}

function assertExhausted(r: ApiResponse<{ error: string }>, limit: number) {
  assert.equal(r.status, 429, r.text);
  assert.equal(typeof r.body.error, "string");
  const h = headersOf(r);
  assert.equal(h.limit, limit);
  assert.equal(h.remaining, 0);
  const retry = Number(r.headers.get("retry-after"));
  assert.ok(retry >= 1 && retry <= h.reset, `Retry-After ${retry}, reset ${h.reset}`);
}

Deno.test("rate limit - read tier: headers on every response, 429 past the limit, per principal", async () => {
  const d = await startTestDaemon({ config: { rateLimit: { readMax: 3, readWindowMs: 60_000 } } });
  try {
    const seen: number[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await d.api("GET", "/api/state");
      assert.equal(r.status, 200);
      const h = headersOf(r);
      assert.equal(h.limit, 3);
      assert.ok(h.reset > 0 && h.reset <= 60);
      seen.push(h.remaining);
    }
    assert.deepEqual(seen, [2, 1, 0]);
    assertExhausted(await d.api("GET", "/api/state"), 3);
    assertExhausted(await d.api("GET", "/api/routes"), 3);
    // Another principal has its own bucket.
    const other = await d.mintToken("viewer");
    const r = await d.api("GET", "/api/state", undefined, {}, { as: other });
    assert.equal(r.status, 200);
    assert.equal(headersOf(r).remaining, 2);
    // Refusals carry the headers too (anonymous callers are counted by address).
    const anon = await d.api("GET", "/api/state", undefined, {}, { as: "anonymous" });
    assert.equal(anon.status, 401);
    assert.equal(headersOf(anon).limit, 3);
  } finally {
    await d.stop();
  }
});

Deno.test("rate limit - write tier: 429 with Retry-After past the limit", async () => {
  const d = await startTestDaemon({
    config: { rateLimit: { writeMax: 2, writeWindowMs: 60_000 } },
  });
  try {
    for (const want of [1, 0]) {
      const r = await d.api("POST", "/api/auth/logout", {});
      assert.equal(r.status, 200);
      assert.equal(headersOf(r).remaining, want);
    }
    assertExhausted(await d.api("POST", "/api/auth/logout", {}), 2);
    // Reads draw from another bucket.
    assert.equal((await d.api("GET", "/api/state")).status, 200);
  } finally {
    await d.stop();
  }
});

Deno.test("rate limit - auth tier is keyed by client address, even with valid credentials", async () => {
  const d = await startTestDaemon({ config: { rateLimit: { authMax: 3, authWindowMs: 60_000 } } });
  try {
    for (let i = 0; i < 3; i++) assert.equal((await d.login()).status, 200);
    const blocked = await d.api("POST", "/api/auth/login", TEST_ADMIN, {}, { as: "anonymous" });
    assertExhausted(blocked, 3);
    const setup = await d.api("POST", "/api/setup/complete", TEST_ADMIN, {}, { as: "anonymous" });
    assertExhausted(setup, 3);
  } finally {
    await d.stop();
  }
});

Deno.test("rate limit - failed logins lock the account, whatever the address", async () => {
  const d = await startTestDaemon({
    config: { auth: { loginFailureMax: 5, loginFailureWindowMs: 60_000 } },
  });
  try {
    await d.addUser("other", "viewer");
    for (let i = 0; i < 5; i++) {
      assert.equal((await d.login(TEST_ADMIN.username, `wrong-guess-number-${i}`)).status, 401);
    }
    // Even the right password is refused now, with a Retry-After.
    const locked = await d.login(TEST_ADMIN.username, TEST_ADMIN.password);
    assert.equal(locked.status, 429);
    assert.match(locked.body.error, /too many failed logins/);
    assert.equal(locked.cookie, "");
    // Other accounts are unaffected.
    assert.equal((await d.login("other")).status, 200);
    const audited = d.audit.list({ limit: 10, category: "auth" })
      .find((e) => e.action === "login" && e.details?.reason === "locked");
    assert.ok(audited);
  } finally {
    await d.stop();
  }
});

Deno.test("rate limit - defaults: 25/15 min auth, 60/min write, 1000/min read, < 100 login failures an hour", () => {
  const c = parseConfig("");
  assert.deepEqual(c.rateLimit, {
    authMax: 25,
    authWindowMs: 900_000,
    writeMax: 60,
    writeWindowMs: 60_000,
    readMax: 1000,
    readWindowMs: 60_000,
  });
  const perHour = c.auth.loginFailureMax * Math.ceil(3_600_000 / c.auth.loginFailureWindowMs);
  assert.ok(perHour < 100, `${perHour} failed logins per hour per account`);
  assert.ok(c.auth.bcryptCost >= 10);
});
