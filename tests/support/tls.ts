/**
 * Test support for TLS end-to-end tests: HTTPS requests with curl (names
 * pinned to 127.0.0.1 with `--resolve`, so no DNS), the certificate a
 * listener presents for an SNI name (`openssl s_client`), and the plugin set
 * the TLS tests run with.
 *
 * @module
 */
import { X509Certificate } from "node:crypto";
import type { Plugin } from "../../core/plugin.ts";
import { tls } from "../../plugins/tls/mod.ts";
import { byoCerts } from "../../plugins/byo-certs/mod.ts";
import { trustedCas } from "../../plugins/trusted-cas/mod.ts";

/** The plugins the TLS tests run with. */
export function tlsPlugins(extra: Plugin[] = []): Plugin[] {
  return [tls(), byoCerts(), trustedCas(), ...extra];
}

/** The outcome of one curl call. */
export interface CurlResult {
  /** curl's exit code (0 = transfer done). */
  exit: number;
  /** HTTP status, 0 when there was no response. */
  status: number;
  body: string;
  headers: string;
  stderr: string;
}

/** GETs `https://<host>:<port><path>` through 127.0.0.1, verifying against `caFile`. */
export async function curlHttps(
  host: string,
  port: number,
  opts: { caFile: string; path?: string; cert?: string; key?: string; scheme?: string } = {
    caFile: "",
  },
): Promise<CurlResult> {
  const scheme = opts.scheme ?? "https";
  const args = [
    "-sS",
    "--max-time",
    "5",
    "--resolve",
    `${host}:${port}:127.0.0.1`,
    "-D",
    "/dev/stderr",
    "-w",
    "\n%{http_code}",
  ];
  if (scheme === "https") args.push("--cacert", opts.caFile);
  if (opts.cert) args.push("--cert", opts.cert);
  if (opts.key) args.push("--key", opts.key);
  args.push(`${scheme}://${host}:${port}${opts.path ?? "/"}`);
  const out = await new Deno.Command("curl", { args, stdout: "piped", stderr: "piped" }).output();
  const stdout = new TextDecoder().decode(out.stdout);
  const stderr = new TextDecoder().decode(out.stderr);
  const cut = stdout.lastIndexOf("\n");
  return {
    exit: out.code,
    status: Number(stdout.slice(cut + 1)) || 0,
    body: stdout.slice(0, cut),
    headers: stderr,
    stderr,
  };
}

/** The leaf certificate a TLS listener on 127.0.0.1 presents for `sni`. */
export async function servedCert(port: number, sni: string): Promise<X509Certificate> {
  const child = new Deno.Command("openssl", {
    args: ["s_client", "-connect", `127.0.0.1:${port}`, "-servername", sni],
    stdin: "piped",
    stdout: "piped",
    stderr: "null",
  }).spawn();
  await child.stdin.close();
  const out = new TextDecoder().decode((await child.output()).stdout);
  const m = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/.exec(out);
  if (!m) throw new Error(`no certificate from 127.0.0.1:${port} for ${sni}:\n${out}`);
  return new X509Certificate(m[0]);
}

/** A state `tls` block with one byo provider and the given certificates. */
export function byoTls(certs: { id: string; name?: string; domains: string[] }[]) {
  return {
    providers: [{ id: "byo", kind: "byo" }],
    certs: certs.map((c) => ({
      id: c.id,
      providerId: "byo",
      name: c.name ?? c.id,
      domains: c.domains,
    })),
  };
}
