/**
 * patchpanel's own HTTPS key pair: a self-signed certificate generated with
 * `openssl` on first start (so a fresh install is encrypted from the first
 * request), or the operator's files from config.yaml.
 *
 * @module
 */
import { join } from "node:path";
import { readTextOrNull } from "./fsutil.ts";
import { StartupError } from "./errors.ts";

/** PEM strings for `Deno.serve`. */
export interface KeyPair {
  cert: string;
  key: string;
}

/** Loads the configured pair, or creates (once) a self-signed one in `tlsDir`. */
export async function loadOrCreateKeyPair(
  tlsDir: string,
  configured: { certFile?: string; keyFile?: string },
): Promise<KeyPair> {
  if (configured.certFile && configured.keyFile) {
    return {
      cert: await Deno.readTextFile(configured.certFile),
      key: await Deno.readTextFile(configured.keyFile),
    };
  }
  const certPath = join(tlsDir, "cert.pem");
  const keyPath = join(tlsDir, "key.pem");
  const cert = await readTextOrNull(certPath);
  const key = await readTextOrNull(keyPath);
  if (cert && key) return { cert, key };
  await Deno.mkdir(tlsDir, { recursive: true, mode: 0o700 });
  const out = await new Deno.Command("openssl", {
    args: selfSignedArgs({
      keyPath,
      certPath,
      days: 825,
      subject: "/CN=patchpanel",
      altNames: "DNS:localhost,IP:127.0.0.1,IP:::1",
    }),
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) {
    throw new StartupError(
      "CONFIG_INVALID",
      `could not create a self-signed certificate: ${new TextDecoder().decode(out.stderr)}`,
    );
  }
  await Deno.chmod(keyPath, 0o600);
  return { cert: await Deno.readTextFile(certPath), key: await Deno.readTextFile(keyPath) };
}

/** What {@link selfSignedArgs} makes: where, for how long, and for which names. */
export interface SelfSignedSpec {
  keyPath: string;
  certPath: string;
  days: number;
  /** `-subj`, e.g. `/CN=patchpanel`. */
  subject: string;
  /** The subjectAltName value, e.g. `DNS:a.test,IP:127.0.0.1`. */
  altNames: string;
}

/**
 * openssl's arguments for a P-256 self-signed server certificate. One
 * recipe for every certificate patchpanel makes itself (its own HTTPS
 * listener, a placeholder until an ACME issuance): a server certificate,
 * not a CA (openssl's -x509 default), since clients that pin it, such as
 * rustls-based ones (Deno's fetch), refuse a CA certificate presented as
 * the server's.
 */
export function selfSignedArgs(spec: SelfSignedSpec): string[] {
  return [
    "req",
    "-x509",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:P-256",
    "-nodes",
    "-keyout",
    spec.keyPath,
    "-out",
    spec.certPath,
    "-days",
    String(spec.days),
    "-subj",
    spec.subject,
    "-addext",
    `subjectAltName=${spec.altNames}`,
    "-addext",
    "basicConstraints=critical,CA:FALSE",
    "-addext",
    "keyUsage=critical,digitalSignature",
    "-addext",
    "extendedKeyUsage=serverAuth",
  ];
}
