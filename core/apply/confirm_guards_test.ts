/**
 * The pure parts of commit-confirmed applies: counter increases across a
 * worker's reset, readings per proxy, each guard's ok / tripped /
 * insufficient, the query parameters and what a change touched.
 */
import assert from "node:assert/strict";
import { increase, readings } from "./confirm_readings.ts";
import { DEFAULT_GUARDS, judge } from "./confirm_guards.ts";
import { ConfirmConfig, confirmRequest, parseDuration } from "./confirm_params.ts";
import { touched } from "./confirm_touched.ts";
import type { Reading, TrafficSample } from "./confirm_types.ts";
import type { State } from "../state/schema.ts";

function reading(over: Partial<Reading>): Reading {
  return {
    samples: 5,
    responses: 100,
    r5xx: 0,
    share5xxPct: 0,
    connErrors: 0,
    respErrors: 0,
    rtimeMs: 5,
    serversUp: 2,
    serversTotal: 2,
    ...over,
  };
}

Deno.test("confirm readings - increases survive a counter reset (a reload's new worker)", () => {
  assert.equal(increase([10, 15, 20]), 10);
  assert.equal(increase([10, 15, 3, 8]), 5 + 3 + 5);
  assert.equal(increase([7]), 0);
  const sample = (at: number, responses: number, r5xx: number): TrafficSample => ({
    at,
    proxies: [{
      name: "app",
      kind: "backend",
      responses,
      r5xx,
      connErrors: 0,
      respErrors: 0,
      rtimeMs: 4,
      serversUp: 1,
      serversTotal: 1,
    }],
  });
  const r = readings([sample(1, 0, 0), sample(2, 40, 2), sample(3, 80, 4)], ["backend/app"]);
  assert.equal(r["backend/app"].responses, 80);
  assert.equal(r["backend/app"].share5xxPct, 5);
  assert.equal(readings([sample(1, 1, 0)], ["frontend/app"])["frontend/app"], undefined);
});

Deno.test("confirm guards - ok, tripped, and too little traffic said rather than guessed", () => {
  const keys = ["frontend/fe", "backend/app"];
  const base = { "frontend/fe": reading({}), "backend/app": reading({}) };
  const ok = judge(keys, base, base, DEFAULT_GUARDS);
  assert(ok.every((v) => v.status === "ok"), JSON.stringify(ok));

  const worse = judge(keys, base, {
    "frontend/fe": reading({ r5xx: 10, share5xxPct: 10 }),
    "backend/app": reading({ serversUp: 0, rtimeMs: 40 }),
  }, DEFAULT_GUARDS);
  const tripped = worse.filter((v) => v.status === "tripped").map((v) => `${v.guard}:${v.proxy}`);
  assert.deepEqual(tripped.sort(), ["5xx:fe", "rtime:app", "servers:app"]);

  // +5 points exactly is not more than 5; a triple of a sub-floor baseline is judged on the floor.
  const edge = judge(keys, base, {
    "frontend/fe": reading({ share5xxPct: 5 }),
    "backend/app": reading({ rtimeMs: 30 }),
  }, DEFAULT_GUARDS);
  assert(edge.every((v) => v.status === "ok"), JSON.stringify(edge));

  const quiet = judge(keys, base, {
    "frontend/fe": reading({ responses: 3, share5xxPct: 100 }),
    "backend/app": reading({ responses: 3, share5xxPct: 100 }),
  }, DEFAULT_GUARDS);
  const fivexx = quiet.filter((v) => v.guard === "5xx");
  assert(fivexx.every((v) => v.status === "insufficient" && /not enough traffic/.test(v.detail)));
  assert(!quiet.some((v) => v.status === "tripped"));

  const none = judge(keys, base, {}, DEFAULT_GUARDS);
  assert(none.every((v) => v.status === "insufficient"), JSON.stringify(none));
});

Deno.test("confirm params - durations, bounds, supersede and guard overrides", () => {
  const config = ConfirmConfig.parse({});
  assert.equal(parseDuration("90s"), 90_000);
  assert.equal(parseDuration("5m"), 300_000);
  assert.equal(parseDuration("120"), 120_000);
  assert.equal(parseDuration("soon"), null);
  const q = (s: string) => confirmRequest(new URL(`http://x/api/state?${s}`), config);
  assert.equal(q("").durationMs, null);
  assert.equal(q("confirm").durationMs, config.defaultMs);
  assert.equal(q("confirm=2m&supersede=true").supersede, true);
  assert.equal(q("confirm=2m&minRequests=7&serversDown=false").guards.minRequests, 7);
  assert.equal(q("confirm=2m&serversDown=false").guards.serversDown, false);
  for (const bad of ["confirm=10s", "confirm=31m", "confirm=x", "minRequests=0", "supersede=1"]) {
    assert.throws(() => q(bad), (e: Error) => e.message.length > 0, bad);
  }
  assert.throws(() => ConfirmConfig.parse({ minMs: 60_000, defaultMs: 30_000 }));
});

Deno.test("confirm touched - changed proxies and the frontends routing to a changed backend", () => {
  const state = (addr: string, weight = 1) =>
    ({
      haproxy: {
        frontends: [
          { id: "fe-a", defaultBackend: "app", useBackends: [] },
          { id: "fe-b", defaultBackend: "other", useBackends: [] },
        ],
        backends: [
          { id: "app", servers: [{ name: "s", address: addr, weight }] },
          { id: "other", servers: [] },
        ],
      },
    }) as unknown as State;
  assert.deepEqual(touched(state("127.0.0.1:1"), state("127.0.0.1:2")), {
    frontends: ["fe-a"],
    backends: ["app"],
  });
  // A change outside every proxy may affect any: all are watched.
  assert.deepEqual(touched(state("127.0.0.1:1"), state("127.0.0.1:1")), {
    frontends: ["fe-a", "fe-b"],
    backends: ["app", "other"],
  });
});
