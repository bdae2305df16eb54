/**
 * The GeoIP plugin: `state.geoip` (`{enabled, cityDb, asnDb}`, off by
 * default) names MaxMind-format `.mmdb` databases, read with `npm:maxmind`.
 * It serves `/api/geoip/status` and `/api/geoip/lookup/:ip`, reloads a
 * database when its file changes on disk, and provides the `geoip`
 * capability (`core/providers.ts`) that the stats plugin uses to enrich
 * sessions — without either plugin importing the other.
 *
 * @example
 * ```ts
 * import { geoip } from "./plugins/geoip/mod.ts";
 * startDaemon({ plugins: [geoip({ pollMs: 10_000 })] });
 * ```
 *
 * @module
 */
import { definePlugin, type Plugin } from "../../core/plugin.ts";
import { registerRoutes } from "./routes.ts";
import { checkGeoIp, GEOIP_DEFAULT, GEOIP_FIELD_ROLES, GeoIpState } from "./schema.ts";
import { GeoService } from "./service.ts";

/** Options of the GeoIP plugin. */
export interface GeoIpOptions {
  /** How often to look at the database files for changes, ms. */
  pollMs: number;
}

/** Defaults: look for replaced databases every 5 s (a stat of two files). */
export const defaults = { pollMs: 5000 } satisfies GeoIpOptions;

/** Builds the GeoIP plugin. */
export function geoip(options: Partial<GeoIpOptions> = {}): Plugin {
  const opts: GeoIpOptions = { ...defaults, ...options };
  return definePlugin({
    name: "geoip",
    schema: { geoip: GeoIpState.default(GEOIP_DEFAULT) },
    fieldRoles: GEOIP_FIELD_ROLES,
    checks: [checkGeoIp],
    setup(host) {
      const geo = new GeoService(host.paths.dataDir);
      host.provide("geoip", geo);
      host.on("apply:succeeded", (e) => geo.configure(e.state.geoip));
      registerRoutes(host, geo);
      host.service({
        name: "databases",
        async start() {
          let config: GeoIpState | undefined;
          try {
            config = host.state().geoip;
          } catch {
            config = undefined; // state not initialized: stay disabled
          }
          await geo.configure(config);
          geo.watch(opts.pollMs);
        },
        stop: () => geo.unwatch(),
      });
    },
  });
}

export default geoip;
