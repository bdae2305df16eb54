/**
 * The `trustedCas` and `trustedCrls` state keys: named CA bundles and CRLs
 * that binds use for mTLS (`clientCa`, `crl`) and servers use to verify
 * backends (`tls.ca`). The PEMs themselves are uploaded first and live in
 * `trusted-cas/<name>.pem` and `trusted-crls/<name>.pem`.
 *
 * @module
 */
import { z } from "zod";
import { Name } from "../../core/state/names.ts";
import type { FieldRole } from "../../core/plugin.ts";

/** A trusted CA bundle (one or more CA certificates) by name. */
export const TrustedCa = z.object({
  name: Name,
  description: z.string().max(200).optional(),
}).strict();

/** A certificate revocation list by name. */
export const TrustedCrl = z.object({
  name: Name,
  description: z.string().max(200).optional(),
}).strict();

/**
 * Who may change `state.trustedCas` and `state.trustedCrls`: an entry only
 * names a PEM already uploaded (`POST /api/trusted-cas/upload` is an
 * operator route), so declaring, describing and removing entries is
 * operator-level.
 */
export const TRUST_FIELD_ROLES: FieldRole[] = [
  { path: "trustedCas", role: "operator" },
  { path: "trustedCrls", role: "operator" },
];

/** Parsed types. */
export type TrustedCaModel = z.output<typeof TrustedCa>;
export type TrustedCrlModel = z.output<typeof TrustedCrl>;

declare module "../../core/state/schema.ts" {
  interface PluginState {
    trustedCas: TrustedCaModel[];
    trustedCrls: TrustedCrlModel[];
  }
}
