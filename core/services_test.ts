import assert from "node:assert/strict";
import { type ServiceCrash, ServiceSupervisor } from "./services.ts";
import type { Service } from "./plugin.ts";

Deno.test("ServiceSupervisor - a failing start is retried with a doubling backoff", async () => {
  let starts = 0;
  const crashes: ServiceCrash[] = [];
  const up = Promise.withResolvers<void>();
  const service: Service = {
    name: "flaky",
    start() {
      if (++starts < 4) throw new Error(`start ${starts} failed`);
    },
    stop() {},
  };
  const restarts: number[] = [];
  const sup = new ServiceSupervisor([{ plugin: "p", service }], {
    baseMs: 5,
    maxMs: 15,
    onCrash: (c) => void crashes.push(c),
    onRestart: (_e, attempt) => {
      restarts.push(attempt);
      up.resolve();
    },
  });
  await sup.startAll();
  await up.promise;
  await sup.stopAll();
  assert.equal(starts, 4);
  assert.deepEqual(crashes.map((c) => [c.plugin, c.service, c.attempt, c.restartInMs]), [
    ["p", "flaky", 1, 5],
    ["p", "flaky", 2, 10],
    ["p", "flaky", 3, 15],
  ]);
  assert.match(String((crashes[0].error as Error).message), /start 1 failed/);
  assert.deepEqual(restarts, [3]);
});

Deno.test("ServiceSupervisor - a run loop that ends is a crash; stopAll ends supervision", async () => {
  let runs = 0;
  let stops = 0;
  const second = Promise.withResolvers<void>();
  const service: Service = {
    name: "loop",
    start() {},
    stop() {
      stops++;
    },
    run(signal) {
      runs++;
      if (runs === 1) return Promise.resolve(); // returned while the daemon runs
      second.resolve();
      return new Promise((resolve) => signal.addEventListener("abort", () => resolve()));
    },
  };
  const crashes: ServiceCrash[] = [];
  const sup = new ServiceSupervisor([{ plugin: "p", service }], {
    baseMs: 1,
    onCrash: (c) => void crashes.push(c),
  });
  await sup.startAll();
  await second.promise;
  await sup.stopAll();
  assert.equal(crashes.length, 1);
  assert.match(String((crashes[0].error as Error).message), /run\(\) loop ended/);
  assert.equal(stops, 2, "stopped after the crash and at shutdown");
});
