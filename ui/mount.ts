/**
 * Turns registered pages into routes. Each page becomes a GET route (and a
 * POST route when it has an action) with the page's role, so the same
 * guards as the API apply: authentication (an HTML client without a session
 * is sent to `/login?return=`), roles, CSRF and rate limits. The handler
 * builds a {@link PageContext} whose `api()` calls the REST API in-process
 * with the caller's credentials, renders the result inside the layout, and
 * adds the page security headers.
 *
 * @module
 */
import { renderToString } from "preact-render-to-string";
import type { Registry } from "../core/registry.ts";
import type { ApiReply, PageContext, PageRecord, PageResult, PostedFile } from "../core/pages.ts";
import type { RequestContext } from "../core/plugin.ts";
import { HttpError } from "../core/errors.ts";
import { readBytesCapped, readTextCapped } from "../core/http/body.ts";
import { html, type VNode } from "./html.ts";
import { Layout } from "./layout.ts";
import { buildNav } from "./nav.ts";
import { CLEAR_FLASH, PAGE_HEADERS, readFlash } from "./respond.ts";
import { assetResponse } from "./assets.ts";
import { ErrorBox } from "./components/errors.ts";
import type { PendingWindow } from "./components/pending_banner.ts";

/** The daemon's request handler, used for in-process API calls. */
export type Dispatch = (req: Request, info: Deno.ServeHandlerInfo) => Promise<Response>;

/** Largest form post accepted by a page, in bytes (a state document pasted into the editor fits). */
export const MAX_FORM_BYTES = 8 * 1024 * 1024;

/** Headers forwarded from the page request to its in-process API calls. */
const FORWARDED = ["cookie", "authorization", "user-agent"];

/**
 * Registers routes for every page plus `/ui/assets/:name`. Call after all
 * plugins' setup and before the router is built.
 */
export function mountPages(registry: Registry, dispatch: Dispatch): void {
  registry.route("ui", "GET", "/ui/assets/:name", {
    role: "public",
    tier: "read",
    summary: "Embedded console assets (stylesheet, island bundle)",
  }, (ctx) => assetResponse(ctx.params.name, ctx.req.headers.get("accept-encoding")));
  // Browsers ask for /favicon.ico whatever the page links; answer with the same icon.
  registry.route("ui", "GET", "/favicon.ico", {
    role: "public",
    tier: "read",
    summary: "The console's icon (SVG)",
  }, (ctx) => assetResponse("favicon.svg", ctx.req.headers.get("accept-encoding")));
  for (const page of registry.pages) {
    registry.route(page.plugin, "GET", page.path, {
      role: page.role,
      tier: "read",
      summary: `Console page: ${page.title}`,
    }, (ctx) => servePage(registry, page, ctx, dispatch, null));
    if (page.action) {
      registry.route(page.plugin, "POST", page.path, {
        role: page.actionRole ?? page.role,
        tier: "write",
        summary: `Console form post: ${page.title}`,
      }, async (ctx) => servePage(registry, page, ctx, dispatch, await readForm(ctx.req)));
    }
  }
}

/** A page's form post: its text fields, and its files when it is multipart. */
interface PostedForm {
  form: URLSearchParams;
  files: Map<string, PostedFile>;
}

/** Reads an urlencoded or multipart form post (the only bodies a page takes). */
export async function readForm(req: Request): Promise<PostedForm> {
  const type = req.headers.get("content-type") ?? "";
  const files = new Map<string, PostedFile>();
  if (type.startsWith("application/x-www-form-urlencoded")) {
    const text = req.bodyUsed ? "" : await readTextCapped(req, MAX_FORM_BYTES);
    return { form: new URLSearchParams(text), files };
  }
  if (!type.startsWith("multipart/form-data")) {
    throw new HttpError("BadRequest", "console pages accept form posts only", {
      error: "console pages accept application/x-www-form-urlencoded or multipart/form-data " +
        "posts only",
    });
  }
  const bytes = req.bodyUsed ? new Uint8Array() : await readBytesCapped(req, MAX_FORM_BYTES);
  let data: FormData;
  try {
    data = await new Response(bytes as Uint8Array<ArrayBuffer>, {
      headers: { "content-type": type },
    }).formData();
  } catch {
    throw new HttpError("BadRequest", "the multipart form post could not be parsed");
  }
  const form = new URLSearchParams();
  for (const [name, value] of data) {
    if (typeof value === "string") form.append(name, value);
    else {
      files.set(name, {
        name: value.name,
        type: value.type,
        bytes: new Uint8Array(await value.arrayBuffer()),
      });
    }
  }
  return { form, files };
}

