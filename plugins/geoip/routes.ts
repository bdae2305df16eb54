/**
 * `GET /api/geoip/status` and `GET /api/geoip/lookup/:ip`.
 *
 * @module
 */
import { isIP } from "node:net";
import { badRequest, notFound, unavailable } from "../../core/errors.ts";
import type { PluginHost } from "../../core/plugin.ts";
import type { GeoService } from "./service.ts";

/** Registers the GeoIP routes. */
export function registerRoutes(host: PluginHost, geo: GeoService): void {
  host.route("GET", "/api/geoip/status", {
    role: "viewer",
    tier: "read",
    summary: "whether each GeoIP database is loaded, its type and build date",
  }, () => geo.status());

  host.route("GET", "/api/geoip/lookup/:ip", {
    role: "viewer",
    tier: "read",
    summary: "country, city and ASN of one address",
  }, ({ params }) => {
    const ip = decodeURIComponent(params.ip);
    if (!isIP(ip)) throw badRequest(`'${ip}' is not an IPv4 or IPv6 address`);
    const status = geo.status();
    if (!status.enabled) throw unavailable("geoip is disabled (state.geoip.enabled is false)");
    if (!geo.enabled()) throw unavailable("no GeoIP database is loaded; see /api/geoip/status");
    const record = geo.lookup(ip);
    if (!record) throw notFound(`no GeoIP record for ${ip}`);
    return { ip, ...record };
  });
}
