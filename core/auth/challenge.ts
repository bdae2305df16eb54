/**
 * The three shapes of "authentication required": JSON 401 for API clients,
 * a 302 to the login page for browsers asking for HTML, and for an
 * event-stream request a 200 stream carrying one `error` event (an
 * EventSource cannot read a 401 body) that then closes.
 *
 * @module
 */
import { json } from "../http/respond.ts";

/** The 401 envelope from the contract's error table. */
export const AUTH_REQUIRED = { error: "AuthError", message: "authentication required" } as const;

/** The response for a request that needs a credential and has none (or a bad one). */
export function authRequired(req: Request, url: URL): Response {
  const accept = req.headers.get("accept") ?? "";
  if (accept.includes("text/event-stream")) {
    return new Response(`event: error\ndata: ${JSON.stringify(AUTH_REQUIRED)}\n\n`, {
      status: 200,
      headers: { "content-type": "text/event-stream", "cache-control": "no-store" },
    });
  }
  if (accept.includes("text/html")) {
    const back = encodeURIComponent(url.pathname + url.search);
    return new Response(null, { status: 302, headers: { location: `/login?return=${back}` } });
  }
  return json(AUTH_REQUIRED, 401, { "www-authenticate": 'Bearer realm="patchpanel"' });
}
