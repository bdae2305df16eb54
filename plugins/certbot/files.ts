/**
 * Where certbot's files live under the data directory
 * (`<certs>/letsencrypt/`): certbot's own `config/`, `work/`, `logs/`,
 * the self-signed placeholders served until a certificate is issued, and
 * the DNS-01 credential files. What the render reads is the installed copy
 * of a lineage (install.ts), else the placeholder.
 *
 * @module
 */
import { join } from "node:path";
import { selfSignedArgs } from "../../core/https.ts";
import { existsSync } from "node:fs";
import type { DataPaths } from "../../core/paths.ts";
import type { CertMaterial, TlsCertEntry } from "../../core/providers.ts";

/** The certbot plugin's directories. */
export interface CertbotDirs {
  root: string;
  config: string;
  work: string;
  logs: string;
  placeholders: string;
  credentials: string;
}

/** The layout under the data directory's certificate directory. */
export function certbotDirs(paths: DataPaths): CertbotDirs {
  const root = join(paths.plugin("certs"), "letsencrypt");
  return {
    root,
    config: join(root, "config"),
    work: join(root, "work"),
    logs: join(root, "logs"),
    placeholders: join(root, "placeholders"),
    credentials: join(root, "credentials"),
  };
}

/** certbot's live lineage of a certificate (`--cert-name` is the cert id). */
export function lineageDir(dirs: CertbotDirs, certId: string): string {
  return join(dirs.config, "live", certId);
}

/** Whether certbot has issued the certificate. */
export function hasLineage(dirs: CertbotDirs, certId: string): boolean {
  return existsSync(join(lineageDir(dirs, certId), "fullchain.pem"));
}

/**
 * A self-signed certificate for the cert's names, so `haproxy -c` passes
 * and the bind serves until the real one is issued. Made once per id and
 * set of names (synchronously: the render that needs it is synchronous);
 * a change of names makes a new one.
 */
export function ensurePlaceholder(dirs: CertbotDirs, cert: TlsCertEntry): CertMaterial {
  const dir = join(dirs.placeholders, cert.id);
  const files = { fullchain: join(dir, "fullchain.pem"), privkey: join(dir, "privkey.pem") };
  const names = [...cert.domains].sort().join("\n");
  const namesFile = join(dir, "domains");
  try {
    if (Deno.readTextFileSync(namesFile) === names && existsSync(files.fullchain)) return files;
  } catch {
    // not made yet
  }
  Deno.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const san = cert.domains.map((d) => `DNS:${d}`).join(",");
  const out = new Deno.Command("openssl", {
    args: selfSignedArgs({
      keyPath: files.privkey,
      certPath: files.fullchain,
      days: 30,
      subject: "/CN=patchpanel placeholder",
      altNames: san,
    }),
    stdout: "null",
    stderr: "piped",
  }).outputSync();
  if (out.success) {
    Deno.chmodSync(files.privkey, 0o600);
    Deno.writeTextFileSync(namesFile, names);
  }
  // On failure the files are missing; the render warns and haproxy -c says why.
  return files;
}
