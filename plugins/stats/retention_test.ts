import assert from "node:assert/strict";
import { NameInterner, trimPoints } from "./retention.ts";
import { RingBuffer } from "./ring.ts";
import { History } from "./history.ts";
import type { HistoryEntry } from "./summary.ts";

Deno.test("NameInterner - one copy per name, shared by consecutive samples, forgotten when gone", () => {
  const copied: string[] = [];
  const names = new NameInterner((text) => {
    copied.push(text);
    return `${text}`;
  });
  const text = "production-pool-17,BACKEND,0\nproduction-pool-17,s1,0\n";
  assert.equal(names.take(text.slice(0, 18)), "production-pool-17");
  assert.equal(names.take(text.slice(29, 47)), "production-pool-17");
  assert.deepEqual(copied, ["production-pool-17"], "one copy within a sample");
  names.endSample();
  names.take("production-pool-17");
  assert.equal(copied.length, 1, "the next sample reuses the copy");
  names.endSample();
  names.endSample();
  names.take("production-pool-17");
  assert.equal(copied.length, 2, "a name absent for a sample is copied anew");
});

Deno.test("trimPoints - the newest items keep their points up to the budget; older ones are stripped", () => {
  const ring = new RingBuffer<{ n: number }>(10);
  for (let i = 0; i < 6; i++) ring.push({ n: 4 });
  const kept = trimPoints(ring, 10, (x) => x.n, (x) => (x.n = 0));
  assert.equal(kept, 8);
  assert.deepEqual(ring.toArray().map((x) => x.n), [0, 0, 0, 0, 4, 4]);
  // The newest keeps its own points even past the budget.
  ring.push({ n: 50 });
  trimPoints(ring, 10, (x) => x.n, (x) => (x.n = 0));
  assert.deepEqual(ring.toArray().map((x) => x.n), [0, 0, 0, 0, 0, 0, 50]);
});

Deno.test("History - samples past the point budget keep their totals and say they were trimmed", () => {
  const history = new History(3_600_000, 1000, 25);
  const sample = (at: number): HistoryEntry => ({
    kind: "sample",
    at,
    durationMs: 1,
    lagMs: 0,
    totals: {
      currentConnections: at,
      connectionRate: 0,
      sessionRate: 0,
      cumulativeRequests: 0,
      idlePct: 100,
    },
    proxies: Array.from({ length: 10 }, (_, i) => ({
      name: `be-${i}`,
      kind: "backend" as const,
      status: "UP",
      scur: 0,
      rate: 0,
      stot: 0,
      reqTot: null,
      hrsp: { "1xx": 0, "2xx": 0, "3xx": 0, "4xx": 0, "5xx": 0, other: 0 },
      bytesIn: 0,
      bytesOut: 0,
      rtimeMs: null,
      ttimeMs: null,
    })),
  });
  for (let at = 1000; at <= 5000; at += 1000) history.record(sample(at), at);
  const all = history.since(null, 5000);
  assert.equal(all.length, 5);
  const points = all.map((e) => e.kind === "sample" ? e.proxies.length : -1);
  assert.deepEqual(points, [0, 0, 0, 10, 10]);
  const oldest = all[0];
  assert.ok(oldest.kind === "sample" && oldest.proxiesTrimmed === true);
  assert.ok(oldest.kind === "sample" && oldest.totals.currentConnections === 1000);
});
