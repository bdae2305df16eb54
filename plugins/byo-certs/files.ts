/**
 * The byo-certs plugin's files as a state references them (the
 * `core/state_files.ts` hook): kind `byo-cert`, id the upload's name, for
 * every `state.tls.certs` entry whose provider has kind `byo`. The bytes of
 * one file are a small JSON of the chain and the key, so a peer receives
 * both together; a received pair is validated exactly like an upload
 * before it is stored. The key is a secret: it is never logged, and the
 * bytes only leave this module through the hook.
 *
 * @module
 */
import { join } from "node:path";
import { z } from "zod";
import { badRequest } from "../../core/errors.ts";
import { isName } from "../../core/state/names.ts";
import { readTextOrNull } from "../../core/fsutil.ts";
import type { StateFileSource } from "../../core/state_files.ts";
import type { Mutex } from "../../core/apply/mutex.ts";
import type { ByoStore } from "./store.ts";
import { validatePair } from "./validate.ts";

/** The file kind. */
export const BYO_FILE_KIND = "byo-cert";

const TlsView = z.object({
  tls: z.object({
    providers: z.array(z.object({ id: z.string(), kind: z.string() })),
    certs: z.array(z.object({ providerId: z.string(), name: z.string() })),
  }),
});

const Blob = z.object({ fullchainPem: z.string(), privkeyPem: z.string() }).strict();

/** The names of the uploads a (possibly unvalidated) state serves. */
export function byoNamesIn(state: unknown): string[] {
  const view = TlsView.safeParse(state);
  if (!view.success) return [];
  const byo = new Set(view.data.tls.providers.filter((p) => p.kind === "byo").map((p) => p.id));
  return view.data.tls.certs.filter((c) => byo.has(c.providerId) && isName(c.name)).map((c) =>
    c.name
  );
}

/** The `byo-cert` file source over a store; writes take the uploads' lock. */
export function byoFileSource(store: ByoStore, uploads: Mutex): StateFileSource {
  return {
    kind: BYO_FILE_KIND,
    referenced: byoNamesIn,
    async read(id) {
      if (!isName(id)) return null;
      const fullchainPem = await readTextOrNull(join(store.dir(id), "fullchain.pem"));
      const privkeyPem = await readTextOrNull(join(store.dir(id), "privkey.pem"));
      if (fullchainPem === null || privkeyPem === null) return null;
      return new TextEncoder().encode(JSON.stringify({ fullchainPem, privkeyPem }));
    },
    async write(id, bytes) {
      if (!isName(id)) throw badRequest(`invalid certificate name '${id}'`);
      let blob: z.output<typeof Blob>;
      try {
        blob = Blob.parse(JSON.parse(new TextDecoder().decode(bytes)));
      } catch {
        throw badRequest(`certificate '${id}': the file must be JSON {fullchainPem, privkeyPem}`);
      }
      const result = validatePair(blob.fullchainPem, blob.privkeyPem);
      if (!result.ok) {
        throw badRequest(`certificate '${id}': ${result.error}`, { code: result.code });
      }
      await uploads.run(async () => {
        const swap = await store.write(id, result.files);
        await swap.commit();
      });
    },
  };
}
