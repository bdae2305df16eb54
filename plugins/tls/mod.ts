/**
 * The tls plugin: TLS termination as state. It owns the `tls` key
 * (certificate providers and their certificates), checks every reference to
 * a certificate, renders binds' and servers' TLS into HAProxy arguments and
 * crt-list files, lists certificates at `GET /api/certificates`, and emits
 * `cert:expiring` once a day for each certificate near its end. Its console
 * page (`pages.ts`) lists the certificates with days left and binds.
 *
 * Providers plug in by kind: the plugin provides `tls-provider-kinds`
 * during `prepare`, and byo-certs (`byo`, uploads) or certbot
 * (`letsencrypt`) register theirs there in their own `prepare`.
 *
 * @example
 * ```ts
 * const plugins = [tls({ checkIntervalMs: 3_600_000 }), byoCerts(), trustedCas()];
 * ```
 *
 * @module
 */
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { definePlugin, type Plugin } from "../../core/plugin.ts";
import { TLS_DEFAULT, TLS_FIELD_ROLES, tlsStateSchema } from "./schema.ts";
import { TLS_ENTITY_FIELD_ROLES, TLS_ENTITY_FIELDS } from "./entity_schema.ts";
import { tlsChecks } from "./checks.ts";
import { expectedFiles, tlsRenderDir, tlsRenderHook } from "./render.ts";
import { ProviderKindRegistry } from "./kinds.ts";
import { inventory } from "./inventory.ts";
import { EXPIRY_MIGRATIONS, ExpiryWatcher } from "./expiry.ts";
import { tlsPages } from "./pages.ts";

export type { CertExpiring } from "./expiry.ts";
export type { CertificateInfo } from "./inventory.ts";

/** Options of the tls plugin. */
export interface TlsOptions {
  /** How often the expiry watcher looks at certificates, in ms. */
  checkIntervalMs?: number;
}

/** The defaults: check expiry hourly (notices still go out at most once a day). */
export const defaults = { checkIntervalMs: 3_600_000 } satisfies Required<TlsOptions>;

/** The `tls` section of config.yaml. */
export const TlsConfig = z.object({
  /** A certificate this many days or fewer from expiry is `expiring`. */
  expiryWarningDays: z.number().int().min(1).max(365).default(21),
}).strict().default({ expiryWarningDays: 21 });

/** Makes the tls plugin. */
export function tls(options: TlsOptions = {}): Plugin {
  const opts = { ...defaults, ...options };
  const kinds = new ProviderKindRegistry();
  return definePlugin({
    name: "tls",
    dataDirs: { "haproxy-tls": { holds: "crt-lists" } },
    // Named before plugin namespaces; declared, it is this plugin's alone.
    events: ["cert:expiring"],
    schema: { tls: tlsStateSchema(kinds).default(TLS_DEFAULT) },
    entityFields: TLS_ENTITY_FIELDS,
    fieldRoles: [...TLS_FIELD_ROLES, ...TLS_ENTITY_FIELD_ROLES],
    checks: [tlsChecks],
    config: { tls: TlsConfig },
    prepare(ctx) {
      ctx.provide("tls-provider-kinds", kinds);
    },
    setup(host) {
      const { expiryWarningDays } = TlsConfig.parse(host.config.tls);
      host.migrate(EXPIRY_MIGRATIONS);
      host.render(tlsRenderHook(kinds));

      host.route("GET", "/api/certificates", {
        role: "viewer",
        tier: "read",
        summary: "Every certificate of every provider: SANs, expiry, days left, binds, status",
      }, async () => ({
        certificates: await inventory(host.state(), host.paths, kinds, expiryWarningDays),
      }));
      for (const page of tlsPages()) host.page(page);

      const watcher = new ExpiryWatcher(
        host.db,
        host.paths,
        kinds,
        expiryWarningDays,
        (payload) => host.emit("cert:expiring", payload),
      );
      const check = async () => {
        try {
          await watcher.check(host.state());
        } catch (error) {
          host.log.error("certificate expiry check failed", { error: String(error) });
        }
      };
      host.on("apply:succeeded", async (e) => {
        await removeStale(tlsRenderDir(host.paths), expectedFiles(e.state, host.paths));
        await check();
      });
      let timer: ReturnType<typeof setInterval> | undefined;
      host.service({
        name: "expiry-watcher",
        start() {
          void check();
          timer = setInterval(check, opts.checkIntervalMs);
        },
        stop() {
          clearInterval(timer);
        },
      });
    },
  });
}

/** Removes generated crt-lists and key bundles the applied state no longer uses. */
async function removeStale(dir: string, keep: Set<string>): Promise<void> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const path = join(dir, name);
    if (!keep.has(path)) await Deno.remove(path).catch(() => {});
  }
}
