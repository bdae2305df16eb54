/**
 * HTML responses for the console: the security headers every page carries
 * (a strict CSP: own scripts and styles only), post-redirect-get with a
 * one-shot flash cookie, and reading that flash back.
 *
 * @module
 */
import type { Flash } from "./components/toast.ts";

/** The flash cookie's name. */
export const FLASH_COOKIE = "patchpanel.flash";

/** Headers every HTML page carries. */
export const PAGE_HEADERS: Record<string, string> = {
  "content-type": "text/html; charset=utf-8",
  "content-security-policy": "default-src 'self'; script-src 'self'; style-src 'self'; " +
    "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; " +
    "form-action 'self'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "same-origin",
  "x-frame-options": "DENY",
  "cache-control": "no-store",
};

function cookieValue(flash: Flash): string {
  return btoa(String.fromCharCode(...new TextEncoder().encode(JSON.stringify(flash))))
    .replaceAll("=", "");
}

/** A 303 to `location`, optionally leaving a flash for the next page view. */
export function redirect(location: string, flash?: Flash, extra?: Headers): Response {
  const headers = new Headers({ location, "cache-control": "no-store" });
  if (flash) {
    headers.append(
      "set-cookie",
      `${FLASH_COOKIE}=${cookieValue(flash)}; Path=/; HttpOnly; SameSite=Strict; Max-Age=60`,
    );
  }
  extra?.forEach((v, k) => {
    if (k === "set-cookie") return;
    headers.set(k, v);
  });
  for (const c of extra?.getSetCookie() ?? []) headers.append("set-cookie", c);
  return new Response(null, { status: 303, headers });
}

/** Reads a flash from the request's cookies; returns it and whether one was present. */
export function readFlash(req: Request): Flash | null {
  const cookie = req.headers.get("cookie") ?? "";
  const m = cookie.match(new RegExp(`(?:^|;\\s*)${FLASH_COOKIE.replace(".", "\\.")}=([^;]+)`));
  if (!m) return null;
  try {
    const bytes = Uint8Array.from(atob(m[1]), (c) => c.charCodeAt(0));
    const v = JSON.parse(new TextDecoder().decode(bytes));
    if ((v.kind === "ok" || v.kind === "bad") && typeof v.message === "string") {
      return { kind: v.kind, message: v.message.slice(0, 500) };
    }
  } catch {
    // A mangled flash is dropped, never an error.
  }
  return null;
}

/** The Set-Cookie that clears a consumed flash. */
export const CLEAR_FLASH = `${FLASH_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`;

/** Whether a request comes from a browser wanting HTML. */
export function wantsHtml(req: Request): boolean {
  return (req.headers.get("accept") ?? "").includes("text/html");
}
