/**
 * The certificate inventory: every certificate of every provider in the
 * state, read from its files, with SANs, expiry, days left, the binds that
 * serve it and a status. Feeds `GET /api/certificates` and the expiry
 * watcher.
 *
 * @module
 */
import type { State } from "../../core/state/schema.ts";
import type { DataPaths } from "../../core/paths.ts";
import { daysUntil, oneLineName, parseCertificates, subjectAltNames } from "../../core/pem.ts";
import { certMaterial } from "./schema.ts";
import type { TlsProviderKinds } from "../../core/providers.ts";

/** How a certificate stands: `missing` when its files cannot be read. */
export type CertStatus = "ok" | "expiring" | "expired" | "missing";

/** One certificate as the API lists it. */
export interface CertificateInfo {
  id: string;
  providerId: string;
  providerKind: string;
  name: string;
  domains: string[];
  sans: string[];
  issuer: string | null;
  notAfter: string | null;
  daysLeft: number | null;
  /** Bind ids (`<frontend>/<index>`) that serve this certificate. */
  usedBy: string[];
  status: CertStatus;
  /** Why the files could not be read, when `status` is `missing`. */
  error?: string;
  /** What the provider's kind adds (certbot: the last issuance or renewal and its result). */
  details?: Record<string, unknown>;
}

/** The status of a certificate expiring at `notAfter`. */
export function statusOf(notAfter: Date, warningDays: number, now: Date): CertStatus {
  if (notAfter.getTime() <= now.getTime()) return "expired";
  return daysUntil(notAfter, now) < warningDays ? "expiring" : "ok";
}

/** Bind ids using each certificate id. */
export function usage(state: State): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const fe of state.haproxy.frontends) {
    fe.binds.forEach((b, i) => {
      for (const id of b.tls?.certs ?? []) {
        out.set(id, [...(out.get(id) ?? []), `${fe.id}/${i}`]);
      }
    });
  }
  return out;
}

/** Reads every state certificate's leaf and reports on it. */
export async function inventory(
  state: State,
  paths: DataPaths,
  kinds: TlsProviderKinds,
  warningDays: number,
  now: Date = new Date(),
): Promise<CertificateInfo[]> {
  const providers = new Map(state.tls.providers.map((p) => [p.id, p]));
  const used = usage(state);
  const out: CertificateInfo[] = [];
  for (const cert of state.tls.certs) {
    const provider = providers.get(cert.providerId);
    const base = {
      id: cert.id,
      providerId: cert.providerId,
      providerKind: provider?.kind ?? "unknown",
      name: cert.name,
      domains: cert.domains,
      usedBy: used.get(cert.id) ?? [],
      ...(provider && kinds.get(provider.kind)?.details
        ? { details: kinds.get(provider.kind)!.details!(provider, cert) }
        : {}),
    };
    const missing = (error: string): CertificateInfo => ({
      ...base,
      sans: [],
      issuer: null,
      notAfter: null,
      daysLeft: null,
      status: "missing",
      error,
    });
    if (!provider) {
      out.push(missing(`provider '${cert.providerId}' does not exist`));
      continue;
    }
    const files = certMaterial(kinds, paths, provider, cert);
    if (!files) {
      out.push(missing(`no loaded plugin provides TLS provider kind '${provider.kind}'`));
      continue;
    }
    const file = files.fullchain;
    let text: string;
    try {
      text = await Deno.readTextFile(file);
    } catch {
      out.push(missing(`cannot read ${file}`));
      continue;
    }
    const parsed = parseCertificates(text, file);
    if (!parsed.ok) {
      out.push(missing(parsed.message));
      continue;
    }
    const leaf = parsed.certs[0];
    out.push({
      ...base,
      sans: subjectAltNames(leaf),
      issuer: oneLineName(leaf.issuer),
      notAfter: leaf.validToDate.toISOString(),
      daysLeft: daysUntil(leaf.validToDate, now),
      status: statusOf(leaf.validToDate, warningDays, now),
    });
  }
  return out;
}
