/**
 * The runtime plugin: fast operational moves through HAProxy's Runtime API
 * (admin socket), with no render, no reload and no snapshot — drain, weight,
 * frontend disable/enable, maxconn, counters, stick tables, sessions, ACL
 * entries, and a level-capped console. Every mutation is audited (category
 * `haproxy`) with its actor.
 *
 * Server state (drain, maint, weight) survives reloads because the core
 * renders `server-state-file` / `load-server-state-from-file global` and the
 * apply pipeline dumps `show servers state` just before each reload. Other
 * runtime changes (frontend disable, maxconn, inline ACL entries) last until
 * the next reload or restart; entries of a file-backed ACL are persisted.
 * Its console pages: ACLs with their live entries and the Runtime API
 * console for admins (`pages.ts`), maps with their entries (`map_pages.ts`),
 * DNS resolvers' counters and captured protocol errors (`diagnostic_pages.ts`).
 *
 * @example
 * ```ts
 * import { runtime } from "./plugins/runtime/mod.ts";
 * startDaemon({ plugins: [runtime({ commandTimeoutMs: 3000 })] });
 * ```
 *
 * @module
 */
import { definePlugin, type Plugin } from "../../core/plugin.ts";
import { RuntimeApi } from "./admin.ts";
import { aclRoutes } from "./acls.ts";
import { mapRoutes } from "./maps.ts";
import { consoleRoutes } from "./console.ts";
import { runtimePages } from "./pages.ts";
import { mapPages } from "./map_pages.ts";
import { diagnosticPages } from "./diagnostic_pages.ts";
import { serverRoutes } from "./servers.ts";
import { tableRoutes } from "./tables.ts";
import { errorRoutes } from "./errors.ts";
import { resolverRoutes } from "./resolvers.ts";

/** Options of the runtime plugin. */
export interface RuntimeOptions {
  /** Budget for one admin-socket exchange, in ms. */
  commandTimeoutMs: number;
  /** Longest console line accepted, in characters. */
  consoleMaxLength: number;
}

/** Defaults: 5 s per command (HAProxy answers in ms; a stuck socket must not hang a request). */
export const defaults = {
  commandTimeoutMs: 5000,
  consoleMaxLength: 4096,
} satisfies RuntimeOptions;

/** Builds the runtime plugin. */
export function runtime(options: Partial<RuntimeOptions> = {}): Plugin {
  const opts: RuntimeOptions = { ...defaults, ...options };
  return definePlugin({
    name: "runtime",
    setup(host) {
      const api = new RuntimeApi(host.haproxy, opts.commandTimeoutMs);
      serverRoutes(host, api);
      tableRoutes(host, api);
      aclRoutes(host, api);
      mapRoutes(host, api);
      errorRoutes(host, api);
      resolverRoutes(host, api);
      consoleRoutes(host, api, opts.consoleMaxLength);
      for (const page of [...runtimePages(), ...mapPages(), ...diagnosticPages()]) host.page(page);
    },
  });
}

export default runtime;
