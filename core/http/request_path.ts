/**
 * The path of a request without parsing its URL. Routing needs only the
 * path, and `new URL(req.url)` on every request is a measurable part of a
 * cheap read (`GET /api/state` from a CI loop or a scraper); the URL is
 * still parsed, lazily, when a handler asks for it (query parameters).
 *
 * @module
 */

/** What `new URL` leaves as it is: unreserved and sub-delim characters, `:`, `@`, `/`, `.`. */
const PLAIN = /^\/[A-Za-z0-9\-._~!$&'()*+,;=:@\/]*$/;
/** A `.` or `..` segment, which `new URL` would resolve away. */
const DOT_SEGMENT = /\/\.\.?(?:\/|$)/;

/**
 * `new URL(href).pathname` for an absolute request URL (`http://host/p?q`):
 * sliced out when it is plain, parsed when `new URL` could change it
 * (percent-escapes, dot segments, backslashes, anything unusual).
 */
export function pathOf(href: string): string {
  const scheme = href.indexOf("://");
  const start = scheme < 0 ? -1 : href.indexOf("/", scheme + 3);
  if (start < 0) return new URL(href).pathname;
  let end = href.length;
  const query = href.indexOf("?", start);
  if (query >= 0) end = query;
  const fragment = href.indexOf("#", start);
  if (fragment >= 0 && fragment < end) end = fragment;
  const path = href.slice(start, end);
  return PLAIN.test(path) && !DOT_SEGMENT.test(path) ? path : new URL(href).pathname;
}
