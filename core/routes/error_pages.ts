/**
 * Uploaded error pages: `POST /api/error-pages/{code}` stores a whole HTTP
 * response (raw bytes, at most 32 KiB, checked by error_page_check.ts) in
 * `<data>/error-pages/uploads/<code>.http`; the state then uses it with
 * `errorPages: [{code, upload: true}]`. `GET /api/error-pages` lists the
 * uploads and the state's pages, `GET /api/error-pages/{code}` answers an
 * upload's bytes, `DELETE` removes one. A page the state references cannot
 * be replaced or deleted (409): the running HAProxy loaded it, and the next
 * apply would change it behind the state's back; take it out of the state
 * first. Operators, like the state's inline pages; audited (`error-page`).
 *
 * @module
 */
import { badRequest, conflict, HttpError, notFound } from "../errors.ts";
import type { PluginHost, RequestContext } from "../plugin.ts";
import { uploadedErrorPagePath } from "../render/operator_files.ts";
import { ERROR_PAGE_CODES } from "../state/haproxy_schema.ts";
import { writeFileAtomic } from "../fsutil.ts";
import { ERROR_PAGE_MAX_BYTES, errorPageProblems } from "./error_page_check.ts";
import { errorPageFileSource } from "./error_page_files.ts";

function codeOf(ctx: RequestContext): number {
  const code = Number(ctx.params.code);
  if (!(ERROR_PAGE_CODES as readonly number[]).includes(code)) {
    throw badRequest(`code must be one of ${ERROR_PAGE_CODES.join(", ")}`);
  }
  return code;
}

async function readBody(req: Request): Promise<Uint8Array> {
  const declared = Number(req.headers.get("content-length") ?? "0");
  const tooLarge = () =>
    new HttpError(
      "PayloadTooLarge",
      `an error page is at most ${ERROR_PAGE_MAX_BYTES} bytes`,
    );
  if (declared > ERROR_PAGE_MAX_BYTES) throw tooLarge();
  const bytes = new Uint8Array(await req.arrayBuffer());
  if (bytes.length > ERROR_PAGE_MAX_BYTES) throw tooLarge();
  return bytes;
}

/** Registers the four routes, and the uploads as files a state references (peers carry them). */
export function errorPageRoutes(host: PluginHost): void {
  host.files(errorPageFileSource(host.paths));
  const referenced = (code: number) =>
    (host.state().errorPages ?? []).some((p) => p.code === code && "upload" in p);
  const stat = (path: string) => Deno.stat(path).catch(() => null);

  host.route("GET", "/api/error-pages", {
    role: "viewer",
    tier: "read",
    summary: "Uploaded error pages and the state's pages",
  }, async () => {
    const pages = [];
    for (const code of ERROR_PAGE_CODES) {
      const info = await stat(uploadedErrorPagePath(host.paths, code));
      const inState = (host.state().errorPages ?? []).find((p) => p.code === code);
      if (!info && !inState) continue;
      pages.push({
        code,
        uploaded: !!info,
        bytes: info?.size ?? null,
        inState: inState ? ("upload" in inState ? "upload" : "inline") : null,
      });
    }
    return { pages };
  });

  host.route("GET", "/api/error-pages/:code", {
    role: "viewer",
    tier: "read",
    summary: "An uploaded error page's bytes (message/http)",
  }, async (ctx) => {
    const code = codeOf(ctx);
    const bytes = await Deno.readFile(uploadedErrorPagePath(host.paths, code)).catch(() => null);
    if (!bytes) throw notFound(`no error page uploaded for ${code}`);
    return new Response(bytes, { headers: { "content-type": "message/http" } });
  });

  host.route("POST", "/api/error-pages/:code", {
    role: "operator",
    tier: "write",
    summary: "Uploads an error page: a whole HTTP response, raw bytes, at most 32 KiB",
  }, async (ctx) => {
    const code = codeOf(ctx);
    const bytes = await readBody(ctx.req);
    const problems = errorPageProblems(code, bytes);
    if (problems.length) {
      throw new HttpError("ValidationError", `error page ${code}: ${problems[0]}`, {
        error: "ValidationError",
        message: `error page ${code} is not an HTTP response HAProxy can send`,
        issues: problems.map((message) => ({ code: "custom", path: [], message })),
      });
    }
    if (referenced(code)) {
      throw conflict(
        `error page ${code} is in use by the state (errorPages): remove it there first`,
      );
    }
    const path = uploadedErrorPagePath(host.paths, code);
    await Deno.mkdir(`${host.paths.errorPages}/uploads`, { recursive: true, mode: 0o700 });
    await writeFileAtomic(path, bytes, 0o600);
    host.audit.record({
      actor: ctx.actor,
      category: "error-page",
      action: "error-page:upload",
      target: String(code),
      details: { bytes: bytes.length },
      outcome: "success",
    });
    return { code, bytes: bytes.length, use: { code, upload: true } };
  });

  host.route("DELETE", "/api/error-pages/:code", {
    role: "operator",
    tier: "write",
    summary: "Removes an uploaded error page (409 while the state uses it)",
  }, async (ctx) => {
    const code = codeOf(ctx);
    if (referenced(code)) {
      throw conflict(
        `error page ${code} is in use by the state (errorPages): remove it there first`,
      );
    }
    const path = uploadedErrorPagePath(host.paths, code);
    if (!(await stat(path))) throw notFound(`no error page uploaded for ${code}`);
    await Deno.remove(path);
    host.audit.record({
      actor: ctx.actor,
      category: "error-page",
      action: "error-page:delete",
      target: String(code),
      details: {},
      outcome: "success",
    });
    return { code, deleted: true };
  });
}
