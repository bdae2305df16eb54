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
import { pathOf } from "./request_path.ts";
import type { Router } from "./router.ts";
import { errorResponse, json, Reply } from "./respond.ts";

/** What a guard sees. */
export interface GuardInput {
  /** The request, untouched; guards must not consume its body. */
  req: Request;
  /** The parsed request URL (parsed on first read: read it only when needed). */
  readonly url: URL;
  /** The matched route, whose `role` and `tier` the guard enforces. */
  route: RouteRecord;
  /** The client's address as the socket saw it, for rate limits and audit (read on first use). */
  readonly ip: string;
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
    // Guards pass lowercase names; testing first skips a copy per header on every request.
    this.values[UPPERCASE.test(name) ? name.toLowerCase() : name] = value;
  }
}

const UPPERCASE = /[A-Z]/;

/** What a guard concludes: a principal, a refusal, or nothing to add. */
export type GuardResult = Principal | null | Response | void;

/** Largest request body accepted, in bytes (state documents with 10k servers fit). */
export const MAX_BODY_BYTES = 32 * 1024 * 1024;

/** Options of {@link createHandler}. */
export interface HandlerOptions {
  /** The request body limit (default {@link MAX_BODY_BYTES}); tests lower it to reach a 413 cheaply. */
  maxBodyBytes?: number;
}

/**
 * Builds the `Deno.serve` handler. It answers synchronously when every guard
 * and the route do (the common read path), and with a promise otherwise.
 */
export function createHandler(
  router: Router,
  guards: () => Guard[],
  log: Logger,
  opts: HandlerOptions = {},
): (req: Request, info: Deno.ServeHandlerInfo) => Response | Promise<Response> {
  const maxBodyBytes = opts.maxBodyBytes ?? MAX_BODY_BYTES;
  return (req, info) => {
    const extra = new ExtraHeaders();
    let result: Response | Reply | Promise<Response | Reply>;
    try {
      result = dispatch(router, guards(), req, info, extra, maxBodyBytes);
    } catch (error) {
      return finish(errorResponse(error, log), extra);
    }
    if (result instanceof Promise) {
      return result.then(
        (r) => finish(r, extra),
        (error) => finish(errorResponse(error, log), extra),
      );
    }
    return finish(result, extra);
  };
}

/** Turns a dispatch result into the Response, adding the guards' headers (the route's win). */
function finish(result: Response | Reply, extra: ExtraHeaders): Response {
  if (result instanceof Reply) {
    const headers = extra.values;
    const own = result.headers;
    for (const k in own) headers[k] = own[k];
    return new Response(result.body, { status: result.status, headers });
  }
  const values = extra.values;
  for (const k in values) {
    if (!result.headers.has(k)) result.headers.set(k, values[k]);
  }
  return result;
}

function remoteIp(info: Deno.ServeHandlerInfo): string {
  try {
    const addr = info.remoteAddr as Deno.NetAddr;
    return addr.hostname ?? "unknown";
  } catch {
    // Read late (after the response, from a stream), the connection may be gone.
    return "unknown";
  }
}

/** Routes, runs the guards and the handler; synchronous unless a step returns a promise. */
function dispatch(
  router: Router,
  guards: Guard[],
  req: Request,
  info: Deno.ServeHandlerInfo,
  extra: HeaderSink,
  maxBodyBytes: number,
): Response | Reply | Promise<Response | Reply> {
  const href = req.url;
  const path = pathOf(href);
  const found = router.match(req.method, path);
  if (found.kind === "not-found") return json({ error: `no route for ${path}` }, 404);
  if (found.kind === "method-not-allowed") {
    return json({ error: `method ${req.method} not allowed` }, 405, {
      allow: found.allow.join(", "),
    });
  }
  const { route, params } = found.match;
  // One input object per request; `principal` is updated as guards identify the caller.
  const input = new Incoming(req, href, info, route, maxBodyBytes);
  for (let i = 0; i < guards.length; i++) {
    const out = guards[i].check(input, extra);
    if (out instanceof Promise) return finishAsync(guards, i, out, input, params, extra);
    if (out instanceof Response) return out;
    if (out) input.principal = out;
  }
  return runRoute(input, params);
}

/** The rest of {@link dispatch} once guard `i` answered with a promise. */
async function finishAsync(
  guards: Guard[],
  i: number,
  pending: Promise<GuardResult>,
  input: Incoming,
  params: Record<string, string>,
  extra: HeaderSink,
): Promise<Response | Reply> {
  let out: GuardResult = await pending;
  for (;;) {
    if (out instanceof Response) return out;
    if (out) input.principal = out;
    if (++i >= guards.length) break;
    const next = guards[i].check(input, extra);
    out = next instanceof Promise ? await next : next;
  }
  return await runRoute(input, params);
}

/** Calls the route's handler and normalizes what it returns. */
function runRoute(
  input: Incoming,
  params: Record<string, string>,
): Response | Reply | Promise<Response | Reply> {
  const ctx = new Context(input, params);
  const result = input.route.handler(ctx);
  if (result instanceof Promise) return result.then(toReply);
  return toReply(result);
}

function toReply(result: unknown): Response | Reply {
  if (result instanceof Response || result instanceof Reply) return result;
  return Reply.jsonText(JSON.stringify(result ?? { ok: true }));
}

/**
 * What the guards see of a request. The URL and the client address cost an
 * op each to read, and most requests need neither (routing uses the path,
 * a known principal keys the rate limit): both are read on first use.
 */
class Incoming implements GuardInput {
  principal: Principal | null = null;
  #url: URL | undefined;
  #ip: string | undefined;

  constructor(
    readonly req: Request,
    readonly href: string,
    readonly info: Deno.ServeHandlerInfo,
    readonly route: RouteRecord,
    readonly maxBodyBytes: number,
  ) {}

  get url(): URL {
    return this.#url ??= new URL(this.href);
  }

  get ip(): string {
    return this.#ip ??= remoteIp(this.info);
  }
}

/** The handler's view of a request; methods live on the prototype, not in per-request closures. */
class Context implements RequestContext {
  readonly req: Request;
  readonly principal: Principal | null;
  #body: Promise<unknown> | undefined;
  #text: Promise<string> | undefined;

  constructor(private readonly input: Incoming, readonly params: Record<string, string>) {
    this.req = input.req;
    this.principal = input.principal;
  }

  /** Built when a handler asks (writes do, to audit): a read never needs it. */
  get actor(): string {
    return actorOf(this.principal);
  }

  get url(): URL {
    return this.input.url;
  }

  get ip(): string {
    return this.input.ip;
  }

  text(): Promise<string> {
    this.#text ??= readTextCapped(this.req, this.input.maxBodyBytes);
    return this.#text;
  }

  json(): Promise<unknown> {
    this.#body ??= this.text().then(parseBody);
    return this.#body;
  }

  async body<T>(schema: z.ZodType<T>): Promise<T> {
    const raw = await this.json();
    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      const where = first?.path.length ? ` at ${first.path.join(".")}` : "";
      throw badRequest(`invalid request body${where}: ${first?.message ?? "invalid"}`, {
        issues: parsed.error.issues,
      });
    }
    return parsed.data;
  }
}

function parseBody(text: string): unknown {
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text);
  } catch {
    throw badRequest("malformed JSON body");
  }
}
