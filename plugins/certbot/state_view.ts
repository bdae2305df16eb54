/**
 * The certbot plugin's narrow view of `state.tls`, which belongs to the tls
 * plugin (not imported): the letsencrypt providers and their certificates.
 *
 * @module
 */
import type { State } from "../../core/state/schema.ts";
import type { TlsCertEntry, TlsProviderEntry } from "../../core/providers.ts";
import type { LetsEncryptProviderModel } from "./schema.ts";

interface TlsView {
  providers: TlsProviderEntry[];
  certs: TlsCertEntry[];
}

function tlsOf(state: State): TlsView {
  const tls = (state as unknown as { tls?: Partial<TlsView> }).tls;
  return { providers: tls?.providers ?? [], certs: tls?.certs ?? [] };
}

/** The letsencrypt providers of a validated state. */
export function providersOf(state: State): LetsEncryptProviderModel[] {
  return tlsOf(state).providers.filter((p) =>
    p.kind === "letsencrypt"
  ) as unknown as LetsEncryptProviderModel[];
}

/** A certificate of a letsencrypt provider, with its provider. */
export interface LeCert {
  cert: TlsCertEntry;
  provider: LetsEncryptProviderModel;
}

/** Every certificate whose provider is letsencrypt. */
export function leCertsOf(state: State): LeCert[] {
  const providers = new Map(providersOf(state).map((p) => [p.id, p]));
  return tlsOf(state).certs.flatMap((cert) => {
    const provider = providers.get(cert.providerId);
    return provider ? [{ cert, provider }] : [];
  });
}

/** Whether a certificate id exists in the state at all (any provider kind). */
export function certExists(state: State, id: string): boolean {
  return tlsOf(state).certs.some((c) => c.id === id);
}

/** A provider of any kind by id. */
export function providerById(state: State, id: string): TlsProviderEntry | undefined {
  return tlsOf(state).providers.find((p) => p.id === id);
}
