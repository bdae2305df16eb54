/**
 * The `tls` state key: certificate providers and the certificates they
 * supply. A provider says where a certificate's files come from; today that
 * is `byo` (uploaded PEMs). A `letsencrypt` kind, added by the certbot
 * plugin, joins {@link TlsProvider} as another variant with the same cert
 * entries, and {@link certFilesDir} learns its directory.
 *
 * @module
 */
import { join } from "node:path";
import { z } from "zod";
import { Name } from "../../core/state/names.ts";
import type { DataPaths } from "../../core/paths.ts";
import type { FieldRole } from "../../core/plugin.ts";

/** A certificate provider. Discriminated by `kind`, so each kind can carry its own settings. */
export const TlsProvider = z.discriminatedUnion("kind", [
  z.object({
    id: Name,
    kind: z.literal("byo"),
    /** A label for people; not used by HAProxy. */
    description: z.string().max(200).optional(),
  }).strict(),
]);

/** A DNS name a certificate answers for, used as an SNI filter; `*.` wildcards allowed. */
export const CertDomain = z.string().max(253).regex(
  /^(\*\.)?[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/,
  "must be a DNS name such as app.example.com or *.example.com",
);

/**
 * A certificate: `name` is the provider's name for its files (for `byo`,
 * the name it was uploaded under); `domains` are the SNI names it serves.
 */
export const TlsCert = z.object({
  id: Name,
  providerId: Name,
  name: Name,
  domains: z.array(CertDomain).min(1),
}).strict();

/** The whole `tls` key. */
export const TlsState = z.object({
  providers: z.array(TlsProvider).default([]),
  certs: z.array(TlsCert).default([]),
}).strict();

/** Parsed types. */
export type TlsStateModel = z.output<typeof TlsState>;
export type TlsProviderModel = z.output<typeof TlsProvider>;
export type TlsCertModel = z.output<typeof TlsCert>;

declare module "../../core/state/schema.ts" {
  interface PluginState {
    tls: TlsStateModel;
  }
}

/**
 * Who may change `state.tls`: operators assign certificates (which
 * uploaded files serve which names); providers say where key material
 * comes from (and, for the kinds to come, carry accounts and credentials),
 * so only admins add or change them.
 */
export const TLS_FIELD_ROLES: FieldRole[] = [
  { path: "tls", role: "operator" },
  { path: "tls.certs", role: "operator" },
  { path: "tls.providers", role: "admin" },
];

/** The default `tls` value of a fresh state. */
export const TLS_DEFAULT: TlsStateModel = { providers: [], certs: [] };

/**
 * The directory holding a certificate's `fullchain.pem` and `privkey.pem`,
 * derived from its provider's kind (plugins never import each other, so the
 * layout is the shared convention of the data directory).
 */
export function certFilesDir(
  paths: DataPaths,
  provider: TlsProviderModel,
  cert: TlsCertModel,
): string {
  switch (provider.kind) {
    case "byo":
      return join(paths.byoCerts, cert.name);
  }
}
