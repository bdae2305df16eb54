import assert from "node:assert/strict";
import { definePlugin } from "../../core/plugin.ts";
import {
  freePort,
  simpleState,
  startBackend,
  startTestDaemon,
  through,
  waitFor,
} from "../../tests/support/daemon.ts";
import { stats } from "./mod.ts";
import { parsePrometheusText } from "./prom_parse.ts";
import type { ServerHealthEvent } from "./events.ts";

const FAST = { stats: { intervalMs: 200 } };

function twoFrontends(
  fast: { port: number; address: string },
  slow: { port: number; address: string },
) {
  const base = simpleState(fast.port, [{ name: "f1", address: fast.address }]) as {
    haproxy: { frontends: unknown[]; backends: unknown[] };
  };
  base.haproxy.frontends.push({
    id: "fe-slow",
    binds: [{ address: `127.0.0.1:${slow.port}` }],
    defaultBackend: "slow",
  });
  base.haproxy.backends.push({
    id: "slow",
    balance: { algorithm: "roundrobin" },
    servers: [{ name: "s1", address: slow.address, check: false }],
  });
  return base;
}

Deno.test("stats - requests show up in http-codes, with a 5xx share from a failing backend", async () => {
  const ok = startBackend("ok");
  const bad = startBackend("bad", { status: 500 });
  const fe = freePort();
  const d = await startTestDaemon({
    plugins: [stats()],
    config: FAST,
    state: simpleState(fe, [{ name: "ok", address: ok.address }, {
      name: "bad",
      address: bad.address,
    }]),
  });
  try {
    for (let i = 0; i < 10; i++) await through(fe);
    assert.equal(ok.hits + bad.hits, 10);
    const seen = await waitFor(async () => {
      const r = await d.api("GET", "/api/stats/http-codes");
      return r.status === 200 && r.body.totals["2xx"] + r.body.totals["5xx"] === 10;
    });
    assert.ok(seen, "the sampler saw all ten responses");
    const codes = (await d.api("GET", "/api/stats/http-codes")).body;
    assert.equal(codes.totals["5xx"], bad.hits);
    assert.equal(codes.totals["2xx"], ok.hits);
    assert.ok(codes.totals["5xx"] > 0);
    assert.deepEqual(codes.frontends.map((f: { frontend: string }) => f.frontend), ["fe-main"]);

    const all = await d.api("GET", "/api/stats");
    assert.equal(all.status, 200);
    assert.equal(typeof all.body.info.Version, "string");
    const server = all.body.stat.find((r: Record<string, unknown>) => r.svname === "bad");
    assert.equal(server.pxname, "app");
    assert.equal(server.kind, "server");
    assert.equal(server.hrsp_5xx, bad.hits);

    // A client that does not ask for text/event-stream gets the newest event, then the end.
    const once = await d.api("GET", "/api/stats/stream");
    assert.equal(once.status, 200);
    assert.match(once.headers.get("content-type") ?? "", /^text\/event-stream/);
    assert.match(once.text, /^event: sample\nid: \d+\ndata: \{/m);

    const sessions = await d.api("GET", "/api/stats/sessions");
    assert.equal(sessions.status, 200);
    assert.equal(sessions.body.geoEnriched, false);
  } finally {
    await d.stop();
    await ok.close();
    await bad.close();
  }
});

Deno.test("stats - history honours since and refuses a since that is not an integer", async () => {
  const a = startBackend("a");
  const fe = freePort();
  const d = await startTestDaemon({
    plugins: [stats()],
    config: FAST,
    state: simpleState(fe, [{ name: "a", address: a.address }]),
  });
  try {
    assert.ok(
      await waitFor(async () =>
        (await d.api("GET", "/api/stats/history")).body.samples?.length >= 4
      ),
    );
    const whole = (await d.api("GET", "/api/stats/history")).body;
    assert.equal(whole.intervalMs, 200);
    assert.equal(whole.historyMs, 3_600_000);
    const ats: number[] = whole.samples.map((s: { at: number }) => s.at);
    assert.deepEqual([...ats].sort((x, y) => x - y), ats, "oldest first");
    const since = ats[1];
    const part = (await d.api("GET", `/api/stats/history?since=${since}`)).body.samples;
    assert.ok(part.length >= ats.length - 2);
    assert.ok(part.every((s: { at: number }) => s.at > since));
    const sample = whole.samples.findLast((s: { kind: string }) => s.kind === "sample");
    assert.ok(
      sample.proxies.some((p: { name: string; kind: string }) =>
        p.name === "app" && p.kind === "backend"
      ),
    );

    for (const bad of ["abc", "1.5", "", "12e3"]) {
      const r = await d.api("GET", `/api/stats/history?since=${bad}`);
      assert.equal(r.status, 400, `since=${bad}`);
      assert.match(r.body.error, /since/);
    }
  } finally {
    await d.stop();
    await a.close();
  }
});

Deno.test("stats - slowest-backends ranks a deliberately slow backend first", async () => {
  const fast = startBackend("fast");
  const slow = startBackend("slow", { delayMs: 300 });
  const fePorts = { fast: freePort(), slow: freePort() };
  const d = await startTestDaemon({
    plugins: [stats()],
    config: FAST,
    state: twoFrontends(
      { port: fePorts.fast, address: fast.address },
      { port: fePorts.slow, address: slow.address },
    ),
  });
  try {
    for (let i = 0; i < 3; i++) {
      assert.equal((await through(fePorts.fast)).body, "fast");
      assert.equal((await through(fePorts.slow)).body, "slow");
    }
    const ranked = await waitFor(async () => {
      const r = await d.api("GET", "/api/stats/slowest-backends?limit=5");
      return r.body.backends?.[0]?.backend === "slow" && r.body.backends[0].responseTimeMs > 0;
    });
    assert.ok(ranked);
    const body = (await d.api("GET", "/api/stats/slowest-backends?limit=2")).body;
    assert.equal(body.backends.length, 2);
    assert.equal(body.backends[0].backend, "slow");
    assert.ok(body.backends[0].responseTimeMs > body.backends[1].responseTimeMs);
    for (const bad of ["0", "51", "x", "-1"]) {
      const r = await d.api("GET", `/api/stats/slowest-backends?limit=${bad}`);
      assert.equal(r.status, 400, `limit=${bad}`);
    }
  } finally {
    await d.stop();
    await fast.close();
    await slow.close();
  }
});

Deno.test("stats - a stopped server produces server:down and backend:down events", async () => {
  const a = startBackend("a");
  const fe = freePort();
  const events: { name: string; payload: unknown }[] = [];
  const probe = definePlugin({
    name: "probe",
    setup(host) {
      host.on(
        "server:down",
        (e: ServerHealthEvent) => void events.push({ name: "server:down", payload: e }),
      );
      host.on("server:up", (e) => void events.push({ name: "server:up", payload: e }));
      host.on("backend:down", (e) => void events.push({ name: "backend:down", payload: e }));
    },
  });
  const state = simpleState(fe, [{ name: "a", address: a.address, check: true }]) as {
    haproxy: { backends: Record<string, unknown>[] };
  };
  state.haproxy.backends[0].healthCheck = { type: "tcp", interval: "200ms", fall: 1, rise: 1 };
  const d = await startTestDaemon({ plugins: [stats(), probe], config: FAST, state });
  try {
    const up = await waitFor(async () => {
      const r = await d.api("GET", "/api/stats");
      const row = r.body.stat?.find((x: Record<string, unknown>) => x.svname === "a");
      return typeof row?.status === "string" && row.status.startsWith("UP");
    });
    assert.ok(up, "server a is seen up first");
    await a.close();
    assert.ok(await waitFor(() => events.some((e) => e.name === "server:down"), 8000));
    const down = events.find((e) => e.name === "server:down")!.payload as ServerHealthEvent;
    assert.equal(down.backend, "app");
    assert.equal(down.server, "a");
    assert.match(down.status, /^DOWN/);
    assert.ok(await waitFor(() => events.some((e) => e.name === "backend:down"), 3000));

    // With the sampler stopped, every stats endpoint answers 503 {error}.
    const svc = d.registry.services.find((s) => s.plugin === "stats")!.service;
    await svc.stop();
    for (const path of ["/api/stats", "/api/stats/history", "/api/stats/http-codes"]) {
      const r = await d.api("GET", path);
      assert.equal(r.status, 503, path);
      assert.equal(typeof r.body.error, "string");
    }
  } finally {
    await d.stop();
  }
});

Deno.test("stats - /metrics parses strictly and carries patchpanel's and HAProxy's series", async () => {
  const a = startBackend("a");
  const fe = freePort();
  const d = await startTestDaemon({
    plugins: [stats()],
    config: FAST,
    state: simpleState(fe, [{ name: "a", address: a.address }]),
  });
  try {
    for (let i = 0; i < 4; i++) await through(fe);
    const refused = await d.api("PUT", "/api/state", { version: 1, nonsense: true });
    assert.equal(refused.status, 422);
    const counted = await waitFor(async () => {
      const r = await d.api("GET", "/metrics");
      return /haproxy_frontend_http_requests_total\{proxy="fe-main"\} [4-9]/.test(r.text);
    });
    assert.ok(counted, "the sampled frontend counted the requests");
    const r = await d.api("GET", "/metrics");
    assert.equal(r.status, 200);
    assert.match(r.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
    const families = parsePrometheusText(r.text);
    const value = (name: string, labels: Record<string, string> = {}) =>
      families.get(name)?.samples.find((s) =>
        Object.entries(labels).every(([k, v]) => s.labels[k] === v)
      )?.value;
    assert.equal(value("patchpanel_applies_total", { outcome: "success" }), 1);
    assert.equal(value("patchpanel_applies_total", { outcome: "invalid" }), 1);
    assert.equal(families.get("patchpanel_apply_duration_seconds")?.type, "histogram");
    const histogram = families.get("patchpanel_apply_duration_seconds")!.samples;
    assert.equal(
      histogram.find((s) => s.name === "patchpanel_apply_duration_seconds_count")?.value,
      2,
    );
    assert.equal(value("patchpanel_haproxy_reloads_total"), 1);
    assert.equal(value("patchpanel_haproxy_rollbacks_total"), 0);
    assert.ok((value("patchpanel_database_size_bytes") ?? 0) > 0);
    assert.equal(value("patchpanel_stats_sampler_up"), 1);
    assert.ok(families.has("patchpanel_stats_sampler_lag_seconds"));
    assert.ok((value("haproxy_frontend_http_requests_total", { proxy: "fe-main" }) ?? 0) >= 4);
    assert.ok(
      (value("haproxy_frontend_http_responses_total", { proxy: "fe-main", code: "2xx" }) ?? 0) >= 4,
    );
    assert.equal(value("haproxy_server_status", { proxy: "app", server: "a", state: "UP" }), 1);
    assert.equal(value("haproxy_backend_status", { proxy: "app", state: "UP" }), 1);
    assert.equal(families.get("haproxy_backend_response_time_average_seconds")?.type, "gauge");
    assert.equal(families.get("haproxy_server_bytes_out_total")?.type, "counter");
    assert.equal(typeof value("haproxy_process_current_connections"), "number");
  } finally {
    await d.stop();
    await a.close();
  }
});
