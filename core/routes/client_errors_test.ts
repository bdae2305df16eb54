import assert from "node:assert/strict";
import { ReportLimiter } from "./client_errors.ts";

Deno.test("client errors - each principal may report a bounded number a minute", () => {
  let now = 0;
  const limiter = new ReportLimiter(3, () => now);
  assert.deepEqual([1, 2, 3].map(() => limiter.take("alice")), [0, 0, 0]);
  now = 20_000;
  assert.equal(limiter.take("alice"), 40, "seconds until the minute ends");
  assert.equal(limiter.take("bob"), 0, "another principal has its own window");
  now = 60_000;
  assert.equal(limiter.take("alice"), 0, "a new minute");
});
