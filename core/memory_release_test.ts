import assert from "node:assert/strict";
import { glibcTrim, MemoryRelease } from "./memory_release.ts";

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

Deno.test("a burst of applies is followed by one trim, once quiet", async () => {
  let trims = 0;
  const release = new MemoryRelease(() => () => (trims++, true), 200);
  for (let i = 0; i < 5; i++) {
    release.schedule();
    await wait(10);
  }
  assert.equal(trims, 0, "no trim while applies keep coming");
  await wait(400);
  assert.equal(trims, 1);
  assert.equal(release.runs, 1);
  release.schedule();
  await wait(400);
  assert.equal(trims, 2, "each quiet period after an apply trims again");
});

Deno.test("a started release trims periodically until stopped", async () => {
  let trims = 0;
  const release = new MemoryRelease(() => () => (trims++, true), 1000);
  release.start(20);
  await wait(150);
  release.stop();
  const seen = trims;
  assert.ok(seen >= 2, `periodic trims ran (${seen})`);
  await wait(80);
  assert.equal(trims, seen, "none after stop");
});

Deno.test("a stopped release does not trim", async () => {
  let trims = 0;
  const release = new MemoryRelease(() => () => (trims++, true), 10);
  release.schedule();
  release.stop();
  await wait(40);
  assert.equal(trims, 0);
});

Deno.test("without malloc_trim, scheduling does nothing after the first look", async () => {
  let looks = 0;
  const release = new MemoryRelease(() => (looks++, null), 5);
  release.schedule();
  await wait(20);
  release.schedule();
  await wait(20);
  assert.equal(looks, 1);
  assert.equal(release.runs, 0);
});

Deno.test("glibc's malloc_trim is found and runs on this machine", () => {
  const trim = glibcTrim();
  assert.equal(typeof trim, "function");
  // Returns whether it released anything; either answer is a successful call.
  assert.equal(typeof trim!(), "boolean");
});
