/**
 * Reading the session cookie and writing it with the attributes the
 * contract requires: HttpOnly, Secure, SameSite=Strict, Path=/, no Domain.
 *
 * @module
 */
import { SESSION_COOKIE } from "./service.ts";

/** The value of one cookie in a `Cookie` header, or null. */
export function readCookie(header: string | null, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(";")) {
    const i = part.indexOf("=");
    if (i < 0) continue;
    if (part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return null;
}

/** The session id the request carries, or null. */
export function sessionIdOf(req: Request): string | null {
  return readCookie(req.headers.get("cookie"), SESSION_COOKIE);
}

/** `Set-Cookie` for a new session, living at most `maxAgeMs`. */
export function sessionCookie(id: string, maxAgeMs: number): string {
  const maxAge = Math.floor(maxAgeMs / 1000);
  return `${SESSION_COOKIE}=${id}; Path=/; Max-Age=${maxAge}; HttpOnly; Secure; SameSite=Strict`;
}

/** `Set-Cookie` that removes the session cookie. */
export function clearedSessionCookie(): string {
  return `${SESSION_COOKIE}=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Strict`;
}
