/**
 * Response helpers: JSON bodies, and turning any thrown value into the
 * spec's error envelope.
 *
 * @module
 */
import { HttpError } from "../errors.ts";
import type { Logger } from "../log.ts";

/** A JSON response with the given status and headers. */
export function json(body: unknown, status = 200, headers: HeadersInit = {}): Response {
  const h = new Headers(headers);
  h.set("content-type", JSON_TYPE);
  for (const [k, v] of Object.entries(API_HEADERS)) if (!h.has(k)) h.set(k, v);
  return new Response(JSON.stringify(body), { status, headers: h });
}

/**
 * A prepared body that the server turns into a Response once it knows every
 * header (rate-limit headers come from guards). Building the Response once,
 * with all headers in its constructor, keeps hot read paths cheap: mutating a
 * Response's headers afterwards costs more than the request itself.
 */
export class Reply {
  constructor(
    readonly body: string | Uint8Array<ArrayBuffer>,
    readonly status = 200,
    readonly headers: Record<string, string> = {},
  ) {}

  /**
   * A JSON reply already serialized, e.g. cached: text, or its UTF-8 bytes
   * (a large state document encoded once, not once per answer).
   */
  static jsonText(
    text: string | Uint8Array<ArrayBuffer>,
    headers: Record<string, string> = {},
    status = 200,
  ): Reply {
    return new Reply(text, status, { "content-type": JSON_TYPE, ...API_HEADERS, ...headers });
  }
}

const JSON_TYPE = "application/json; charset=utf-8";

/**
 * Headers every JSON answer carries unless the route sets its own. API
 * answers hold secrets (a minted token's wire, the session's CSRF token,
 * the state document), so no browser or proxy may keep a copy
 * (`no-store`), and no browser may sniff them into something executable.
 */
const API_HEADERS: Record<string, string> = {
  "cache-control": "no-store",
  "x-content-type-options": "nosniff",
};

/** Maps an error to its envelope; unknown errors are a 500 that does not leak internals. */
export function errorResponse(error: unknown, log: Logger): Response {
  if (error instanceof HttpError) return json(error.body, error.status, error.headers);
  log.error("unhandled error", { error: String((error as Error)?.stack ?? error) });
  return json({ error: "InternalError", message: "internal error; see the daemon log" }, 500);
}
