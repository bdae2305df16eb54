/**
 * The stats plugin: a sampler that reads `show info` and `show stat` from
 * HAProxy's admin socket every `stats.intervalMs` (config.yaml), a rolling
 * history of `stats.historyMs` in a fixed-size ring, the `/api/stats*`
 * endpoints and SSE stream, health events (`server:down`, `server:up`,
 * `backend:down`) for the notifications plugin, and Prometheus `/metrics`
 * with patchpanel's own series next to HAProxy's (under promex's names).
 *
 * Sessions are geo-enriched through the `geoip` capability when a plugin
 * provides it (see `core/providers.ts`); this plugin never imports another.
 *
 * @example
 * ```ts
 * import { stats } from "./plugins/stats/mod.ts";
 * startDaemon({ plugins: [stats()], config: { stats: { intervalMs: 1000 } } });
 * ```
 *
 * @module
 */
import { z } from "zod";
import { definePlugin, type Plugin } from "../../core/plugin.ts";
import { probeAdminSocket } from "../../core/haproxy/admin_probe.ts";
import "./events.ts";
import { ApplyMetrics } from "./own_metrics.ts";
import { registerRoutes } from "./routes.ts";
import { Sampler } from "./sampler.ts";
import { StreamHub } from "./sse.ts";
import { DEFAULT_TRAFFIC_POINTS, TRAFFIC_RETAIN_MS, TrafficRecorder } from "./traffic.ts";
import { DEFAULT_HISTORY_POINTS } from "./history.ts";

/** The `stats` section of config.yaml. */
export const StatsConfig = z.object({
  /** How often to sample, ms. */
  intervalMs: z.number().int().min(100).max(3_600_000).default(5000),
  /** How much history to keep, ms (a rolling hour by default). */
  historyMs: z.number().int().min(1000).max(7 * 86_400_000).default(3_600_000),
  /**
   * Per-proxy points the history keeps over all its samples; older samples keep only
   * their totals (retention.ts).
   */
  historyPoints: z.number().int().min(1000).max(50_000_000).default(DEFAULT_HISTORY_POINTS),
  /** Per-proxy points kept for commit-confirmed guards, over all their samples. */
  trafficPoints: z.number().int().min(1000).max(50_000_000).default(DEFAULT_TRAFFIC_POINTS),
}).strict();

/** The parsed `stats` section. */
export type StatsConfig = z.output<typeof StatsConfig>;

/** Options of the stats plugin factory. */
export interface StatsOptions {
  /** Idle SSE streams get a comment line this often, ms. */
  heartbeatMs: number;
}

/** Defaults: a heartbeat well under common proxy idle timeouts (60 s). */
export const defaults = { heartbeatMs: 15_000 } satisfies StatsOptions;

/** Builds the stats plugin. */
export function stats(options: Partial<StatsOptions> = {}): Plugin {
  const opts: StatsOptions = { ...defaults, ...options };
  return definePlugin({
    name: "stats",
    // Health events, named before plugin namespaces; declared, they are this plugin's alone.
    events: ["server:down", "server:up", "backend:down"],
    config: {
      stats: StatsConfig.default({
        intervalMs: 5000,
        historyMs: 3_600_000,
        historyPoints: DEFAULT_HISTORY_POINTS,
        trafficPoints: DEFAULT_TRAFFIC_POINTS,
      }),
    },
    setup(host) {
      const config = StatsConfig.parse(host.config.stats ?? {});
      const applies = new ApplyMetrics();
      host.on("apply:succeeded", (e) => applies.succeeded(e));
      host.on("apply:failed", (e) => applies.failed(e));
      const sampler = new Sampler({
        intervalMs: config.intervalMs,
        historyMs: config.historyMs,
        historyPoints: config.historyPoints,
        admin: (command) => host.haproxy.admin(command),
        probe: async () => {
          const probe = await probeAdminSocket((c, t) => host.haproxy.admin(c, t));
          // Unreachable shows in show info's own failure; only a wrong level needs the probe.
          return probe.ok || probe.kind !== "level" ? null : probe.reason;
        },
        onTransition: (t, at) => {
          if (t.event === "backend:down") {
            void host.emit("backend:down", { backend: t.backend, at });
          } else {
            void host.emit(t.event, {
              backend: t.backend,
              server: t.server,
              status: t.status,
              at,
            });
          }
        },
      });
      // The core's commit-confirmed applies judge traffic from these (core/apply/confirm*.ts).
      const traffic = new TrafficRecorder(
        sampler,
        config.intervalMs,
        TRAFFIC_RETAIN_MS,
        config.trafficPoints,
      );
      host.provide("traffic", traffic);
      const hub = new StreamHub(opts.heartbeatMs);
      registerRoutes(host, { sampler, hub, applies, ...config });
      host.service({
        name: "sampler",
        start: () => {
          traffic.attach();
          return sampler.start();
        },
        stop: async () => {
          hub.closeAll();
          await sampler.stop();
        },
      });
    },
  });
}

export default stats;
