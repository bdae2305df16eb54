/**
 * The tls plugin's entity fields: `tls` on a bind (termination: which
 * certificates, protocol floor, ciphers, ALPN, client certificates,
 * redirect and HSTS) and `tls` on a server (TLS towards it). They are
 * declared through `entityFields`, so the core's bind and server know
 * nothing of TLS, and their types join `BindModel` / `ServerModel` by
 * declaration merging below.
 *
 * @module
 */
import { z } from "zod";
import { Name } from "../../core/state/names.ts";
import type { FieldRole } from "../../core/plugin.ts";

/** A DNS name as a TLS SNI value: labels of letters, digits and `-`. */
export const SniName = z.string().max(253).regex(
  /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/,
  "must be a DNS name such as app.example.com",
);

/**
 * TLS termination on a bind: which certificates it serves (by id from
 * `state.tls.certs`; the first of `certs`, or `defaultCert`, answers clients
 * whose SNI matches none), protocol floor, cipher profile, ALPN, and mTLS
 * against a trusted CA (`state.trustedCas`) with an optional CRL
 * (`state.trustedCrls`). Rendered by the tls and trusted-cas plugins, which
 * also check that every name exists.
 */
export const BindTls = z.object({
  certs: z.array(Name).min(1),
  defaultCert: Name.optional(),
  /** Lowest protocol accepted; defaults to the cipher profile's floor. */
  minVersion: z.enum(["TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3"]).optional(),
  /** Mozilla's server-side TLS profiles. */
  ciphers: z.enum(["modern", "intermediate", "old"]).default("intermediate"),
  alpn: z.array(z.enum(["h2", "http/1.1"])).min(1).default(["h2", "http/1.1"]),
  /** A trusted CA name: clients must (or may) present a certificate it issued. */
  clientCa: Name.optional(),
  verify: z.enum(["required", "optional"]).default("required"),
  /** A trusted CRL name, checked against client certificates (needs `clientCa`). */
  crl: Name.optional(),
  /** Redirect plain-HTTP requests of this frontend to HTTPS. */
  redirectHttp: z.boolean().default(false),
  /** Send Strict-Transport-Security on HTTPS responses of this frontend. */
  hsts: z.object({
    maxAge: z.number().int().min(0).default(31536000),
    includeSubDomains: z.boolean().default(false),
    preload: z.boolean().default(false),
  }).strict().optional(),
}).strict();

/**
 * TLS towards a server (implies `ssl`): verify its certificate against a
 * trusted CA (`state.trustedCas`) and send SNI. Rendered by the tls plugin.
 */
export const ServerTls = z.object({
  verify: z.enum(["required", "none"]).default("required"),
  /** A trusted CA name; required when `verify` is `required`. */
  ca: Name.optional(),
  sni: SniName.optional(),
}).strict();

/**
 * A bind's parsed `tls`, inferred from the {@link BindTls} schema.
 *
 * @internal
 */
export type BindTlsModel = z.output<typeof BindTls>;
/**
 * A server's parsed `tls`, inferred from the {@link ServerTls} schema.
 *
 * @internal
 */
export type ServerTlsModel = z.output<typeof ServerTls>;

declare module "../../core/state/haproxy_schema.ts" {
  interface BindExtensions {
    /** TLS termination on this bind (the tls plugin). */
    tls?: BindTlsModel;
  }
  interface ServerExtensions {
    /** TLS towards this server (the tls plugin). */
    tls?: ServerTlsModel;
  }
}

/** The fields, for the plugin's `entityFields`. */
export const TLS_ENTITY_FIELDS = {
  bind: { tls: BindTls.optional() },
  server: { tls: ServerTls.optional() },
};

/**
 * Who may change them: which certificate and CA a bind or server uses, and
 * its TLS profile, is assignment, not key material: the operator's.
 */
export const TLS_ENTITY_FIELD_ROLES: FieldRole[] = [
  { path: "haproxy.frontends.*.binds.*.tls", role: "operator" },
  { path: "haproxy.backends.*.servers.*.tls", role: "operator" },
];
