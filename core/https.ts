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
    args: [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:P-256",
      "-nodes",
      "-keyout",
      keyPath,
      "-out",
      certPath,
      "-days",
      "825",
      "-subj",
      "/CN=patchpanel",
      "-addext",
      "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1",
      // A server certificate, not a CA (openssl's -x509 default): clients that pin it, such as
      // rustls-based ones (Deno's fetch), refuse a CA certificate presented as the server's.
      "-addext",
      "basicConstraints=critical,CA:FALSE",
      "-addext",
      "keyUsage=critical,digitalSignature",
      "-addext",
      "extendedKeyUsage=serverAuth",
    ],
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
