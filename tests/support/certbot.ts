/**
 * Test support for the certbot plugin: a state with a letsencrypt
 * provider and its certificates on a TLS bind, a verifying TLS client (the
 * `openssl` CLI, with SNI and the CA's root), and a spy on the plugin's events.
 *
 * @module
 */
import { X509Certificate } from "node:crypto";
import { join } from "node:path";
import { definePlugin, type Plugin } from "../../core/plugin.ts";
import { subjectAltNames } from "../../core/pem.ts";
import { tls } from "../../plugins/tls/mod.ts";
import { byoCerts } from "../../plugins/byo-certs/mod.ts";
import { certbot } from "../../plugins/certbot/mod.ts";

/** The plugins the certbot tests run with, plus a spy. */
export function certbotPlugins(extra: Plugin[] = []): Plugin[] {
  return [tls(), byoCerts(), certbot(), ...extra];
}

/** Every certbot event a daemon emitted, in order. */
export function eventSpy(): { plugin: Plugin; seen: { event: string; payload: unknown }[] } {
  const seen: { event: string; payload: unknown }[] = [];
  const plugin = definePlugin({
    name: "cert-spy",
    dependencies: ["certbot"],
    setup(host) {
      for (const event of ["cert:renewed", "cert:renew-failed", "cert:issue-failed"] as const) {
        host.on(event, (payload) => {
          seen.push({ event, payload });
        });
      }
    },
  });
  return { plugin, seen };
}

/** A state: HTTP on `httpPort`, TLS on `tlsPort` serving `certs`, all from provider `le`. */
export function leState(o: {
  httpPort: number;
  tlsPort: number;
  backend: string;
  directory: string;
  certs: { id: string; domains: string[] }[];
  challenge?: Record<string, unknown>;
}): Record<string, unknown> {
  return {
    version: 1,
    haproxy: {
      defaults: { mode: "http", timeouts: { connect: "2s", client: "10s", server: "10s" } },
      frontends: [{
        id: "fe-main",
        binds: [
          { address: `127.0.0.1:${o.httpPort}` },
          { address: `127.0.0.1:${o.tlsPort}`, tls: { certs: o.certs.map((c) => c.id) } },
        ],
        defaultBackend: "app",
      }],
      backends: [{
        id: "app",
        balance: { algorithm: "roundrobin" },
        servers: [{ name: "a1", address: o.backend, check: false }],
      }],
    },
    acls: [],
    tls: {
      providers: [{
        id: "le",
        kind: "letsencrypt",
        email: "ops@example.test",
        directory: o.directory,
        ...(o.challenge ? { challenge: o.challenge } : {}),
      }],
      certs: o.certs.map((c) => ({ id: c.id, providerId: "le", name: c.id, domains: c.domains })),
    },
  };
}

/** What a verifying TLS client saw. */
export interface Seen {
  verified: boolean;
  subject: string;
  sans: string[];
  issuer: string;
  serial: string;
  pem: string;
  output: string;
}

/** Connects to 127.0.0.1:port with SNI `name`, verifying the chain against `rootPem` and the name. */
export async function tlsClient(
  port: number,
  name: string,
  rootPem: string,
  dir: string,
): Promise<Seen> {
  const rootFile = join(dir, "acme-root.pem");
  await Deno.writeTextFile(rootFile, rootPem);
  const child = new Deno.Command("openssl", {
    args: [
      "s_client",
      "-connect",
      `127.0.0.1:${port}`,
      "-servername",
      name,
      "-CAfile",
      rootFile,
      "-verify_hostname",
      name,
      "-verify_return_error",
    ],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  await child.stdin.close();
  const out = await child.output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  const m = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/.exec(text);
  if (!m) {
    return {
      verified: false,
      subject: "",
      sans: [],
      issuer: "",
      serial: "",
      pem: "",
      output: text,
    };
  }
  const cert = new X509Certificate(m[0]);
  return {
    verified: out.success && /Verify return code: 0 \(ok\)/.test(text),
    subject: cert.subject.replaceAll("\n", ", "),
    sans: subjectAltNames(cert),
    issuer: cert.issuer.replaceAll("\n", ", "),
    serial: cert.serialNumber,
    pem: m[0],
    output: text,
  };
}
