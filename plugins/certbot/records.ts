/**
 * What the certbot plugin remembers per certificate: the last issuance or
 * renewal, when, its result and error, and the names it was for (so an
 * apply does not retry a failed issuance for the same names at once).
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import type { CertbotError } from "./errors.ts";

/** The plugin's migrations. */
export const RECORD_MIGRATIONS = [
  `CREATE TABLE certbot_runs (
    cert_id TEXT PRIMARY KEY,
    action TEXT NOT NULL,
    at TEXT NOT NULL,
    ok INTEGER NOT NULL,
    renewed INTEGER NOT NULL,
    domains TEXT NOT NULL,
    error TEXT
  )`,
];

/** The last run for a certificate. */
export interface RunRecord {
  /** `issue` (certonly) or `renew`. */
  action: "issue" | "renew";
  /** When it ended, ISO 8601. */
  at: string;
  ok: boolean;
  /** Whether it replaced the certificate's files. */
  renewed: boolean;
  /** The names it was for, sorted and joined by commas. */
  domains: string;
  error: CertbotError | null;
}

/** The names of a certificate as a records key. */
export function domainsKey(domains: string[]): string {
  return [...domains].sort().join(",");
}

/** Reads and writes the records. */
export class RunRecords {
  constructor(private db: DatabaseSync) {}

  /** The last run of a certificate, or null. */
  get(certId: string): RunRecord | null {
    const row = this.db.prepare("SELECT * FROM certbot_runs WHERE cert_id = ?").get(certId) as
      | Record<string, string | number | null>
      | undefined;
    if (!row) return null;
    return {
      action: row.action as "issue" | "renew",
      at: String(row.at),
      ok: row.ok === 1,
      renewed: row.renewed === 1,
      domains: String(row.domains),
      error: row.error ? JSON.parse(String(row.error)) : null,
    };
  }

  /** Records a run, replacing the previous one. */
  put(certId: string, r: RunRecord): void {
    this.db.prepare(
      `INSERT INTO certbot_runs (cert_id, action, at, ok, renewed, domains, error)
       VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (cert_id) DO UPDATE SET action = excluded.action, at = excluded.at,
         ok = excluded.ok, renewed = excluded.renewed, domains = excluded.domains,
         error = excluded.error`,
    ).run(
      certId,
      r.action,
      r.at,
      r.ok ? 1 : 0,
      r.renewed ? 1 : 0,
      r.domains,
      r.error ? JSON.stringify(r.error) : null,
    );
  }
}
