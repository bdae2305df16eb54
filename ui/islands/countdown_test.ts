import assert from "node:assert/strict";
import { countdownText, timeLeft } from "./countdown.ts";

Deno.test("countdown - time left reads as minutes and padded seconds", () => {
  assert.equal(timeLeft(245_000), "4m 05s");
  assert.equal(timeLeft(59_001), "1m 00s");
  assert.equal(timeLeft(9_000), "9s");
  assert.equal(timeLeft(-5), "0s");
});

Deno.test("countdown - counts down from the render's time left by the elapsed time", () => {
  assert.equal(countdownText(60_000, 0), "1m 00s");
  assert.equal(countdownText(60_000, 1_000), "59s");
  assert.equal(countdownText(60_000, 2_500), "58s");
  assert.equal(countdownText(60_000, 60_000), "0s (ending)");
});
