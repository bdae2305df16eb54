/**
 * The `tls` state key: certificate providers and the certificates they
 * supply. A provider says where a certificate's files come from; its kind
 * (`byo` uploads, `letsencrypt` from certbot, …) is registered by another
 * plugin through `tls-provider-kinds` (see kinds.ts), with the same cert
 * entries for every kind.
 *
 * @module
 */
import { z } from "zod";
import { Name } from "../../core/state/names.ts";
import type { DataPaths } from "../../core/paths.ts";
import type { FieldRole } from "../../core/plugin.ts";
import type { CertMaterial, TlsProviderEntry } from "../../core/providers.ts";
import type { TlsProviderKinds } from "../../core/providers.ts";
import type { ProviderKindRegistry } from "./kinds.ts";

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

/**
 * The whole `tls` key. A provider entry is one of the kinds registered in
 * `kinds` (byo-certs adds `byo`, certbot `letsencrypt`), each with its own
 * settings.
 */
export function tlsStateSchema(kinds: ProviderKindRegistry) {
  return z.object({
    providers: z.array(kinds.entrySchema() as z.ZodType<TlsProviderEntry>).default([]),
    certs: z.array(TlsCert).default([]),
  }).strict();
}

/** Parsed types. */
export type TlsStateModel = { providers: TlsProviderModel[]; certs: TlsCertModel[] };
export type TlsProviderModel = TlsProviderEntry;
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
 * Where a certificate's chain and key are, as its provider's kind says
 * (null when no loaded plugin registers that kind).
 */
export function certMaterial(
  kinds: TlsProviderKinds,
  paths: DataPaths,
  provider: TlsProviderModel,
  cert: TlsCertModel,
): CertMaterial | null {
  return kinds.get(provider.kind)?.materialize(provider, cert, paths) ?? null;
}
