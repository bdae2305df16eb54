/**
 * Validates an uploaded certificate pair without touching the disk: the
 * PEMs parse, the key matches the leaf, the leaf (and every chain
 * certificate) is within its validity, and the chain runs leaf first, each
 * certificate followed by its issuer. Every failure is a value with a
 * `code` and a message that says exactly what is wrong and where.
 *
 * @module
 */
import type { X509Certificate } from "node:crypto";
import {
  keyTypeOf,
  oneLineName,
  parseCertificates,
  parsePrivateKey,
  subjectAltNames,
} from "../../core/pem.ts";

/** Why a pair was refused. */
export type PairErrorCode =
  | "not-pem"
  | "key-mismatch"
  | "weak-key"
  | "expired"
  | "not-yet-valid"
  | "chain-order"
  | "chain-incomplete";

/** A refused pair. */
export interface PairError {
  ok: false;
  code: PairErrorCode;
  error: string;
}

/** An accepted pair: what the API reports, plus the normalised PEMs to store. */
export interface PairOk {
  ok: true;
  subject: string;
  sans: string[];
  notBefore: string;
  notAfter: string;
  issuer: string;
  keyType: string;
  chainLength: number;
  fingerprint256: string;
  /** The normalised PEMs: leaf + chain, key, leaf alone. */
  files: { fullchain: string; privkey: string; cert: string };
}

/** The outcome of {@link validatePair}. */
export type PairResult = PairOk | PairError;

const fail = (code: PairErrorCode, error: string): PairError => ({ ok: false, code, error });

/** Whether `issuer` issued and signed `cert`. */
function issuedBy(cert: X509Certificate, issuer: X509Certificate): boolean {
  try {
    return cert.checkIssued(issuer) && cert.verify(issuer.publicKey);
  } catch {
    return false;
  }
}

function label(certs: X509Certificate[], i: number): string {
  return `certificate #${i + 1} (${oneLineName(certs[i].subject)})`;
}

/** Validates a full chain and its private key. */
export function validatePair(
  fullchainPem: string,
  privkeyPem: string,
  now: Date = new Date(),
): PairResult {
  const chain = parseCertificates(fullchainPem, "fullchainPem");
  if (!chain.ok) return fail("not-pem", `not a PEM: ${chain.message}`);
  const key = parsePrivateKey(privkeyPem, "privkeyPem");
  if (!key.ok) return fail("not-pem", `not a PEM: ${key.message}`);
  const { certs, pems } = chain;

  if (!certs[0].checkPrivateKey(key.key)) {
    const match = certs.findIndex((c) => c.checkPrivateKey(key.key));
    if (match > 0) {
      return fail(
        "chain-order",
        `chain out of order: the key belongs to ${label(certs, match)}; ` +
          "the leaf certificate must come first in fullchainPem",
      );
    }
    return fail(
      "key-mismatch",
      `key does not match leaf: privkeyPem is not the key of ${label(certs, 0)}`,
    );
  }

  const bits = key.key.asymmetricKeyDetails?.modulusLength;
  if (key.key.asymmetricKeyType === "rsa" && bits !== undefined && bits < 2048) {
    return fail(
      "weak-key",
      `key too weak: RSA ${bits} bits is below the 2048 that OpenSSL (and so HAProxy) accepts`,
    );
  }

  for (const [i, c] of certs.entries()) {
    if (c.validToDate.getTime() <= now.getTime()) {
      const what = i === 0 ? "leaf certificate" : `chain ${label(certs, i)}`;
      return fail("expired", `expired: the ${what} expired on ${c.validToDate.toISOString()}`);
    }
    if (c.validFromDate.getTime() > now.getTime()) {
      const what = i === 0 ? "leaf certificate" : `chain ${label(certs, i)}`;
      return fail(
        "not-yet-valid",
        `not yet valid: the ${what} is valid from ${c.validFromDate.toISOString()}`,
      );
    }
  }

  for (let i = 0; i + 1 < certs.length; i++) {
    if (issuedBy(certs[i], certs[i + 1])) continue;
    const j = certs.findIndex((x, k) => k !== i && issuedBy(certs[i], x));
    if (j >= 0) {
      return fail(
        "chain-order",
        `chain out of order: ${label(certs, i)} is issued by ${label(certs, j)}, ` +
          `which must come right after it, not ${label(certs, i + 1)}`,
      );
    }
    return fail(
      "chain-incomplete",
      `intermediate missing: ${label(certs, i)} is issued by ` +
        `'${oneLineName(certs[i].issuer)}', which is not in the chain ` +
        `(the next certificate is '${oneLineName(certs[i + 1].subject)}')`,
    );
  }

  const leaf = certs[0];
  return {
    ok: true,
    subject: oneLineName(leaf.subject),
    sans: subjectAltNames(leaf),
    notBefore: leaf.validFromDate.toISOString(),
    notAfter: leaf.validToDate.toISOString(),
    issuer: oneLineName(leaf.issuer),
    keyType: keyTypeOf(key.key),
    chainLength: certs.length,
    fingerprint256: leaf.fingerprint256,
    files: { fullchain: pems.join(""), privkey: key.pem, cert: pems[0] },
  };
}

/** What the validate endpoint answers: the report without the PEMs. */
export function publicReport(result: PairResult): Omit<PairOk, "files"> | PairError {
  if (!result.ok) return result;
  const { files: _files, ...report } = result;
  return report;
}
