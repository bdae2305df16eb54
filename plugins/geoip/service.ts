/**
 * The GeoIP service: the city and ASN database slots, kept in line with
 * `state.geoip` (on start and after every apply) and with the files on disk
 * (polled every `pollMs`, so a replaced database is picked up without an
 * apply). It is also the `geoip` capability other plugins use.
 *
 * @module
 */
import { isAbsolute, join } from "node:path";
import type { GeoLookup, GeoRecord } from "../../core/providers.ts";
import { DbSlot, type DbStatus } from "./database.ts";
import { toGeoRecord } from "./lookup.ts";
import { GEOIP_DEFAULT, type GeoIpState } from "./schema.ts";

/** `GET /api/geoip/status`. */
export interface GeoStatus {
  enabled: boolean;
  city: DbStatus;
  asn: DbStatus;
}

/** Both databases and the switch. */
export class GeoService implements GeoLookup {
  readonly city = new DbSlot();
  readonly asn = new DbSlot();
  #config: GeoIpState = GEOIP_DEFAULT;
  #dataDir: string;
  #timer: ReturnType<typeof setInterval> | undefined;
  #syncing: Promise<void> = Promise.resolve();

  /** `dataDir` anchors relative database paths. */
  constructor(dataDir: string) {
    this.#dataDir = dataDir;
  }

  /** Adopts a new `state.geoip` and (re)loads what it names. */
  configure(config: GeoIpState | undefined): Promise<void> {
    this.#config = config ?? GEOIP_DEFAULT;
    return this.refresh();
  }

  /** Re-reads any database whose file changed; serialized, never throws. */
  refresh(): Promise<void> {
    this.#syncing = this.#syncing.then(async () => {
      const on = this.#config.enabled;
      await this.city.sync(on ? this.#resolve(this.#config.cityDb) : null);
      await this.asn.sync(on ? this.#resolve(this.#config.asnDb) : null);
    }).catch(() => {});
    return this.#syncing;
  }

  /** Polls the files every `pollMs`. */
  watch(pollMs: number): void {
    this.unwatch();
    this.#timer = setInterval(() => void this.refresh(), pollMs);
  }

  /** Stops polling and waits for a load in flight. */
  async unwatch(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#syncing;
  }

  /** Whether lookups can answer. */
  enabled(): boolean {
    return this.#config.enabled && (this.city.reader !== null || this.asn.reader !== null);
  }

  /** City and ASN merged; null when disabled or when no database knows the address. */
  lookup(ip: string): GeoRecord | null {
    if (!this.#config.enabled) return null;
    return toGeoRecord(this.#get(this.city, ip), this.#get(this.asn, ip));
  }

  /** The switch and both slots. */
  status(): GeoStatus {
    return { enabled: this.#config.enabled, city: this.city.status(), asn: this.asn.status() };
  }

  #get(slot: DbSlot, ip: string): unknown {
    try {
      return slot.reader?.get(ip) ?? null;
    } catch {
      return null; // e.g. an IPv6 address against an IPv4-only database
    }
  }

  #resolve(path: string | null): string | null {
    if (!path) return null;
    return isAbsolute(path) ? path : join(this.#dataDir, path);
  }
}
