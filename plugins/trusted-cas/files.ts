/**
 * Trusted CA bundles and CRLs as a state references them (the
 * `core/state_files.ts` hook): kinds `trusted-ca` and `trusted-crl`, id the
 * entry's name in `state.trustedCas` / `state.trustedCrls`, bytes the PEM
 * as stored. A PEM received from a peer is validated exactly like an
 * upload before it is written.
 *
 * @module
 */
import { z } from "zod";
import { badRequest } from "../../core/errors.ts";
import { isName } from "../../core/state/names.ts";
import type { StateFileSource } from "../../core/state_files.ts";
import type { PemStore } from "./store.ts";
import type { TrustError } from "./validate.ts";

/** What one kind of trust material needs to become a file source. */
export interface TrustFiles {
  /** `trusted-ca` or `trusted-crl`. */
  kind: string;
  /** The state key listing the entries. */
  stateKey: "trustedCas" | "trustedCrls";
  store: PemStore;
  validate(pem: string): { ok: true } | TrustError | Promise<{ ok: true } | TrustError>;
}

const Entries = z.array(z.object({ name: z.string() }).passthrough());

/** The file source of one kind of trust material. */
export function trustFileSource(t: TrustFiles): StateFileSource {
  return {
    kind: t.kind,
    referenced(state) {
      const entries = Entries.safeParse((state as Record<string, unknown> | null)?.[t.stateKey]);
      return entries.success ? entries.data.map((e) => e.name).filter(isName) : [];
    },
    async read(id) {
      if (!isName(id)) return null;
      const pem = await t.store.read(id);
      return pem === null ? null : new TextEncoder().encode(pem);
    },
    async write(id, bytes) {
      if (!isName(id)) throw badRequest(`invalid ${t.kind} name '${id}'`);
      const pem = new TextDecoder().decode(bytes);
      const report = await t.validate(pem);
      if (!report.ok) throw badRequest(`${t.kind} '${id}': ${report.error}`, { code: report.code });
      await t.store.write(id, pem);
    },
  };
}
