/**
 * Providers: the one typed seam through which a plugin offers a capability
 * that another plugin consumes, without either importing the other.
 *
 * A plugin registers an implementation under a well-known key during setup
 * (`host.provide("geoip", impl)`); any plugin looks it up when it needs it
 * (`host.use("geoip")`, `undefined` when nobody provides it, so consumers
 * degrade instead of failing). Keys and their contracts are a closed, typed
 * set: {@link Providers} lists them, and third-party plugins add their own by
 * declaration merging:
 *
 * ```ts
 * declare module "../../core/providers.ts" {
 *   interface Providers { "acme-dns": DnsSolver }
 * }
 * ```
 *
 * The contracts of built-in capabilities live here, in core, because both
 * sides must see them while neither may import the other.
 *
 * @module
 */
import type { z } from "zod";
import { StartupError } from "./errors.ts";
import type { State } from "./state/schema.ts";
import type { DataPaths } from "./paths.ts";

/** What a GeoIP lookup knows about one address; every part may be unknown. */
export interface GeoRecord {
  /** ISO 3166-1 alpha-2 country code, e.g. "DE". */
  country: string | null;
  /** The country's English name. */
  countryName: string | null;
  /** The city's English name. */
  city: string | null;
  /** Autonomous system number. */
  asn: number | null;
  /** Autonomous system organisation. */
  asOrg: string | null;
}

/** The `geoip` capability: address → location, or null when no database has a record. */
export interface GeoLookup {
  /** Whether lookups are switched on (`state.geoip.enabled`) and a database is loaded. */
  enabled(): boolean;
  /** Looks up a valid IPv4/IPv6 address; null when disabled or not found. */
  lookup(ip: string): GeoRecord | null;
}

/**
 * The `lua-names` capability: which `lua.<name>` actions, services, fetches
 * and converters a state may use. Validation asks it per state, so a rule
 * may use what the same document enables.
 */
export interface LuaNames {
  /** The names (without `lua.`) that the enabled Lua plugins of `state` register. */
  namesFor(state: State): ReadonlySet<string>;
}

/** A `state.tls.providers` entry: an id, a kind, and that kind's own settings. */
export interface TlsProviderEntry {
  /** The provider's id, which certificates name as `providerId`. */
  id: string;
  /** Which registered kind supplies its certificates' files. */
  kind: string;
  /** The kind's own settings, as its schema parsed them. */
  [setting: string]: unknown;
}

/** A `state.tls.certs` entry, whatever its provider's kind. */
export interface TlsCertEntry {
  /** The certificate's id, which binds list. */
  id: string;
  /** The provider that supplies its files. */
  providerId: string;
  /** The provider's name for the certificate's files. */
  name: string;
  /** The SNI names it serves. */
  domains: string[];
}

/** Where a certificate's PEM files are: the chain (leaf first) and its private key. */
export interface CertMaterial {
  /** Absolute path of the chain, leaf first. */
  fullchain: string;
  /** Absolute path of the private key. */
  privkey: string;
}

/** A strict object schema, as a provider kind declares its entries (zod's `ZodObject`). */
export type ZodObjectSchema = z.ZodObject;

/**
 * One kind of TLS provider (`byo`, `letsencrypt`, …): the schema of its
 * `state.tls.providers` entries and where its certificates' files are.
 * The tls plugin owns the providers list; a plugin adds a kind during its
 * `prepare`, so states naming the kind validate from the first start.
 */
export interface TlsProviderKind {
  /** The `kind` literal. */
  kind: string;
  /** The plugin that registers it, for clashes and listings. */
  owner: string;
  /** A strict `z.object` with `id` and `kind: z.literal(kind)`. */
  schema: ZodObjectSchema;
  /**
   * The files of one certificate of a provider of this kind. Called while
   * rendering (synchronously): the files need not exist (haproxy -c then
   * refuses the state, with a render warning naming the path).
   */
  materialize(provider: TlsProviderEntry, cert: TlsCertEntry, paths: DataPaths): CertMaterial;
  /**
   * Optional: what the kind knows about a certificate beyond its files (the
   * last issuance and its result), listed by `GET /api/certificates` as
   * the certificate's `details`.
   */
  details?(provider: TlsProviderEntry, cert: TlsCertEntry): Record<string, unknown>;
}

/** The `tls-provider-kinds` capability: registers kinds (the tls plugin provides it). */
export interface TlsProviderKinds {
  /** Adds a kind; a kind registered twice is a start-up error. */
  register(kind: TlsProviderKind): void;
  /** The registered kind, or undefined. */
  get(kind: string): TlsProviderKind | undefined;
}

/** Capability key → contract. Extend by declaration merging. */
export interface Providers {
  /** Kinds of `state.tls.providers` (the tls plugin provides it; byo-certs, certbot add). */
  "tls-provider-kinds": TlsProviderKinds;
  /** Address → location lookups (the geoip plugin provides it). */
  geoip: GeoLookup;
  /** What enabled Lua plugins register (the lua plugin provides it). */
  "lua-names": LuaNames;
}

/** Who provides what, checked like every other registration. */
export class ProviderRegistry {
  #impls = new Map<keyof Providers, { plugin: string; impl: unknown }>();

  /** Registers an implementation; a key provided twice is a start-up error. */
  provide<K extends keyof Providers>(plugin: string, key: K, impl: Providers[K]): void {
    const clash = this.#impls.get(key);
    if (clash) {
      throw new StartupError(
        "PROVIDER_DUPLICATE",
        `capability '${String(key)}' is provided by '${clash.plugin}' and '${plugin}'`,
      );
    }
    this.#impls.set(key, { plugin, impl });
  }

  /** The implementation registered for a key, or undefined. */
  use<K extends keyof Providers>(key: K): Providers[K] | undefined {
    return this.#impls.get(key)?.impl as Providers[K] | undefined;
  }
}
