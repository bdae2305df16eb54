/**
 * The certbot plugin's routes: renewals (the spec's "Let's Encrypt:
 * trigger a renewal"), DNS-01 credential templates and files, and a
 * provider's dry run. certbot missing on the machine is a 503 naming it.
 *
 * @module
 */
import { z } from "zod";
import type { PluginHost } from "../../core/plugin.ts";
import { badRequest, conflict, HttpError, notFound } from "../../core/errors.ts";
import { isName } from "../../core/state/names.ts";
import type { CertbotDirs } from "./files.ts";
import type { CertbotRunner } from "./runner.ts";
import type { Issuer } from "./issuer.ts";
import { CREDENTIAL_TEMPLATES, templateFor } from "./dns_plugins.ts";
import { checkValues, credentialKeys, removeCredentials, writeCredentials } from "./credentials.ts";
import { certExists, leCertsOf, providerById, providersOf } from "./state_view.ts";
import type { LetsEncryptProviderModel } from "./schema.ts";

/** The renewal body: exactly `{force: boolean}`. */
export const RenewBody = z.object({ force: z.boolean() }).strict();

/** A credentials body: the DNS plugin (when the state does not name it yet) and its fields. */
export const CredentialsBody = z.object({
  plugin: z.string().optional(),
  credentials: z.record(z.string(), z.unknown()),
}).strict();

const RenewResponse = z.object({
  results: z.array(z.object({
    id: z.string(),
    ok: z.boolean(),
    renewed: z.boolean(),
    notAfter: z.string().nullable(),
    error: z.object({ kind: z.string(), message: z.string() }).passthrough().optional(),
  })),
  // `deferred`: refused by a pending commit-confirmed window; installed once it has ended.
  reload: z.object({
    ok: z.boolean(),
    error: z.string().nullable(),
    deferred: z.literal(true).optional(),
  }),
});

