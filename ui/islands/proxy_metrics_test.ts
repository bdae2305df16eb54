import assert from "node:assert/strict";
import type { HistoryPoint } from "./metrics.ts";
import { onlyProxy, proxyChartsFrom } from "./proxy_metrics.ts";
import { appendNewer } from "./live_proxy.ts";
import { renderToString } from "preact-render-to-string";
import { html } from "../html.ts";
import { ProxyChartGrid } from "./proxy_charts.ts";

/** One proxy row of a sample (its time is the sample's). */
function point(req: number | null, stot: number, codes: number[], scur: number) {
  return {
    name: "be",
    kind: "backend" as const,
    scur,
    reqTot: req,
    stot,
    hrsp: { "2xx": codes[0], "4xx": codes[1], "5xx": codes[2] },
    rtimeMs: 3,
  };
}

function sample(at: number, req: number, codes: number[], scur: number): HistoryPoint {
  return {
    kind: "sample",
    at,
    totals: { currentConnections: scur },
    proxies: [
      { ...point(999, 999, [999, 999, 999], 99), kind: "frontend", name: "be" },
      point(req, req, codes, scur),
    ],
  };
}

Deno.test("proxyChartsFrom - one proxy's rates per second by class, sessions, gaps and resets", () => {
  const c = proxyChartsFrom(
    [
      sample(0, 10, [8, 1, 1], 2),
      sample(2000, 30, [20, 5, 5], 3),
      { kind: "gap", at: 4000 },
      sample(6000, 2, [2, 0, 0], 0),
      sample(8000, 6, [2, 2, 2], 1),
      { kind: "sample", at: 10_000, totals: { currentConnections: 0 }, proxies: [] },
    ],
    "backend",
    "be",
  );
  assert.deepEqual(c.requests.series[0].values, [null, 10, null, null, 2, null]);
  assert.equal(c.requests.unit, "req/s");
  assert.deepEqual(
    c.sessions.series[0].values,
    [2, 3, null, 0, 1, null],
    "the frontend's 99 is not read",
  );
  assert.deepEqual(c.codes.series.map((s) => [s.label, s.tone]), [
    ["2xx", "ok"],
    ["4xx", "warn"],
    ["5xx", "bad"],
  ]);
  assert.deepEqual(c.codes.series[0].values, [null, 6, null, null, 0, null]);
  assert.deepEqual(c.codes.series[2].values, [null, 2, null, null, 1, null]);
});

Deno.test("proxyChartsFrom - a TCP proxy charts sessions per second", () => {
  const tcp = (at: number, stot: number): HistoryPoint => ({
    kind: "sample",
    at,
    totals: { currentConnections: 0 },
    proxies: [point(null, stot, [0, 0, 0], 0)],
  });
  const c = proxyChartsFrom([tcp(0, 0), tcp(1000, 4)], "backend", "be");
  assert.equal(c.requests.unit, "sess/s");
  assert.deepEqual(c.requests.series[0].values, [null, 4]);
});

Deno.test("onlyProxy and appendNewer - the stream's entries cut down and merged once each", () => {
  const s = sample(5, 1, [1, 0, 0], 0);
  const cut = onlyProxy(s, "backend", "be");
  assert.equal(cut.kind === "sample" && cut.proxies.length, 1);
  assert.equal(cut.kind === "sample" && cut.proxies[0].kind, "backend");
  const held = [sample(1, 0, [0, 0, 0], 0), sample(2, 0, [0, 0, 0], 0)];
  const merged = appendNewer(held, [sample(2, 0, [0, 0, 0], 0), s]);
  assert.deepEqual(merged.map((p) => p.at), [1, 2, 5], "an entry already held is not added again");
});

Deno.test("ProxyChartGrid - 5xx draws red and 4xx amber, with their newest values", () => {
  const out = renderToString(html`<${ProxyChartGrid} points=${[
    sample(0, 10, [8, 1, 1], 2),
    sample(1000, 20, [14, 3, 2], 4),
  ]} kind="backend" name="be" />`);
  assert.match(out, /<path class="s3"[^>]*data-series="5xx"/);
  assert.match(out, /<path class="s2"[^>]*data-series="4xx"/);
  assert.match(out, /<path class="s1"[^>]*data-series="2xx"/);
  assert.match(out, /data-series="current sessions" data-last="4"/);
  assert.match(out, /id="chart-backend-requests"/);
  assert.match(out, /requests per second: 10 req\/s/);
});
