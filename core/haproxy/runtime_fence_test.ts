import assert from "node:assert/strict";
import { changesRuntime, RuntimeFence } from "./runtime_fence.ts";

Deno.test("changesRuntime - reads pass, anything else (or any part of a ; line) is a change", () => {
  for (
    const read of [
      "show stat",
      "  show servers state app",
      "get weight app/a",
      "help",
      "show info; show stat",
    ]
  ) {
    assert.equal(changesRuntime(read), false, read);
  }
  for (
    const change of [
      "set server app/a state drain",
      "disable server app/a",
      "add acl #0 1.2.3.4",
      "clear counters",
      "show stat; set weight app/a 0",
      "shutdown session 0x1",
    ]
  ) assert.equal(changesRuntime(change), true, change);
});

Deno.test("RuntimeFence - a change waits while closed, a read does not, reopen releases", async () => {
  const fence = new RuntimeFence();
  await fence.pass("set server app/a state drain"); // open: no wait
  const reopen = fence.close();
  let changed = false;
  const change = fence.pass("set server app/a state drain").then(() => (changed = true));
  await fence.pass("show servers state");
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(changed, false, "the change is held while the fence is closed");
  reopen();
  reopen(); // idempotent
  await change;
  assert.equal(changed, true);
  await fence.pass("disable server app/a"); // open again
});

Deno.test("RuntimeFence - a change held by one close waits out the next close too", async () => {
  const fence = new RuntimeFence();
  const first = fence.close();
  let passed = false;
  const change = fence.pass("enable server app/a").then(() => (passed = true));
  first();
  const second = fence.close(); // the next apply closed it before the waiter ran
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(passed, false);
  second();
  await change;
  assert.equal(passed, true);
});