/** Registers the routes. */
export function certbotRoutes(
  host: PluginHost,
  issuer: Issuer,
  runner: CertbotRunner,
  dirs: CertbotDirs,
): void {
  const needCertbot = () => {
    if (!runner.binary()) {
      throw new HttpError(
        "ServiceUnavailable",
        `certbot is not installed: '${runner.binaryName}' was not found (apt-get install certbot)`,
      );
    }
  };

  host.route("POST", "/api/certificates/renew", {
    role: "operator",
    tier: "write",
    summary: "Renew every Let's Encrypt certificate (certbot's due-check; force: --force-renewal)",
    request: RenewBody,
    response: RenewResponse,
  }, async (ctx) => {
    const { force } = await ctx.body(RenewBody);
    if (providersOf(host.state()).length) needCertbot();
    return await issuer.renew(null, force, ctx.actor);
  });

  host.route("POST", "/api/certificates/:id/renew", {
    role: "operator",
    tier: "write",
    summary: "Renew one Let's Encrypt certificate; 404 unknown id, 409 not a Let's Encrypt one",
    request: RenewBody,
    response: RenewResponse,
  }, async (ctx) => {
    const id = ctx.params.id;
    const state = host.state();
    if (!certExists(state, id)) throw notFound(`certificate '${id}' does not exist`);
    if (!leCertsOf(state).some((le) => le.cert.id === id)) {
      throw conflict(`certificate '${id}' is not from a letsencrypt provider; only those renew`);
    }
    const { force } = await ctx.body(RenewBody);
    needCertbot();
    return await issuer.renew([id], force, ctx.actor);
  });

  host.route("GET", "/api/tls-providers/credential-templates", {
    role: "viewer",
    tier: "read",
    summary: "The certbot DNS plugins with a credential template, and their packages",
  }, () => ({ templates: Object.values(CREDENTIAL_TEMPLATES) }));

  host.route("GET", "/api/tls-providers/credential-template/:type", {
    role: "viewer",
    tier: "read",
    summary: "The credential fields a certbot DNS plugin needs",
  }, (ctx) => {
    const template = templateFor(ctx.params.type);
    if (!template) throw notFound(`no credential template for DNS plugin '${ctx.params.type}'`);
    return template;
  });

  const providerId = (raw: string) => {
    if (!isName(raw)) throw badRequest(`'${raw}' is not a provider id`);
    return raw;
  };
  const dnsPluginOf = (id: string): string | undefined => {
    const p = providerById(host.state(), id) as LetsEncryptProviderModel | undefined;
    return p?.kind === "letsencrypt" && p.challenge.type === "dns-01"
      ? p.challenge.plugin
      : undefined;
  };

  host.route("PUT", "/api/tls-providers/:id/credentials", {
    role: "admin",
    tier: "write",
    summary: "Write a provider's DNS-01 credentials (0600 under the data dir; never returned)",
    request: CredentialsBody,
  }, async (ctx) => {
    const id = providerId(ctx.params.id);
    const body = await ctx.body(CredentialsBody);
    const inState = dnsPluginOf(id);
    if (inState && body.plugin && body.plugin !== inState) {
      throw badRequest(`provider '${id}' uses DNS plugin '${inState}', not '${body.plugin}'`);
    }
    const plugin = inState ?? body.plugin;
    if (!plugin) {
      throw badRequest(`provider '${id}' is not a dns-01 letsencrypt provider: name the plugin`);
    }
    const template = templateFor(plugin);
    if (!template) throw badRequest(`no credential template for DNS plugin '${plugin}'`);
    const set = await writeCredentials(dirs, id, checkValues(template, body.credentials));
    host.audit.record({
      actor: ctx.actor,
      category: "cert",
      action: "credentials-set",
      target: id,
      details: { plugin, set },
      outcome: "success",
    });
    return { providerId: id, plugin, set };
  });

  host.route("GET", "/api/tls-providers/:id/credentials", {
    role: "admin",
    tier: "read",
    summary: "Which credential fields are set for a provider (never their values)",
  }, async (ctx) => {
    const id = providerId(ctx.params.id);
    const set = await credentialKeys(dirs, id);
    if (!set) throw notFound(`provider '${id}' has no credentials`);
    const plugin = dnsPluginOf(id);
    const template = plugin ? templateFor(plugin) : undefined;
    const missing = template?.fields.filter((f) => f.required && !set.includes(f.key))
      .map((f) => f.key) ?? [];
    return { providerId: id, plugin: plugin ?? null, set, missing };
  });

  host.route("DELETE", "/api/tls-providers/:id/credentials", {
    role: "admin",
    tier: "write",
    summary: "Remove a provider's DNS-01 credentials",
  }, async (ctx) => {
    const id = providerId(ctx.params.id);
    if (!await removeCredentials(dirs, id)) throw notFound(`provider '${id}' has no credentials`);
    host.audit.record({
      actor: ctx.actor,
      category: "cert",
      action: "credentials-removed",
      target: id,
      outcome: "success",
    });
    return { providerId: id, deleted: true };
  });

  host.route("POST", "/api/tls-providers/:id/test", {
    role: "admin",
    tier: "write",
    summary: "Dry-run certbot (--dry-run) for a provider's first certificate against its directory",
  }, async (ctx) => {
    const id = providerId(ctx.params.id);
    const provider = providersOf(host.state()).find((p) => p.id === id);
    if (!provider) throw notFound(`letsencrypt provider '${id}' does not exist`);
    const le = leCertsOf(host.state()).find((c) => c.provider.id === id);
    if (!le) throw conflict(`provider '${id}' has no certificate to test with`);
    needCertbot();
    const run = await issuer.exclusive(() =>
      runner.run(runner.certonlyArgs(provider, le.cert, { dryRun: true }))
    );
    host.audit.record({
      actor: ctx.actor,
      category: "cert",
      action: "dry-run",
      target: id,
      details: { cert: le.cert.id, ...(run.ok ? {} : { error: run.error.kind }) },
      outcome: run.ok ? "success" : "failure",
    });
    return run.ok
      ? { ok: true, certId: le.cert.id, output: run.output }
      : { ok: false, certId: le.cert.id, error: run.error };
  });
}
