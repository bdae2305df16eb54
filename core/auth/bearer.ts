/**
 * The credential of an `Authorization: Bearer <token>` header (RFC 6750
 * §2.1; the scheme name is case-insensitive). Read on every API request, so
 * it is a loop over character codes rather than a regular expression, which
 * allocated a match array and a capture each time.
 *
 * @module
 */

const SCHEME = "bearer";

function isSpace(c: number): boolean {
  return c === 32 || c === 9;
}

/**
 * The token of a Bearer header value, or null when the scheme is another,
 * the token is missing, or more than one word follows the scheme. Spaces
 * and tabs around the token are allowed.
 */
export function bearerToken(header: string): string | null {
  const n = header.length;
  if (n <= SCHEME.length) return null;
  // c | 0x20 lowercases an ASCII letter and maps nothing else onto one.
  for (let i = 0; i < SCHEME.length; i++) {
    if ((header.charCodeAt(i) | 0x20) !== SCHEME.charCodeAt(i)) return null;
  }
  let start = SCHEME.length;
  while (start < n && isSpace(header.charCodeAt(start))) start++;
  if (start === SCHEME.length || start === n) return null;
  let end = n;
  while (isSpace(header.charCodeAt(end - 1))) end--;
  for (let i = start; i < end; i++) if (isSpace(header.charCodeAt(i))) return null;
  return header.slice(start, end);
}
