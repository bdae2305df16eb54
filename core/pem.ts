/**
 * PEM and X.509 reading shared by everything that handles certificates
 * (uploaded certificates, trusted CAs, the certificate inventory): split a
 * PEM text into typed blocks, parse certificates with `node:crypto`, and
 * describe them the way the API reports them.
 *
 * Nothing here throws on bad input: parsing answers with a value that says
 * what is wrong, so callers can turn it into a precise error message.
 *
 * @module
 */
import { createPrivateKey, type KeyObject, X509Certificate } from "node:crypto";

/** One `-----BEGIN <label>-----` … `-----END <label>-----` block. */
export interface PemBlock {
  label: string;
  /** The whole block, armour included, normalised to `\n` line ends. */
  text: string;
}

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([\s\S]*?)-----END \1-----/g;

/** Every PEM block in a text, in order; text outside blocks is ignored. */
export function pemBlocks(text: string): PemBlock[] {
  const out: PemBlock[] = [];
  for (const m of text.matchAll(BLOCK)) {
    const body = m[2].replace(/\r\n/g, "\n");
    out.push({ label: m[1], text: `-----BEGIN ${m[1]}-----\n${body}-----END ${m[1]}-----\n` });
  }
  return out;
}

/** Parsed certificates, or which one (1-based) failed to parse. */
export type CertsResult =
  | { ok: true; certs: X509Certificate[]; pems: string[] }
  | { ok: false; message: string };

/**
 * Parses every CERTIFICATE block of a text. `what` names the input in
 * messages (`fullchainPem`). No block at all is an error too.
 */
export function parseCertificates(text: string, what: string): CertsResult {
  const blocks = pemBlocks(text).filter((b) => b.label === "CERTIFICATE");
  if (blocks.length === 0) {
    return { ok: false, message: `${what} contains no PEM CERTIFICATE block` };
  }
  const certs: X509Certificate[] = [];
  for (const [i, b] of blocks.entries()) {
    try {
      certs.push(new X509Certificate(b.text));
    } catch {
      return {
        ok: false,
        message: `${what}: certificate #${i + 1} is not a valid X.509 certificate`,
      };
    }
  }
  return { ok: true, certs, pems: blocks.map((b) => b.text) };
}

/** A parsed private key, or why it could not be read. */
export type KeyResult =
  | { ok: true; key: KeyObject; pem: string }
  | { ok: false; message: string };

/** Parses the single private key of a text (PKCS#8, PKCS#1 or SEC1). */
export function parsePrivateKey(text: string, what: string): KeyResult {
  const blocks = pemBlocks(text);
  if (blocks.some((b) => b.label === "ENCRYPTED PRIVATE KEY")) {
    return { ok: false, message: `${what} is encrypted; upload the key without a passphrase` };
  }
  const keys = blocks.filter((b) => /^(RSA |EC )?PRIVATE KEY$/.test(b.label));
  if (keys.length === 0) return { ok: false, message: `${what} contains no PEM PRIVATE KEY block` };
  if (keys.length > 1) return { ok: false, message: `${what} contains more than one private key` };
  try {
    return { ok: true, key: createPrivateKey(keys[0].text), pem: keys[0].text };
  } catch {
    return { ok: false, message: `${what}: the PRIVATE KEY block is not a valid key` };
  }
}

/** The DNS names and IP addresses of a certificate's subjectAltName, in order. */
export function subjectAltNames(cert: X509Certificate): string[] {
  const raw = cert.subjectAltName;
  if (!raw) return [];
  return raw.split(/,\s*/).flatMap((part) => {
    const m = /^(DNS|IP Address):(.+)$/.exec(part.trim());
    return m ? [m[2]] : [];
  });
}

/** A distinguished name on one line (`CN=Test CA, O=patchpanel`), in the certificate's order. */
export function oneLineName(name: string): string {
  return name.split("\n").filter(Boolean).join(", ");
}

/** The key algorithm and size of a key, e.g. `RSA 2048` or `EC P-256`. */
export function keyTypeOf(key: KeyObject): string {
  const d = key.asymmetricKeyDetails ?? {};
  switch (key.asymmetricKeyType) {
    case "rsa":
    case "rsa-pss":
      return `RSA ${d.modulusLength ?? "?"}`;
    case "ec":
      return `EC ${curveName(d.namedCurve)}`;
    default:
      return String(key.asymmetricKeyType ?? "unknown").toUpperCase();
  }
}

function curveName(curve: string | undefined): string {
  const names: Record<string, string> = {
    prime256v1: "P-256",
    secp384r1: "P-384",
    secp521r1: "P-521",
  };
  return curve ? names[curve] ?? curve : "?";
}

/** How the API describes one certificate. */
export interface CertSummary {
  subject: string;
  issuer: string;
  sans: string[];
  notBefore: string;
  notAfter: string;
  fingerprint256: string;
  isCa: boolean;
}

/** Summarises a certificate for API answers. */
export function summarize(cert: X509Certificate): CertSummary {
  return {
    subject: oneLineName(cert.subject),
    issuer: oneLineName(cert.issuer),
    sans: subjectAltNames(cert),
    notBefore: cert.validFromDate.toISOString(),
    notAfter: cert.validToDate.toISOString(),
    fingerprint256: cert.fingerprint256,
    isCa: cert.ca,
  };
}

/** Whole days from `now` until `date` (negative once past). */
export function daysUntil(date: Date, now: Date = new Date()): number {
  return Math.floor((date.getTime() - now.getTime()) / 86_400_000);
}
