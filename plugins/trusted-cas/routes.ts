/**
 * The routes of one kind of trust material — `/api/trusted-cas` or
 * `/api/trusted-crls` — which follow one pattern: list, get, validate (no
 * disk write), upload under a name (reloading HAProxy when the state uses
 * it, undone if the reload fails), and delete (409 while the state
 * references it). A PEM that validate or upload refuses is a 400
 * `{ok: false, error, code}`.
 *
 * @module
 */
import { z } from "zod";
import { badRequest, conflict, notFound } from "../../core/errors.ts";
import { isName } from "../../core/state/names.ts";
import type { PluginHost } from "../../core/plugin.ts";
import type { State } from "../../core/state/schema.ts";
import { Mutex } from "../../core/apply/mutex.ts";
import type { PemStore } from "./store.ts";
import type { TrustError } from "./validate.ts";

/** What differs between trusted CAs and CRLs. */
export interface TrustKind<R extends { ok: true }> {
  /** `/api/trusted-cas` */
  base: string;
  /** `trusted CA`, for messages. */
  what: string;
  /** The state key holding the entries, for messages. */
  stateKey: "trustedCas" | "trustedCrls";
  /** The audit category (`trusted-ca`). */
  category: string;
  store: PemStore;
  validate(pem: string): R | TrustError | Promise<R | TrustError>;
  /** Names of the state entries. */
  entries(state: State): string[];
  /** Binds and servers using a name. */
  users(state: State, name: string): string[];
}

const MAX_PEM = 4 * 1024 * 1024;
const Validate = z.object({ pem: z.string().max(MAX_PEM) }).strict();
const Upload = Validate.extend({ name: z.string().max(200) }).strict();

function checkName(what: string, name: string): string {
  if (!isName(name)) {
    throw badRequest(`invalid ${what} name '${name}': must match [A-Za-z0-9][A-Za-z0-9._:-]{0,62}`);
  }
  return name;
}

/** Registers list, get, validate, upload and delete for one kind. */
export function trustRoutes<R extends { ok: true }>(host: PluginHost, k: TrustKind<R>): void {
  const writes = new Mutex();
  const describe = async (name: string) => {
    const pem = await k.store.read(name);
    if (pem === null) return null;
    const state = host.state();
    const report = await k.validate(pem);
    return {
      name,
      inState: k.entries(state).includes(name),
      usedBy: k.users(state, name),
      ...(report.ok ? { report } : { error: report.error }),
    };
  };

  host.route("GET", k.base, {
    role: "viewer",
    tier: "read",
    summary: `Uploaded ${k.what}s and where the state uses them`,
  }, async () => {
    const items = [];
    for (const name of await k.store.names()) {
      const info = await describe(name);
      if (info) items.push(info);
    }
    return { items };
  });

  host.route("GET", `${k.base}/:name`, {
    role: "viewer",
    tier: "read",
    summary: `One uploaded ${k.what}, with its PEM`,
  }, async (ctx) => {
    const name = checkName(k.what, ctx.params.name);
    const info = await describe(name);
    if (!info) throw notFound(`${k.what} '${name}' is not uploaded`);
    return { ...info, pem: await k.store.read(name) };
  });

  host.route("POST", `${k.base}/validate`, {
    role: "operator",
    tier: "write",
    summary: `Check a ${k.what} PEM without storing it`,
  }, async (ctx) => {
    const body = await ctx.body(Validate);
    const report = await k.validate(body.pem);
    // A refused PEM is bad input: 400 `{ok: false, error, code}`, so `curl -f` fails on it.
    if (!report.ok) throw badRequest(report.error, { ok: false, code: report.code });
    return report;
  });

  host.route("POST", `${k.base}/upload`, {
    role: "operator",
    tier: "write",
    summary: `Store a ${k.what} PEM under a name; reloads HAProxy when the state uses it`,
  }, async (ctx) => {
    const body = await ctx.body(Upload);
    const name = checkName(k.what, body.name);
    const report = await k.validate(body.pem);
    if (!report.ok) {
      host.audit.record({
        actor: ctx.actor,
        category: k.category,
        action: "upload",
        target: name,
        details: { code: report.code, error: report.error },
        outcome: "failure",
      });
      throw badRequest(report.error, { ok: false, code: report.code });
    }
    return await writes.run(async () => {
      const previous = await k.store.write(name, body.pem);
      const state = host.state();
      const users = k.users(state, name);
      if (users.length) {
        try {
          await host.apply(state, { actor: ctx.actor, reason: `${k.category}-replaced:${name}` });
        } catch (error) {
          await k.store.restore(name, previous);
          throw error;
        }
      }
      host.audit.record({
        actor: ctx.actor,
        category: k.category,
        action: previous === null ? "upload" : "replace",
        target: name,
        details: { reloaded: users.length > 0 },
        outcome: "success",
      });
      return { ...report, name, replaced: previous !== null, reloaded: users.length > 0 };
    });
  });

  host.route("DELETE", `${k.base}/:name`, {
    role: "operator",
    tier: "write",
    summary: `Delete an uploaded ${k.what}; 409 while the state references it`,
  }, async (ctx) => {
    const name = checkName(k.what, ctx.params.name);
    return await writes.run(async () => {
      if ((await k.store.read(name)) === null) {
        throw notFound(`${k.what} '${name}' is not uploaded`);
      }
      const state = host.state();
      if (k.entries(state).includes(name)) {
        const users = k.users(state, name);
        throw conflict(
          `${k.what} '${name}' is referenced by state.${k.stateKey}` +
            (users.length ? ` and used by ${users.join(", ")}` : "") + "; remove it there first",
          { usedBy: users },
        );
      }
      await k.store.remove(name);
      host.audit.record({
        actor: ctx.actor,
        category: k.category,
        action: "delete",
        target: name,
        outcome: "success",
      });
      return { ok: true, name };
    });
  });
}
