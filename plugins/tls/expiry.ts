/**
 * The expiry watcher: emits `cert:expiring` for each state certificate
 * within `tls.expiryWarningDays` of its end (or past it), at most once per
 * certificate per UTC day — the day is remembered in the database, so a
 * restart does not repeat the day's notices.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import type { State } from "../../core/state/schema.ts";
import type { Events } from "../../core/events.ts";
import type { DataPaths } from "../../core/paths.ts";
import { inventory } from "./inventory.ts";
import type { TlsProviderKinds } from "../../core/providers.ts";

/**
 * The payload of `cert:expiring`, as core/events.ts declares it (there, so
 * that a plugin such as notifications hears it without importing this one).
 */
export type CertExpiring = Events["cert:expiring"];

/** The migrations of the tls plugin's table. */
export const EXPIRY_MIGRATIONS = [
  `CREATE TABLE tls_expiry_notice (cert_id TEXT PRIMARY KEY, day TEXT NOT NULL)`,
];

/** Finds expiring certificates and reports each once a day. */
export class ExpiryWatcher {
  constructor(
    private db: DatabaseSync,
    private paths: DataPaths,
    private kinds: TlsProviderKinds,
    private warningDays: number,
    private emit: (payload: CertExpiring) => Promise<void>,
  ) {}

  /** Checks every certificate of `state`; returns what it emitted. */
  async check(state: State, now: Date = new Date()): Promise<CertExpiring[]> {
    const day = now.toISOString().slice(0, 10);
    const emitted: CertExpiring[] = [];
    for (const info of await inventory(state, this.paths, this.kinds, this.warningDays, now)) {
      if (info.status !== "expiring" && info.status !== "expired") continue;
      const seen = this.db.prepare("SELECT day FROM tls_expiry_notice WHERE cert_id = ?")
        .get(info.id);
      if (seen?.day === day) continue;
      this.db.prepare(
        "INSERT INTO tls_expiry_notice (cert_id, day) VALUES (?, ?) " +
          "ON CONFLICT (cert_id) DO UPDATE SET day = excluded.day",
      ).run(info.id, day);
      const payload: CertExpiring = {
        certId: info.id,
        providerId: info.providerId,
        name: info.name,
        domains: info.domains,
        notAfter: info.notAfter!,
        daysLeft: info.daysLeft!,
        status: info.status,
        usedBy: info.usedBy,
      };
      emitted.push(payload);
      await this.emit(payload);
    }
    return emitted;
  }
}
