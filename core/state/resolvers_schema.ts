/**
 * DNS resolution for servers: `haproxy.resolvers[]`, each a `resolvers`
 * section of name servers the operator gives by IP address and port (never
 * the host's own resolver: no `parse-resolv-conf`, so what HAProxy asks is
 * exactly what the state says), and the server fields that use one
 * (`resolvers`, `initAddr`, `resolvePrefer`). A server whose address is a
 * DNS name must name a resolvers section: HAProxy then keeps its address up
 * to date as the record changes, instead of resolving it once through libc
 * when the cfg is loaded.
 *
 * @module
 */
import { z } from "zod";
import { Duration, Name } from "./names.ts";

/** A name server's address: an IPv4 literal or a bracketed IPv6 literal, and a port. */
const NameserverAddress = z.string().regex(
  /^((\d{1,3}\.){3}\d{1,3}|\[[0-9A-Fa-f:.]+\]):\d{1,5}$/,
  "must be an IP address and port such as 127.0.0.1:53 ([::1]:53 for IPv6)",
);

/** One `nameserver` line. */
export const Nameserver = z.object({
  name: Name,
  address: NameserverAddress,
}).strict();

/** `hold <status> <period>` of a resolvers section, by status. */
export const ResolverHold = z.object({
  nx: Duration.optional(),
  refused: Duration.optional(),
  timeout: Duration.optional(),
  other: Duration.optional(),
  valid: Duration.optional(),
  obsolete: Duration.optional(),
}).strict();

/** A `resolvers <id>` section. */
export const Resolver = z.object({
  id: Name,
  nameservers: z.array(Nameserver).min(1).max(16),
  /** `accepted_payload_size`: the EDNS payload announced (HAProxy: 512 by default). */
  acceptedPayloadSize: z.number().int().min(512).max(65535).optional(),
  hold: ResolverHold.optional(),
  /** `resolve_retries`: queries sent before giving up (HAProxy: 3). */
  resolveRetries: z.number().int().min(1).max(100).optional(),
  /** `timeout resolve` (how often names are resolved) and `timeout retry`. */
  timeouts: z.object({ resolve: Duration.optional(), retry: Duration.optional() }).strict()
    .optional(),
}).strict();

/** One `init-addr` method: the last known address, libc, none, or a fixed IP. */
export const InitAddrMethod = z.union([
  z.enum(["last", "libc", "none"]),
  z.ipv4(),
  z.ipv6(),
]);

/** The parsed `haproxy.resolvers[]` entry. */
export type ResolverModel = z.output<typeof Resolver>;

/** `hold` statuses in the order they are rendered. */
export const HOLD_STATUSES = ["nx", "refused", "timeout", "other", "valid", "obsolete"] as const;
