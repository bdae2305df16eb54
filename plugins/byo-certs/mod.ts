/**
 * The byo-certs plugin: certificates you bring yourself. Operators upload a
 * PEM chain and key under a name; the plugin validates them precisely,
 * stores them as `<byoCerts>/<name>/{fullchain,privkey,cert}.pem` (0600
 * files, 0700 directories), and reloads HAProxy when a replaced certificate
 * is being served. The state refers to an upload through a `state.tls.certs`
 * entry whose provider has kind `byo`, which this plugin registers with the
 * tls plugin's `tls-provider-kinds` (kind.ts). Its console
 * page (`pages.ts`) validates, uploads and lists uploads.
 *
 * @example
 * ```ts
 * const plugins = [tls(), byoCerts()];
 * ```
 *
 * @module
 */
import { definePlugin, type Plugin } from "../../core/plugin.ts";
import { ByoStore } from "./store.ts";
import { byoRoutes } from "./routes.ts";
import { byoPages } from "./pages.ts";
import { byoFileSource } from "./files.ts";
import { Mutex } from "../../core/apply/mutex.ts";
import { BYO_KIND } from "./kind.ts";

/** Options of the byo-certs plugin (none yet; the directory comes from the data paths). */
export type ByoCertsOptions = Record<never, never>;

/** The defaults. */
export const defaults = {} satisfies ByoCertsOptions;

/** Makes the byo-certs plugin. */
export function byoCerts(_options: ByoCertsOptions = defaults): Plugin {
  return definePlugin({
    name: "byo-certs",
    dataDirs: { "byo-certs": { holds: "uploaded certificates and their keys", keys: true } },
    dependencies: ["tls"],
    prepare(ctx) {
      ctx.use("tls-provider-kinds")?.register(BYO_KIND);
    },
    setup(host) {
      const store = new ByoStore(host.paths.plugin("byo-certs"));
      const uploads = new Mutex();
      byoRoutes(host, store, uploads);
      host.files(byoFileSource(store, uploads));
      for (const page of byoPages()) host.page(page);
    },
  });
}
