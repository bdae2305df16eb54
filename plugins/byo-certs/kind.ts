/**
 * The `byo` TLS provider kind, registered with the tls plugin's
 * `tls-provider-kinds`: a provider whose certificates are uploads, found at
 * `<byoCerts>/<name>/{fullchain,privkey}.pem`.
 *
 * @module
 */
import { join } from "node:path";
import { z } from "zod";
import { Name } from "../../core/state/names.ts";
import type { TlsProviderKind } from "../../core/providers.ts";

/** A `byo` provider entry. */
export const ByoProvider = z.object({
  id: Name,
  kind: z.literal("byo"),
  /** A label for people; not used by HAProxy. */
  description: z.string().max(200).optional(),
}).strict();

/** The kind as the tls plugin registers it. */
export const BYO_KIND: TlsProviderKind = {
  kind: "byo",
  owner: "byo-certs",
  schema: ByoProvider,
  materialize: (_provider, cert, paths) => ({
    fullchain: join(paths.plugin("byo-certs"), cert.name, "fullchain.pem"),
    privkey: join(paths.plugin("byo-certs"), cert.name, "privkey.pem"),
  }),
};
