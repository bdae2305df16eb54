/**
 * CSRF defence for cookie-authenticated mutating requests. A browser that
 * says it is cross-site (`Sec-Fetch-Site`) or from another origin (`Origin`)
 * is refused. A body a cross-site HTML form can send without a preflight
 * (urlencoded, multipart, text/plain) must carry the session's CSRF token
 * (`X-CSRF-Token` header or `_csrf` form field). A JSON body from a client
 * sending neither header (curl with a cookie jar) passes: no browser can
 * send that cross-site without a CORS preflight, which we never grant.
 * Bearer-token requests never reach this check.
 *
 * @module
 */
import { forbidden } from "../errors.ts";
import { readTextCapped } from "../http/body.ts";
import { sameDigest, sha256Bytes } from "./random.ts";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
const FORM_TYPES = new Set([
  "application/x-www-form-urlencoded",
  "multipart/form-data",
  "text/plain",
]);

/** The header and the form field that may carry the CSRF token. */
export const CSRF_HEADER = "x-csrf-token";
export const CSRF_FIELD = "_csrf";

/**
 * Throws a 403 when a mutating request comes from a browser that says it is
 * cross-site (`Sec-Fetch-Site`) or from another origin (`Origin`, including
 * `null`). Applied to requests without any credential too: a cross-site
 * form post to the login or setup form would otherwise sign the victim's
 * browser into the attacker's account (login CSRF) or create the first
 * admin with the attacker's password.
 */
export function checkCrossSite(req: Request, url: URL): void {
  if (SAFE_METHODS.has(req.method)) return;
  const site = req.headers.get("sec-fetch-site");
  if (site !== null && site !== "same-origin" && site !== "none") {
    throw forbidden(`cross-site request refused (Sec-Fetch-Site: ${site})`);
  }
  const origin = req.headers.get("origin");
  if (origin !== null && !sameHost(origin, url)) {
    throw forbidden("cross-origin request refused (Origin does not match)");
  }
}

/** Throws a 403 when a cookie-authenticated request looks forged; `expected` is the session's token. */
export async function checkCsrf(req: Request, url: URL, expected: string): Promise<void> {
  if (SAFE_METHODS.has(req.method)) return;
  checkCrossSite(req, url);
  const type = (req.headers.get("content-type") ?? "").split(";")[0].trim().toLowerCase();
  if (!FORM_TYPES.has(type)) return;
  const token = req.headers.get(CSRF_HEADER) ?? await formToken(req, type);
  if (!token || !sameDigest(sha256Bytes(token), sha256Bytes(expected))) {
    throw forbidden("form post without a valid CSRF token");
  }
}

function sameHost(origin: string, url: URL): boolean {
  try {
    return new URL(origin).host === url.host;
  } catch {
    return false; // "null" and garbage origins are never ours
  }
}

/** The most of a form body read to find its CSRF token (the page's own form ceiling). */
const MAX_FORM_SCAN_BYTES = 8 * 1024 * 1024;

async function formToken(req: Request, type: string): Promise<string | null> {
  if (type === "text/plain") return null;
  // A bounded read of a copy: the handler still reads the original body.
  const text = await readTextCapped(req.clone(), MAX_FORM_SCAN_BYTES);
  try {
    const form = type === "multipart/form-data"
      ? await new Response(text, { headers: { "content-type": req.headers.get("content-type")! } })
        .formData()
      : new URLSearchParams(text);
    const value = form.get(CSRF_FIELD);
    return typeof value === "string" ? value : null;
  } catch {
    return null;
  }
}
