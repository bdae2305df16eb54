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
  h.set("content-type", "application/json; charset=utf-8");
  return new Response(JSON.stringify(body), { status, headers: h });
}

/** Maps an error to its envelope; unknown errors are a 500 that does not leak internals. */
export function errorResponse(error: unknown, log: Logger): Response {
  if (error instanceof HttpError) return json(error.body, error.status, error.headers);
  log.error("unhandled error", { error: String((error as Error)?.stack ?? error) });
  return json({ error: "InternalError", message: "internal error; see the daemon log" }, 500);
}
