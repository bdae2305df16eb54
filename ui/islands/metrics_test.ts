import assert from "node:assert/strict";
import { chartsFrom, type HistoryPoint } from "./metrics.ts";

function sample(at: number, req: number, h2: number, h5: number, scur: number): HistoryPoint {
  return {
    kind: "sample",
    at,
    totals: { currentConnections: scur },
    proxies: [
      {
        name: "fe",
        kind: "frontend",
        scur,
        reqTot: req,
        stot: req,
        hrsp: { "2xx": h2, "5xx": h5 },
        rtimeMs: null,
      },
      { name: "be", kind: "backend", scur, reqTot: null, stot: req, hrsp: {}, rtimeMs: 12 },
    ],
  };
}

Deno.test("chartsFrom - rates and shares come from deltas; gaps and resets break the line", () => {
  const c = chartsFrom([
    sample(0, 100, 90, 10, 3),
    sample(2000, 120, 105, 15, 4),
    { kind: "gap", at: 4000 },
    sample(6000, 5, 5, 0, 1),
    sample(8000, 9, 7, 2, 1),
  ]);
  assert.deepEqual(c.requests.series[0].values, [null, 10, null, null, 2]);
  assert.deepEqual(c.sessions.series[0].values, [3, 4, null, 1, 1]);
  assert.deepEqual(c.codes.series[0].values, [null, 75, null, null, 50]);
  assert.deepEqual(c.codes.series[2].values, [null, 25, null, null, 50]);
  assert.deepEqual(c.latency.series[0].values, [12, 12, null, 12, 12]);
  // Colour by meaning: 2xx green, 4xx amber, 5xx red (not by position in the palette).
  assert.deepEqual(c.codes.series.map((s) => s.tone), ["ok", "warn", "bad"]);
});
