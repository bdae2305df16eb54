/**
 * Validates what is uploaded as trust material: a CA bundle is one or more
 * certificates that are CAs and within their validity; a CRL is one or more
 * `X509 CRL` blocks that `openssl crl` reads and whose next update has not
 * passed (OpenSSL rejects every client against an expired CRL). Failures
 * are values with a `code` and a precise message.
 *
 * @module
 */
import { oneLineName, parseCertificates, pemBlocks, summarize } from "../../core/pem.ts";
import type { CertSummary } from "../../core/pem.ts";

/** Why trust material was refused. */
export type TrustErrorCode = "not-pem" | "not-a-ca" | "expired" | "not-yet-valid";

/** A refusal. */
export interface TrustError {
  ok: false;
  code: TrustErrorCode;
  error: string;
}

/** An accepted CA bundle. */
export interface CaReport {
  ok: true;
  count: number;
  certs: CertSummary[];
}

/** One CRL as `openssl crl` describes it. */
export interface CrlSummary {
  issuer: string;
  lastUpdate: string;
  nextUpdate: string | null;
  revoked: number;
}

/** An accepted CRL file. */
export interface CrlReport {
  ok: true;
  count: number;
  crls: CrlSummary[];
}

const refuse = (code: TrustErrorCode, error: string): TrustError => ({ ok: false, code, error });

/** Validates a CA bundle. */
export function validateCaBundle(pem: string, now: Date = new Date()): CaReport | TrustError {
  const parsed = parseCertificates(pem, "pem");
  if (!parsed.ok) return refuse("not-pem", `not a PEM: ${parsed.message}`);
  for (const [i, c] of parsed.certs.entries()) {
    const label = `certificate #${i + 1} (${oneLineName(c.subject)})`;
    if (!c.ca) return refuse("not-a-ca", `not a CA: ${label} lacks basicConstraints CA:TRUE`);
    if (c.validToDate.getTime() <= now.getTime()) {
      return refuse("expired", `expired: ${label} expired on ${c.validToDate.toISOString()}`);
    }
    if (c.validFromDate.getTime() > now.getTime()) {
      return refuse(
        "not-yet-valid",
        `not yet valid: ${label} is valid from ${c.validFromDate.toISOString()}`,
      );
    }
  }
  return { ok: true, count: parsed.certs.length, certs: parsed.certs.map(summarize) };
}

/** Validates a CRL file with the `openssl` CLI. */
export async function validateCrl(
  pem: string,
  now: Date = new Date(),
): Promise<CrlReport | TrustError> {
  const blocks = pemBlocks(pem).filter((b) => b.label === "X509 CRL");
  if (blocks.length === 0) return refuse("not-pem", "not a PEM: pem contains no X509 CRL block");
  const crls: CrlSummary[] = [];
  for (const [i, b] of blocks.entries()) {
    const text = await opensslCrlText(b.text);
    if (text === null) {
      return refuse("not-pem", `not a PEM: CRL #${i + 1} is not a valid X.509 CRL`);
    }
    const summary = parseCrlText(text);
    if (summary.nextUpdate && new Date(summary.nextUpdate).getTime() <= now.getTime()) {
      return refuse(
        "expired",
        `expired: CRL #${i + 1} (issuer ${summary.issuer}) was due for renewal on ` +
          `${summary.nextUpdate}; OpenSSL would reject every client certificate`,
      );
    }
    crls.push(summary);
  }
  return { ok: true, count: crls.length, crls };
}

async function opensslCrlText(pem: string): Promise<string | null> {
  const child = new Deno.Command("openssl", {
    args: ["crl", "-noout", "-text", "-nameopt", "RFC2253"],
    stdin: "piped",
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(pem));
  await writer.close();
  const out = await child.output();
  return out.success ? new TextDecoder().decode(out.stdout) : null;
}

/** Reads issuer, update times and the revoked count out of `openssl crl -text`. */
export function parseCrlText(text: string): CrlSummary {
  const field = (name: string) => new RegExp(`^\\s*${name}:\\s*(.+)$`, "m").exec(text)?.[1].trim();
  const date = (v: string | undefined) => {
    if (!v || v === "NONE") return null;
    const d = new Date(v);
    return Number.isNaN(d.getTime()) ? null : d.toISOString();
  };
  return {
    issuer: field("Issuer") ?? "unknown",
    lastUpdate: date(field("Last Update")) ?? "unknown",
    nextUpdate: date(field("Next Update")),
    revoked: (text.match(/^\s*Serial Number:/gm) ?? []).length,
  };
}
