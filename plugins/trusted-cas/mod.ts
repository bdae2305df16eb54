/**
 * The trusted-cas plugin: CA bundles and CRLs for mutual TLS and for
 * verifying backends. It owns the `trustedCas` and `trustedCrls` state keys,
 * checks every reference to them, and serves `/api/trusted-cas*` and
 * `/api/trusted-crls*` (files in `trusted-cas/<name>.pem` and
 * `trusted-crls/<name>.pem`). The tls plugin renders them as `ca-file`,
 * `verify` and `crl-file`. Its console page (`pages.ts`) lists, uploads and
 * deletes both.
 *
 * @example
 * ```ts
 * const plugins = [tls(), byoCerts(), trustedCas()];
 * ```
 *
 * @module
 */
import { z } from "zod";
import { definePlugin, type Plugin } from "../../core/plugin.ts";
import { TRUST_FIELD_ROLES, TrustedCa, TrustedCrl } from "./schema.ts";
import { caUsers, crlUsers, trustChecks } from "./checks.ts";
import { PemStore } from "./store.ts";
import { trustRoutes } from "./routes.ts";
import { trustPages } from "./pages.ts";
import { validateCaBundle, validateCrl } from "./validate.ts";
import { trustFileSource } from "./files.ts";

/** Options of the trusted-cas plugin (none yet; directories come from the data paths). */
export type TrustedCasOptions = Record<never, never>;

/** The defaults. */
export const defaults = {} satisfies TrustedCasOptions;

/** Makes the trusted-cas plugin. */
export function trustedCas(_options: TrustedCasOptions = defaults): Plugin {
  return definePlugin({
    name: "trusted-cas",
    dataDirs: {
      "trusted-cas": { holds: "trusted CA bundles" },
      "trusted-crls": { holds: "certificate revocation lists" },
    },
    schema: {
      trustedCas: z.array(TrustedCa).default([]),
      trustedCrls: z.array(TrustedCrl).default([]),
    },
    fieldRoles: TRUST_FIELD_ROLES,
    checks: [trustChecks],
    setup(host) {
      const caStore = new PemStore(host.paths.plugin("trusted-cas"));
      const crlStore = new PemStore(host.paths.plugin("trusted-crls"));
      host.files(trustFileSource({
        kind: "trusted-ca",
        stateKey: "trustedCas",
        store: caStore,
        validate: validateCaBundle,
      }));
      host.files(trustFileSource({
        kind: "trusted-crl",
        stateKey: "trustedCrls",
        store: crlStore,
        validate: validateCrl,
      }));
      trustRoutes(host, {
        base: "/api/trusted-cas",
        what: "trusted CA",
        stateKey: "trustedCas",
        category: "trusted-ca",
        store: caStore,
        validate: (pem) => validateCaBundle(pem),
        entries: (state) => state.trustedCas.map((c) => c.name),
        users: caUsers,
      });
      trustRoutes(host, {
        base: "/api/trusted-crls",
        what: "CRL",
        stateKey: "trustedCrls",
        category: "trusted-crl",
        store: crlStore,
        validate: (pem) => validateCrl(pem),
        entries: (state) => state.trustedCrls.map((c) => c.name),
        users: crlUsers,
      });
      for (const page of trustPages()) host.page(page);
    },
  });
}
