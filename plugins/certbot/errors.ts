/**
 * certbot's failures as structured errors: a kind a program can act on,
 * the failing domain and the CA's detail where certbot reports them, and
 * certbot's own text. Classified from certbot's output, which is the only
 * interface it offers (its exit code is 1 for every failure).
 *
 * @module
 */

/** What went wrong, coarsely. */
export type CertbotErrorKind =
  | "rate-limited"
  | "validation-failed"
  | "unauthorized"
  | "dns-timeout"
  | "certbot-missing"
  | "other";

/** A failed certbot run, as the API and the audit log carry it. */
export interface CertbotError {
  kind: CertbotErrorKind;
  /** One line for people. */
  message: string;
  /** The first failing domain (validation-failed, dns-timeout). */
  domain?: string;
  /** The CA's (or the DNS plugin's) detail for that domain. */
  detail?: string;
  /** certbot's captured output, trimmed to its last 4 KiB. */
  output: string;
}

const TAIL = 4096;

/** The last part of certbot's output, the part that says why. */
export function tail(output: string): string {
  return output.length > TAIL ? output.slice(-TAIL) : output;
}

/** The `Domain:` / `Detail:` pairs certbot prints for failed authorizations. */
export function failedDomains(output: string): { domain: string; type?: string; detail: string }[] {
  const out: { domain: string; type?: string; detail: string }[] = [];
  const re = /^\s*Domain:\s*(\S+)\s*\n(?:\s*Type:\s*(\S+)\s*\n)?\s*Detail:\s*(.+)$/gm;
  for (const m of output.matchAll(re)) {
    out.push({ domain: m[1], type: m[2], detail: m[3].trim() });
  }
  return out;
}

/** Classifies a failed run's output. */
export function classify(output: string): CertbotError {
  const text = tail(output);
  const failed = failedDomains(output);
  const lower = output.toLowerCase();
  if (lower.includes("ratelimited") || lower.includes("too many certificates")) {
    return { kind: "rate-limited", message: "the CA's rate limit was reached", output: text };
  }
  const first = failed[0];
  if (first && /dns/i.test(first.detail) && /time(d)? ?out|timeout/i.test(first.detail)) {
    return {
      kind: "dns-timeout",
      message: `DNS lookup timed out for ${first.domain}`,
      domain: first.domain,
      detail: first.detail,
      output: text,
    };
  }
  if (first) {
    return {
      kind: "validation-failed",
      message: `validation failed for ${first.domain}: ${first.detail}`,
      domain: first.domain,
      detail: first.detail,
      output: text,
    };
  }
  if (/(dns|rfc2136|txt record).*(timed out|timeout)/i.test(output)) {
    const line = output.split("\n").find((l) => /timed out|timeout/i.test(l))?.trim();
    return { kind: "dns-timeout", message: line ?? "a DNS operation timed out", output: text };
  }
  if (lower.includes("unauthorized") || lower.includes("externalaccountrequired")) {
    return { kind: "unauthorized", message: "the CA refused the account or order", output: text };
  }
  const line = output.split("\n").map((l) => l.trim()).filter((l) =>
    l && !l.startsWith("Saving debug log") && !l.startsWith("Ask for help")
  ).find((l) => /error|fail|could not|unable/i.test(l));
  return { kind: "other", message: line ?? "certbot failed", output: text };
}
