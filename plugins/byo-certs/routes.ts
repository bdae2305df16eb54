/**
 * `/api/byo-certs`: validate a PEM pair (no disk write; a refused pair is a
 * 400 `{ok: false, error, code}`, as upload's), upload it under a
 * name (replacing atomically, and reloading HAProxy when the state serves
 * it), list, describe, download the chain (admin only; the key is never
 * served) and delete (409 while the state references it).
 *
 * @module
 */
import { z } from "zod";
import { badRequest, conflict, notFound } from "../../core/errors.ts";
import { isName } from "../../core/state/names.ts";
import type { PluginHost } from "../../core/plugin.ts";
import { Mutex } from "../../core/apply/mutex.ts";
import { daysUntil, parseCertificates, summarize } from "../../core/pem.ts";
import { publicReport, validatePair } from "./validate.ts";
import type { ByoStore } from "./store.ts";
import { bindsServing, certIdsFor } from "./refs.ts";

/** Largest PEM text accepted (a long chain with a 4096-bit key fits many times). */
const MAX_PEM = 256 * 1024;

const Pair = z.object({
  fullchainPem: z.string().max(MAX_PEM),
  privkeyPem: z.string().max(MAX_PEM),
}).strict();

const Upload = Pair.extend({ name: z.string().max(200) }).strict();

function checkName(name: string): string {
  if (!isName(name)) {
    throw badRequest(
      `invalid certificate name '${name}': must match [A-Za-z0-9][A-Za-z0-9._:-]{0,62}`,
    );
  }
  return name;
}

/** Registers the routes. */
export function byoRoutes(host: PluginHost, store: ByoStore, uploads = new Mutex()): void {
  host.route("POST", "/api/byo-certs/validate", {
    role: "operator",
    tier: "write",
    summary: "Check a PEM pair (key matches leaf, dates, chain order) without storing it",
  }, async (ctx) => {
    const body = await ctx.body(Pair);
    const report = publicReport(validatePair(body.fullchainPem, body.privkeyPem));
    // A refused pair is bad input: 400 `{ok: false, error, code}`, so `curl -f` fails on it.
    if (!report.ok) throw badRequest(report.error, { ok: false, code: report.code });
    return report;
  });

  host.route("POST", "/api/byo-certs/upload", {
    role: "operator",
    tier: "write",
    summary: "Store a PEM pair under a name; reloads HAProxy when a bind serves it",
  }, async (ctx) => {
    const body = await ctx.body(Upload);
    const name = checkName(body.name);
    const result = validatePair(body.fullchainPem, body.privkeyPem);
    if (!result.ok) {
      host.audit.record({
        actor: ctx.actor,
        category: "cert",
        action: "byo-upload",
        target: name,
        details: { code: result.code, error: result.error },
        outcome: "failure",
      });
      throw badRequest(result.error, { ok: false, code: result.code });
    }
    return await uploads.run(async () => {
      const swap = await store.write(name, result.files);
      const state = host.state();
      const binds = bindsServing(state, certIdsFor(state, name));
      if (binds.length) {
        try {
          await host.apply(state, { actor: ctx.actor, reason: `byo-cert-replaced:${name}` });
        } catch (error) {
          await swap.rollback();
          throw error;
        }
      }
      await swap.commit();
      host.audit.record({
        actor: ctx.actor,
        category: "cert",
        action: swap.replaced ? "byo-replace" : "byo-upload",
        target: name,
        details: {
          sans: result.sans,
          notAfter: result.notAfter,
          fingerprint256: result.fingerprint256,
          reloaded: binds.length > 0,
        },
        outcome: "success",
      });
      const { files: _files, ...report } = result;
      return {
        ...report,
        name,
        replaced: swap.replaced,
        reloaded: binds.length > 0,
        servedBy: binds,
      };
    });
  });

  const describe = async (name: string) => {
    const text = await store.fullchain(name);
    if (text === null) return null;
    const state = host.state();
    const certIds = certIdsFor(state, name);
    const base = { name, usedBy: certIds, servedBy: bindsServing(state, certIds) };
    const parsed = parseCertificates(text, "fullchain.pem");
    if (!parsed.ok) return { ...base, error: parsed.message };
    const leaf = summarize(parsed.certs[0]);
    return {
      ...base,
      ...leaf,
      daysLeft: daysUntil(new Date(leaf.notAfter)),
      chainLength: parsed.certs.length,
    };
  };

  host.route("GET", "/api/byo-certs", {
    role: "viewer",
    tier: "read",
    summary: "Uploaded certificates: SANs, expiry, which state entries and binds use them",
  }, async () => {
    const certs = [];
    for (const name of await store.names()) {
      const info = await describe(name);
      if (info) certs.push(info);
    }
    return { certs };
  });

  host.route("GET", "/api/byo-certs/:name", {
    role: "viewer",
    tier: "read",
    summary: "One uploaded certificate's details (never its key)",
  }, async (ctx) => {
    const name = checkName(ctx.params.name);
    const info = await describe(name);
    if (!info) throw notFound(`certificate '${name}' is not uploaded`);
    return info;
  });

  host.route("GET", "/api/byo-certs/:name/fullchain.pem", {
    role: "admin",
    tier: "read",
    summary: "An uploaded certificate's chain as PEM (the private key is never served)",
  }, async (ctx) => {
    const name = checkName(ctx.params.name);
    const text = await store.fullchain(name);
    if (text === null) throw notFound(`certificate '${name}' is not uploaded`);
    return new Response(text, { headers: { "content-type": "application/x-pem-file" } });
  });

  host.route("DELETE", "/api/byo-certs/:name", {
    role: "operator",
    tier: "write",
    summary: "Delete an uploaded certificate; 409 while the state references it",
  }, async (ctx) => {
    const name = checkName(ctx.params.name);
    return await uploads.run(async () => {
      if (!(await store.exists(name))) throw notFound(`certificate '${name}' is not uploaded`);
      const users = certIdsFor(host.state(), name);
      if (users.length) {
        throw conflict(
          `certificate '${name}' is referenced by state.tls.certs (${users.join(", ")}); ` +
            "remove those entries first",
          { usedBy: users },
        );
      }
      await store.remove(name);
      host.audit.record({
        actor: ctx.actor,
        category: "cert",
        action: "byo-delete",
        target: name,
        outcome: "success",
      });
      return { ok: true, name };
    });
  });
}
