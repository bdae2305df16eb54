/**
 * The request pipeline: route → guards (authentication, role, CSRF, rate
 * limit) → handler → response. Guards are pluggable so authentication lives
 * in its own module (`core/auth/guards.ts`, which the daemon installs).
 *
 * @module
 */
import type { z } from "zod";
import { badRequest } from "../errors.ts";
import type { Logger } from "../log.ts";
import { actorOf, type Principal, type RequestContext, type RouteRecord } from "../plugin.ts";
import { readTextCapped } from "./body.ts";
import type { Router } from "./router.ts";
import { errorResponse, json, Reply } from "./respond.ts";

/** What a guard sees. */
export interface GuardInput {
  /** The request, untouched; guards must not consume its body. */
  req: Request;
  /** The parsed request URL. */
  url: URL;
  /** The matched route, whose `role` and `tier` the guard enforces. */
  route: RouteRecord;
  /** The client's address as the socket saw it, for rate limits and audit. */
  ip: string;
  /** Who an earlier guard identified, or null while still anonymous. */
  principal: Principal | null;
}

/**
 * A step before the handler. It may identify the caller (return a
 * principal), refuse (throw an {@link HttpError} or return a Response), or
 * add response headers (rate-limit headers) through `headers`.
 */
export interface Guard {
  /** Identifies the guard (`authenticate`, `rate-limit`, …) when guards are listed or replaced. */
  name: string;
  /** Identifies, refuses or lets through one request; may set response headers. */
  check(input: GuardInput, headers: HeaderSink): GuardResult | Promise<GuardResult>;
}

/** Where guards put headers for the eventual response (e.g. `RateLimit-*`). */
export interface HeaderSink {
  /** Sets a header on the eventual response, replacing an earlier value. */
  set(name: string, value: string): void;
}

/** Extra response headers collected while a request passes the guards. */
class ExtraHeaders implements HeaderSink {
  readonly values: Record<string, string> = {};
  set(name: string, value: string): void {
    this.values[name.toLowerCase()] = value;
  }
}

/** What a guard concludes: a principal, a refusal, or nothing to add. */
export type GuardResult = Principal | null | Response | void;

/** Largest request body accepted, in bytes (state documents with 10k servers fit). */
export const MAX_BODY_BYTES = 32 * 1024 * 1024;

/** Builds the `Deno.serve` handler. */
export function createHandler(
  router: Router,
  guards: () => Guard[],
  log: Logger,
): (req: Request, info: Deno.ServeHandlerInfo) => Promise<Response> {
  return async (req, info) => {
    const url = new URL(req.url);
    const extra = new ExtraHeaders();
    let result: Response | Reply;
    try {
      result = await dispatch(router, guards(), req, url, remoteIp(info), extra);
    } catch (error) {
      result = errorResponse(error, log);
    }
    if (result instanceof Reply) {
      return new Response(result.body, {
        status: result.status,
        headers: { ...extra.values, ...result.headers },
      });
    }
    for (const [k, v] of Object.entries(extra.values)) {
      if (!result.headers.has(k)) result.headers.set(k, v);
    }
    return result;
  };
}

function remoteIp(info: Deno.ServeHandlerInfo): string {
  const addr = info.remoteAddr as Deno.NetAddr;
  return addr.hostname ?? "unknown";
}

async function dispatch(
  router: Router,
  guards: Guard[],
  req: Request,
  url: URL,
  ip: string,
  extra: HeaderSink,
): Promise<Response | Reply> {
  const found = router.match(req.method, url.pathname);
  if (found.kind === "not-found") return json({ error: `no route for ${url.pathname}` }, 404);
  if (found.kind === "method-not-allowed") {
    return json({ error: `method ${req.method} not allowed` }, 405, {
      allow: found.allow.join(", "),
    });
  }
  const { route, params } = found.match;
  let principal: Principal | null = null;
  for (const guard of guards) {
    // Guards answer synchronously on their fast paths; awaiting only real promises
    // keeps microtask hops off every request.
    let out = guard.check({ req, url, route, ip, principal }, extra);
    if (out instanceof Promise) out = await out;
    if (out instanceof Response) return out;
    if (out) principal = out;
  }
  const ctx = makeContext(req, url, params, principal, ip);
  let result = route.handler(ctx);
  if (result instanceof Promise) result = await result;
  if (result instanceof Response || result instanceof Reply) return result;
  return Reply.jsonText(JSON.stringify(result ?? { ok: true }));
}

function makeContext(
  req: Request,
  url: URL,
  params: Record<string, string>,
  principal: Principal | null,
  ip: string,
): RequestContext {
  let cached: Promise<unknown> | undefined;
  const readJson = () => {
    cached ??= readBody(req);
    return cached;
  };
  return {
    req,
    url,
    params,
    principal,
    ip,
    actor: actorOf(principal),
    json: readJson,
    async body<T>(schema: z.ZodType<T>): Promise<T> {
      const raw = await readJson();
      const parsed = schema.safeParse(raw);
      if (!parsed.success) {
        const first = parsed.error.issues[0];
        const where = first?.path.length ? ` at ${first.path.join(".")}` : "";
        throw badRequest(`invalid request body${where}: ${first?.message ?? "invalid"}`, {
          issues: parsed.error.issues,
        });
      }
      return parsed.data;
    },
  };
}

async function readBody(req: Request): Promise<unknown> {
  const text = await readTextCapped(req, MAX_BODY_BYTES);
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text);
  } catch {
    throw badRequest("malformed JSON body");
  }
}
