/**
 * Merges a City and an ASN record into the one {@link GeoRecord} shape the
 * rest of patchpanel uses (GeoIP2/GeoLite2 field names on the way in).
 *
 * @module
 */
import type { GeoRecord } from "../../core/providers.ts";

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | null => (v && typeof v === "object" ? v as Obj : null);
const str = (v: unknown): string | null => (typeof v === "string" ? v : null);
const name = (v: unknown): string | null => str(obj(obj(v)?.names)?.en);

/** The merged record, or null when neither database knows the address. */
export function toGeoRecord(city: unknown, asn: unknown): GeoRecord | null {
  if (!city && !asn) return null;
  const c = obj(city) ?? {};
  const country = obj(c.country) ?? obj(c.registered_country);
  const a = obj(asn) ?? {};
  return {
    country: str(country?.iso_code),
    countryName: name(country),
    city: name(c.city),
    asn: typeof a.autonomous_system_number === "number" ? a.autonomous_system_number : null,
    asOrg: str(a.autonomous_system_organization),
  };
}
