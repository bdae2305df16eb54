/**
 * The certbot plugin: Let's Encrypt (or any ACME CA) certificates through
 * certbot. It adds the `letsencrypt` kind to `state.tls.providers` through
 * the tls plugin's `tls-provider-kinds` (without importing it), so a bind
 * references an issued certificate exactly as an uploaded one.
 *
 * - HTTP-01: every HTTP frontend routes `/.well-known/acme-challenge/` to
 *   certbot's standalone listener on a loopback port (challenge.ts).
 * - DNS-01: certbot's Debian DNS plugins, credentials from a template table
 *   in 0600 files under the data directory (dns_plugins.ts, credentials.ts).
 * - After an apply, missing certificates are issued in the background; a
 *   placeholder serves meanwhile; the new files are installed through the
 *   apply pipeline (issuer.ts). A timer runs certbot's due-check.
 *
 * @example
 * ```ts
 * const plugins = [tls(), byoCerts(), certbot()];
 * ```
 *
 * @module
 */
import { definePlugin, type Plugin } from "../../core/plugin.ts";
import type { TlsProviderKind } from "../../core/providers.ts";
import type { CertFailure as AnyCertFailure } from "../../core/events.ts";
import { CertbotConfig, LetsEncryptProvider } from "./schema.ts";
import { type CertbotDirs, certbotDirs } from "./files.ts";
import { materialize } from "./install.ts";
import { challengePortCheck, challengeRender } from "./challenge.ts";
import { CertbotRunner } from "./runner.ts";
import { Issuer } from "./issuer.ts";
import { RECORD_MIGRATIONS } from "./records.ts";
import { certbotRoutes } from "./routes.ts";
import { RenewTimer } from "./timer.ts";
import type { CertbotErrorKind } from "./errors.ts";

/**
 * A failed issuance or renewal, as `cert:issue-failed` / `cert:renew-failed`
 * carry it (the core declares both for every certificate plugin), with the
 * kind narrowed to certbot's.
 */
export interface CertFailure extends AnyCertFailure {
  kind: CertbotErrorKind;
}

/** Options of the certbot plugin (the rest is config.yaml's `certbot` section). */
export type CertbotOptions = Record<never, never>;

/** The defaults. */
export const defaults = {} satisfies CertbotOptions;

/** Makes the certbot plugin. */
export function certbot(_options: CertbotOptions = defaults): Plugin {
  let issuer: Issuer | null = null;
  let dirs: CertbotDirs | null = null;
  const kind: TlsProviderKind = {
    kind: "letsencrypt",
    owner: "certbot",
    schema: LetsEncryptProvider,
    materialize: (_provider, cert, paths) => materialize(dirs ?? certbotDirs(paths), cert),
    details: (_provider, cert) => {
      const last = issuer?.record(cert.id);
      return {
        lastRun: last
          ? {
            action: last.action,
            at: last.at,
            ok: last.ok,
            renewed: last.renewed,
            error: last.error
              ? { kind: last.error.kind, message: last.error.message, domain: last.error.domain }
              : null,
          }
          : null,
      };
    },
  };
  let port = CertbotConfig.parse(undefined).challengePort;
  return definePlugin({
    name: "certbot",
    dataDirs: { certs: { holds: "issued certificates and their keys", keys: true } },
    dependencies: ["tls"],
    events: ["cert:renewed", "cert:renew-failed", "cert:issue-failed"],
    config: { certbot: CertbotConfig },
    checks: [(state) => challengePortCheck(port)(state)],
    prepare(ctx) {
      dirs = certbotDirs(ctx.paths);
      ctx.use("tls-provider-kinds")?.register(kind);
    },
    setup(host) {
      const config = CertbotConfig.parse(host.config.certbot);
      port = config.challengePort;
      dirs = certbotDirs(host.paths);
      host.migrate(RECORD_MIGRATIONS);
      const runner = new CertbotRunner(config, dirs);
      issuer = new Issuer(host, runner, dirs, config);
      const iss = issuer;
      host.render(challengeRender(config.challengePort));
      certbotRoutes(host, iss, runner, dirs);
      host.on("apply:succeeded", () => iss.schedule());
      const timer = new RenewTimer(host, iss, config);
      host.service({
        name: "renewal-timer",
        start() {
          timer.start();
          // Certificates a previous run left unissued are requested once the daemon serves.
          iss.schedule();
        },
        async stop() {
          timer.stop();
          iss.stop();
          await iss.settled();
        },
      });
    },
  });
}
