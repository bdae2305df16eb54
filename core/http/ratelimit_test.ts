import assert from "node:assert/strict";
import { RateLimiter, rateLimitHeaders } from "./ratelimit.ts";

Deno.test("RateLimiter - remaining never goes up within a window and resets after it", () => {
  let now = 1_000;
  const limiter = new RateLimiter(3, 10_000, () => now);
  const remaining: number[] = [];
  for (let i = 0; i < 5; i++) {
    const d = limiter.hit("k");
    remaining.push(d.remaining);
    assert.equal(d.allowed, i < 3);
    now += 1_000;
  }
  assert.deepEqual(remaining, [2, 1, 0, 0, 0]);
  assert.equal(limiter.peek("k").resetMs, 5_000);
  now = 11_000;
  const fresh = limiter.hit("k");
  assert.equal(fresh.allowed, true);
  assert.equal(fresh.remaining, 2);
  assert.equal(fresh.resetMs, 10_000);
  assert.equal(limiter.hit("other").remaining, 2);
});

Deno.test("rateLimitHeaders - Retry-After only when refused, in whole seconds", () => {
  const ok = rateLimitHeaders({ allowed: true, limit: 60, remaining: 47, resetMs: 22_100 });
  assert.deepEqual(ok, {
    "ratelimit-limit": "60",
    "ratelimit-remaining": "47",
    "ratelimit-reset": "23",
  });
  const no = rateLimitHeaders({ allowed: false, limit: 60, remaining: 0, resetMs: 1_500 });
  assert.equal(no["retry-after"], "2");
});
