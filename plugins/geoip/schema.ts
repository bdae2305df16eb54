/**
 * The `geoip` key of the state document: whether lookups are on, and where
 * the MaxMind-format city and ASN databases are. Relative paths resolve
 * against the data directory. Off by default.
 *
 * @module
 */
import { z } from "zod";
import type { RefIssue, State } from "../../core/state/schema.ts";
import type { FieldRole } from "../../core/plugin.ts";

const DbPath = z.string().min(1).max(4096).regex(/^[^\0\n]+$/, "must be a file path")
  .regex(/\.mmdb$/, "must name a .mmdb file");

/** `state.geoip`. */
export const GeoIpState = z.object({
  enabled: z.boolean().default(false),
  /** A GeoIP2/GeoLite2 City (or Country) database. */
  cityDb: DbPath.nullable().default(null),
  /** A GeoIP2/GeoLite2 ASN database. */
  asnDb: DbPath.nullable().default(null),
}).strict();

/** The parsed `state.geoip`. */
export type GeoIpState = z.output<typeof GeoIpState>;

/**
 * Who may change `state.geoip`: the database paths name files on the host,
 * so they are admin's; switching lookups on or off is an operator's call.
 */
export const GEOIP_FIELD_ROLES: FieldRole[] = [
  { path: "geoip", role: "admin" },
  { path: "geoip.enabled", role: "operator" },
  { path: "geoip.cityDb", role: "admin" },
  { path: "geoip.asnDb", role: "admin" },
];

/** The default: disabled, no databases. */
export const GEOIP_DEFAULT: GeoIpState = { enabled: false, cityDb: null, asnDb: null };

declare module "../../core/state/schema.ts" {
  interface PluginState {
    geoip: GeoIpState;
  }
}

/** Enabling GeoIP without naming a database is a mistake worth a 422. */
export function checkGeoIp(state: State): RefIssue[] {
  const g = state.geoip;
  if (g?.enabled && !g.cityDb && !g.asnDb) {
    return [{
      path: ["geoip", "enabled"],
      message: "geoip is enabled but names neither cityDb nor asnDb",
    }];
  }
  return [];
}
