/**
 * The `letsencrypt` TLS provider kind and the certbot plugin's config
 * section. A provider carries the ACME account (email), the CA
 * (`directory`), the key type and the challenge; its certificates are the
 * ordinary `state.tls.certs` entries. Credentials for DNS-01 never live in
 * the state: they are files under the data directory (credentials.ts).
 *
 * @module
 */
import { z } from "zod";
import { Name } from "../../core/state/names.ts";

/** Let's Encrypt's two ACME directories, by their names in a provider. */
export const DIRECTORIES = {
  production: "https://acme-v02.api.letsencrypt.org/directory",
  staging: "https://acme-staging-v02.api.letsencrypt.org/directory",
} as const;

/** Which challenge proves control of the names. */
export const Challenge = z.discriminatedUnion("type", [
  z.object({ type: z.literal("http-01") }).strict(),
  z.object({
    type: z.literal("dns-01"),
    /** certbot's DNS plugin (Debian `python3-certbot-dns-<plugin>`), e.g. `rfc2136`. */
    plugin: z.string().regex(/^[a-z0-9]+$/, "a certbot DNS plugin name such as rfc2136"),
    /** How long certbot waits for the TXT record to propagate. */
    propagationSeconds: z.number().int().min(0).max(3600).optional(),
  }).strict(),
]);

/** A `letsencrypt` provider entry of `state.tls.providers`. */
export const LetsEncryptProvider = z.object({
  id: Name,
  kind: z.literal("letsencrypt"),
  /** The ACME account's contact address. */
  email: z.email(),
  /** `production`, `staging`, or the https URL of another ACME directory. */
  directory: z.union([
    z.literal("production"),
    z.literal("staging"),
    z.url({ protocol: /^https$/ }),
  ]).default("production"),
  keyType: z.enum(["ecdsa", "rsa"]).default("ecdsa"),
  rsaKeySize: z.union([z.literal(2048), z.literal(3072), z.literal(4096)]).optional(),
  challenge: Challenge.default({ type: "http-01" }),
}).strict().refine((p) => p.rsaKeySize === undefined || p.keyType === "rsa", {
  message: "rsaKeySize needs keyType rsa",
  path: ["rsaKeySize"],
});

/** A parsed letsencrypt provider. */
export type LetsEncryptProviderModel = z.output<typeof LetsEncryptProvider>;

/** The ACME directory URL of a provider. */
export function directoryUrl(p: LetsEncryptProviderModel): string {
  return p.directory === "production" || p.directory === "staging"
    ? DIRECTORIES[p.directory]
    : p.directory;
}

/** The `certbot` section of config.yaml. */
export const CertbotConfig = z.object({
  /** The certbot executable (a name on PATH or an absolute path). */
  binary: z.string().min(1).default("certbot"),
  /**
   * The loopback port certbot's standalone HTTP-01 listener takes while it
   * runs; HAProxy's challenge route points there. No state may bind it.
   */
  challengePort: z.number().int().min(1).max(65535).default(8402),
  /** How often certbot's own due-check runs, in hours (with up to `jitterMinutes` added). */
  renewIntervalHours: z.number().min(0.01).max(168).default(12),
  /** The random delay added to each renewal run. */
  jitterMinutes: z.number().min(0).max(720).default(60),
  /**
   * A CA bundle certbot trusts for the ACME directory (`REQUESTS_CA_BUNDLE`),
   * for a private ACME CA; unset: the system's.
   */
  caBundle: z.string().optional(),
  /** A certificate whose issuance failed is tried again by an apply only after this long. */
  retryMinutes: z.number().min(0).max(10080).default(60),
  /**
   * An install refused because a commit-confirmed window is pending is tried
   * again this often (and after every apply) until the window has ended.
   */
  installRetrySeconds: z.number().min(0.1).max(3600).default(30),
}).strict().default({
  binary: "certbot",
  challengePort: 8402,
  renewIntervalHours: 12,
  jitterMinutes: 60,
  retryMinutes: 60,
  installRetrySeconds: 30,
});

/** Parsed certbot config. */
export type CertbotConfigModel = z.output<typeof CertbotConfig>;