/** Builds the in-process API caller for one page request. */
export function apiCaller(ctx: RequestContext, dispatch: Dispatch): PageContext["api"] {
  const info: Deno.ServeHandlerInfo = {
    remoteAddr: { transport: "tcp", hostname: ctx.ip, port: 0 },
    completed: Promise.resolve(),
  };
  return async <T>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ApiReply<T>> => {
    const h = new Headers(headers);
    for (const name of FORWARDED) {
      const v = ctx.req.headers.get(name);
      if (v && !h.has(name)) h.set(name, v);
    }
    h.set("accept", "application/json");
    let payload: string | Uint8Array<ArrayBuffer> | undefined;
    if (body instanceof Uint8Array) {
      payload = body as Uint8Array<ArrayBuffer>;
      if (!h.has("content-type")) h.set("content-type", "application/octet-stream");
    } else if (body !== undefined) {
      payload = typeof body === "string" ? body : JSON.stringify(body);
      if (!h.has("content-type")) h.set("content-type", "application/json");
    }
    const req = new Request(new URL(path, ctx.url.origin), { method, headers: h, body: payload });
    const res = await dispatch(req, info);
    const text = await res.text();
    let parsed: unknown = text;
    if ((res.headers.get("content-type") ?? "").includes("json") && text) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    }
    return { status: res.status, ok: res.ok, headers: res.headers, body: parsed as T, text };
  };
}

/** The session's CSRF token, as `GET /api/auth/whoami` reports it (empty when there is none). */
async function csrfToken(ctx: RequestContext, api: PageContext["api"]): Promise<string> {
  if (ctx.principal?.source !== "session") return "";
  const who = await api<{ csrf?: unknown; csrfToken?: unknown }>("GET", "/api/auth/whoami");
  if (!who.ok || typeof who.body !== "object" || who.body === null) return "";
  const token = who.body.csrf ?? who.body.csrfToken;
  return typeof token === "string" ? token : "";
}

/** The commit-confirmed window in progress, for the banner of a signed-in, non-public page. */
async function pendingWindow(
  api: PageContext["api"],
  page: PageRecord,
  rctx: RequestContext,
): Promise<PendingWindow | null> {
  if (page.role === "public" || !rctx.principal) return null;
  const r = await api<{ pending?: PendingWindow | null }>("GET", "/api/state/pending");
  return r.ok && r.body && typeof r.body === "object" ? r.body.pending ?? null : null;
}

async function servePage(
  registry: Registry,
  page: PageRecord,
  rctx: RequestContext,
  dispatch: Dispatch,
  posted: PostedForm | null,
): Promise<Response> {
  const api = apiCaller(rctx, dispatch);
  const form = posted?.form ?? null;
  const ctx: PageContext = {
    req: rctx.req,
    url: rctx.url,
    params: rctx.params,
    principal: rctx.principal,
    actor: rctx.actor,
    form,
    files: posted?.files ?? new Map(),
    csrf: await csrfToken(rctx, api),
    api,
  };
  let result: PageResult;
  let status = 200;
  let title = page.title;
  try {
    result = await (form && page.action ? page.action(ctx) : page.render(ctx));
  } catch (error) {
    if (!(error instanceof HttpError)) throw error;
    status = error.status;
    result = html`<${ErrorBox} reply=${{
      status: error.status,
      ok: false,
      headers: new Headers(),
      body: error.body,
      text: error.message,
    }} />`;
  }
  if (result instanceof Response) return result;
  let body: VNode;
  if ("kind" in result && result.kind === "page") {
    status = result.status;
    title = result.title ?? title;
    body = result.body;
  } else body = result as VNode;
  const flash = readFlash(rctx.req);
  const pending = await pendingWindow(api, page, rctx);
  const markup = renderToString(
    Layout({
      title,
      path: rctx.url.pathname,
      csrf: ctx.csrf,
      nav: buildNav(registry.pages, rctx.principal),
      principal: rctx.principal,
      flash,
      bare: page.role === "public",
      pending,
      children: body,
    }),
  );
  const headers = new Headers(PAGE_HEADERS);
  if (flash) headers.append("set-cookie", CLEAR_FLASH);
  return new Response(`<!doctype html>${markup}`, { status, headers });
}
