/**
 * The stats plugin's HTTP surface: `/api/stats`, its history (whole, or one
 * frontend's or backend's), the slowest
 * backends, HTTP code classes, sessions by client, the SSE stream, and the
 * Prometheus `/metrics` endpoint. Every `/api/stats*` route answers 503
 * `{error}` while the sampler is not running, has no sample yet, or its
 * newest read failed (HAProxy down, its admin socket gone or at a lower level).
 *
 * @module
 */
import { badRequest, haproxyRefused, HttpError, unavailable } from "../../core/errors.ts";
import { isName } from "../../core/state/names.ts";
import type { PluginHost } from "../../core/plugin.ts";
import { CONTENT_TYPE, Exposition } from "./exposition.ts";
import { addOwnMetrics, type ApplyMetrics } from "./own_metrics.ts";
import { addInfoMetrics, addStatMetrics } from "./promex.ts";
import { hasProxy, isProxyKind, proxyEntries } from "./proxy_history.ts";
import { httpCodes, slowestBackends } from "./queries.ts";
import type { Sample, Sampler } from "./sampler.ts";
import { topClients } from "./sessions.ts";
import { frame, SSE_HEADERS, type StreamHub } from "./sse.ts";

/** How many clients `/api/stats/sessions` ranks. */
export const TOP_CLIENTS = 20;

/** What the routes read. */
export interface StatsRouteDeps {
  sampler: Sampler;
  hub: StreamHub;
  applies: ApplyMetrics;
  intervalMs: number;
  historyMs: number;
}

const READ = { role: "viewer", tier: "read" } as const;

/** The `since` query parameter (epoch ms), or null when absent; a 400 when malformed. */
function sinceParam(url: URL): number | null {
  const raw = url.searchParams.get("since");
  if (raw !== null && !/^-?\d{1,16}$/.test(raw)) {
    throw badRequest("since must be an integer (epoch milliseconds)");
  }
  return raw === null ? null : Number(raw);
}

/** Registers every stats route on the host. */
export function registerRoutes(host: PluginHost, deps: StatsRouteDeps): void {
  const { sampler } = deps;
  const running = () => {
    if (!sampler.running) throw unavailable("stats sampler is not running");
  };
  const latest = (): Sample => {
    running();
    const s = sampler.latest;
    if (!s) throw unavailable("stats sampler has no sample yet (is HAProxy running?)");
    // The newest read failed: the latest sample is old, and serving it as current would hide it.
    if (sampler.failure) throw unavailable(`stats are not current: ${sampler.failure}`);
    return s;
  };
  let cached: { sample: Sample; body: string } | null = null;

  host.route("GET", "/api/stats", { ...READ, summary: "show info and show stat" }, () => {
    const sample = latest();
    if (cached?.sample !== sample) {
      const body = JSON.stringify({
        at: sample.at,
        info: sample.info,
        stat: sample.table.toRows(),
      });
      cached = { sample, body };
    }
    return new Response(cached.body, { headers: { "content-type": "application/json" } });
  });

  host.route("GET", "/api/stats/history", {
    ...READ,
    summary: "the rolling history, optionally since an epoch ms",
  }, ({ url }) => {
    running();
    return {
      intervalMs: deps.intervalMs,
      historyMs: deps.historyMs,
      samples: sampler.history.since(sinceParam(url), Date.now()),
    };
  });

  host.route("GET", "/api/stats/history/:kind/:name", {
    ...READ,
    summary: "one frontend's or backend's history (kind frontend|backend), optionally since",
  }, ({ url, params }) => {
    running();
    const { kind, name } = params;
    if (!isProxyKind(kind)) throw badRequest("kind must be frontend or backend");
    if (!isName(name)) throw badRequest(`${kind} name is not a valid HAProxy name`);
    const since = sinceParam(url);
    const all = sampler.history.since(null, Date.now());
    if (!hasProxy(all, kind, name)) {
      // Named in the body, so a caller tells "no such proxy yet" from "no stats plugin".
      const message = `the statistics history has no ${kind} named ${name}`;
      throw new HttpError("NotFound", message, { error: message, kind, name });
    }
    const entries = since === null ? all : sampler.history.since(since, Date.now());
    return {
      intervalMs: deps.intervalMs,
      historyMs: deps.historyMs,
      kind,
      name,
      samples: proxyEntries(entries, kind, name),
    };
  });

  host.route("GET", "/api/stats/slowest-backends", {
    ...READ,
    summary: "backends ranked by average response time",
  }, ({ url }) => {
    const raw = url.searchParams.get("limit");
    const limit = raw === null ? 10 : Number(raw);
    if (raw !== null && (!/^\d+$/.test(raw) || limit < 1 || limit > 50)) {
      throw badRequest("limit must be an integer from 1 to 50");
    }
    const sample = latest();
    return { at: sample.at, backends: slowestBackends(sample.table, limit) };
  });

  host.route("GET", "/api/stats/http-codes", {
    ...READ,
    summary: "HTTP responses by status class",
  }, () => {
    const sample = latest();
    return { at: sample.at, ...httpCodes(sample.table) };
  });

  host.route("GET", "/api/stats/sessions", {
    ...READ,
    summary: "current sessions and the top clients, geo-enriched when enabled",
  }, async () => {
    running();
    const out = await host.haproxy.admin("show sess");
    if (!out.ok) {
      if (out.error.kind === "unreachable" || out.error.kind === "timeout") {
        throw unavailable(`HAProxy's admin socket did not answer (${out.error.kind})`);
      }
      throw haproxyRefused("show sess failed", out.error.message);
    }
    const summary = topClients(out.output, TOP_CLIENTS);
    const geo = host.use("geoip");
    const enriched = geo?.enabled() ?? false;
    return {
      current: summary.current,
      geoEnriched: enriched,
      clients: summary.clients.map((c) => enriched ? { ...c, geo: geo!.lookup(c.ip) } : c),
    };
  });

  host.route("GET", "/api/stats/stream", {
    ...READ,
    summary: "server-sent events: one per sample",
  }, ({ req }) => {
    running();
    const last = sampler.history.ring.last();
    // Only a client that asks for an event stream (EventSource, curl -N -H accept) gets a
    // live one; anything else (a plain fetch, a route scanner) gets the newest event and
    // the end of the body instead of a response that never finishes.
    if (!(req.headers.get("accept") ?? "").includes("text/event-stream")) {
      return new Response(`retry: 5000\n\n${last ? frame(last) : ""}`, { headers: SSE_HEADERS });
    }
    return deps.hub.response((push) => sampler.subscribe(push), last);
  });

  host.route("GET", "/metrics", {
    ...READ,
    summary: "Prometheus metrics: patchpanel's own and HAProxy's",
  }, async () => {
    const out = new Exposition();
    await addOwnMetrics(out, {
      applies: deps.applies,
      sampler: { ...sampler.counters, running: sampler.running, intervalMs: deps.intervalMs },
      databaseFiles: [host.paths.database, `${host.paths.database}-wal`],
    });
    const sample = sampler.latest;
    if (sample) {
      addInfoMetrics(out, sample.info);
      addStatMetrics(out, sample.table);
    }
    return new Response(out.text(), { headers: { "content-type": CONTENT_TYPE } });
  });
}
