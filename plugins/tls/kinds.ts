/**
 * The registry of TLS provider kinds: the tls plugin owns the
 * `state.tls.providers` union, and other plugins add a kind (its schema
 * and where its files are) through the `tls-provider-kinds` capability
 * during their `prepare`, so the tls plugin imports none of them.
 *
 * @module
 */
import { z } from "zod";
import { StartupError } from "../../core/errors.ts";
import type { TlsProviderKind, TlsProviderKinds } from "../../core/providers.ts";
import { Name } from "../../core/state/names.ts";

/** The kinds registered so far; the providers schema reads them when it validates. */
export class ProviderKindRegistry implements TlsProviderKinds {
  #kinds = new Map<string, TlsProviderKind>();
  #union: z.ZodType | null = null;

  /** Adds a kind; twice is a start-up error naming both owners. */
  register(kind: TlsProviderKind): void {
    const clash = this.#kinds.get(kind.kind);
    if (clash) {
      throw new StartupError(
        "PROVIDER_DUPLICATE",
        `TLS provider kind '${kind.kind}' is registered by '${clash.owner}' and '${kind.owner}'`,
      );
    }
    this.#kinds.set(kind.kind, kind);
    this.#union = null;
  }

  /** The kind registered under `kind`, or undefined. */
  get(kind: string): TlsProviderKind | undefined {
    return this.#kinds.get(kind);
  }

  /** The registered kind names, sorted. */
  names(): string[] {
    return [...this.#kinds.keys()].sort();
  }

  /**
   * The schema of one provider entry: a union over the registered kinds'
   * schemas, discriminated by `kind`. Read lazily, so kinds registered after
   * the plugin was defined (during `prepare`) count.
   */
  entrySchema(): z.ZodType {
    return z.lazy(() => this.#build());
  }

  #build(): z.ZodType {
    if (this.#union) return this.#union;
    const schemas = [...this.#kinds.values()].map((k) => k.schema);
    const none = z.object({ id: Name, kind: z.string() }).strict().refine(() => false, {
      message: "no TLS provider kind is available: load a plugin that adds one (byo-certs)",
      path: ["kind"],
    });
    this.#union = schemas.length === 0
      ? none
      : schemas.length === 1
      ? schemas[0]
      : z.discriminatedUnion("kind", schemas as [z.ZodObject, z.ZodObject, ...z.ZodObject[]]);
    return this.#union;
  }
}
