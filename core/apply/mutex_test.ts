import assert from "node:assert/strict";
import { LockWaitTimeout, Mutex } from "./mutex.ts";

const later = () => {
  const d = Promise.withResolvers<void>();
  return d;
};

Deno.test("Mutex - runs in arrival order, one at a time", async () => {
  const m = new Mutex();
  const order: string[] = [];
  const gate = later();
  const a = m.run(async () => {
    order.push("a:start");
    await gate.promise;
    order.push("a:end");
  });
  const b = m.run(() => {
    order.push("b");
    return Promise.resolve();
  });
  const c = m.run(() => Promise.reject(new Error("c fails")));
  const d = m.run(() => Promise.resolve(order.push("d")));
  gate.resolve();
  await a;
  await b;
  await assert.rejects(c, /c fails/);
  await d;
  assert.deepEqual(order, ["a:start", "a:end", "b", "d"]);
  assert.equal(m.busy, false);
});

Deno.test("Mutex - a wait past waitMs is rejected and its function never runs", async () => {
  const m = new Mutex();
  const gate = later();
  let late = false;
  const holder = m.run(() => gate.promise);
  const waiting = m.run(() => {
    late = true;
    return Promise.resolve();
  }, { waitMs: 30 });
  const patient = m.run(() => Promise.resolve("ran"));
  await assert.rejects(waiting, (e) => e instanceof LockWaitTimeout && e.waitMs === 30);
  gate.resolve();
  await holder;
  assert.equal(await patient, "ran", "the one behind the quitter still runs");
  assert.equal(late, false, "the timed-out function never ran");
  assert.equal(m.busy, false);
});

Deno.test("Mutex - timeoutError picks the rejection; a free lock runs at once", async () => {
  const m = new Mutex();
  assert.equal(await m.run(() => Promise.resolve(1), { waitMs: 1 }), 1);
  const gate = later();
  const holder = m.run(() => gate.promise);
  const waiting = m.run(() => Promise.resolve(), {
    waitMs: 5,
    timeoutError: () => new Error("busy, retry"),
  });
  await assert.rejects(waiting, /busy, retry/);
  gate.resolve();
  await holder;
});
