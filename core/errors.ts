/**
 * One error vocabulary for the whole daemon.
 *
 * Every failure a client can see is an {@link HttpError}: a status, a stable
 * `code` from {@link ErrorCodes}, and the body that the REST contract's
 * envelope table prescribes for that status. Handlers throw or return these;
 * the server turns them into responses, so no handler formats an envelope by
 * hand. Start-up problems (bad config, plugin registration) are
 * {@link StartupError}s with their own codes, because they never reach HTTP.
 *
 * @module
 */

/** Every error code the daemon can emit, with the status it maps to. */
export const ErrorCodes = {
  BadRequest: 400,
  AuthError: 401,
  ForbiddenError: 403,
  NotFound: 404,
  MethodNotAllowed: 405,
  Conflict: 409,
  NotInitialized: 409,
  PreconditionFailed: 412,
  PayloadTooLarge: 413,
  UnsupportedMediaType: 415,
  ValidationError: 422,
  TooManyRequests: 429,
  InternalError: 500,
  HaproxyRejected: 502,
  ReloadFailed: 502,
  HaproxyCommandFailed: 502,
  ServiceUnavailable: 503,
} as const;

/** A stable, documented error code. */
export type ErrorCode = keyof typeof ErrorCodes;

/**
 * An error that knows how it looks on the wire. `body` is the complete JSON
 * envelope; `headers` lets a limiter add `Retry-After` and the like.
 */
export class HttpError extends Error {
  /** The HTTP status, derived from `code` through {@link ErrorCodes}. */
  readonly status: number;
  /** Builds the error; `body` defaults to the spec's `{error}` envelope. */
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly body: Record<string, unknown> = { error: message },
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "HttpError";
    this.status = ErrorCodes[code];
  }
}

/** 400 `{error}`: malformed body, bad id pattern, enum out of range. */
export function badRequest(message: string, extra: Record<string, unknown> = {}): HttpError {
  return new HttpError("BadRequest", message, { error: message, ...extra });
}

/** 404 `{error}`: the addressed resource does not exist. */
export function notFound(message: string): HttpError {
  return new HttpError("NotFound", message);
}

/** 409 `{error}`: the resource is in a state that forbids the request. */
export function conflict(message: string, extra: Record<string, unknown> = {}): HttpError {
  return new HttpError("Conflict", message, { error: message, ...extra });
}

/** 401 `{error: "AuthError", message}`: no valid credential (the guard picks JSON, 302 or SSE). */
export function unauthorized(message = "authentication required"): HttpError {
  return new HttpError("AuthError", message, { error: "AuthError", message });
}

/** 403 `{error: "ForbiddenError", message}`: authenticated, but not allowed this. */
export function forbidden(message: string): HttpError {
  return new HttpError("ForbiddenError", message, { error: "ForbiddenError", message });
}

/** 503 `{error}`: a background service this route needs is not running. */
export function unavailable(message: string): HttpError {
  return new HttpError("ServiceUnavailable", message);
}

/** 502 `{error, output}`: HAProxy itself refused a runtime command. */
export function haproxyRefused(message: string, output: string): HttpError {
  return new HttpError("HaproxyCommandFailed", message, { error: message, output, hints: [] });
}

/** Codes for failures found while the daemon starts, before it serves. */
export type StartupErrorCode =
  | "CONFIG_INVALID"
  | "PLUGIN_DUPLICATE"
  | "PLUGIN_MISSING_DEPENDENCY"
  | "SCHEMA_KEY_CLAIMED"
  | "ROUTE_DUPLICATE"
  | "ROUTE_INVALID"
  | "REGISTRATION_CLOSED"
  | "STATE_CORRUPT"
  | "HAPROXY_START_FAILED"
  | "PLUGIN_LOAD_FAILED"
  | "PROVIDER_DUPLICATE"
  | "FIELD_ROLE_INVALID"
  | "PLUGIN_SETUP_FAILED"
  | "PLUGIN_START_FAILED"
  | "PLUGIN_INVALID"
  | "PLUGIN_DEPENDENCY_CYCLE"
  | "PLUGIN_VERSION_MISMATCH"
  | "EVENT_UNKNOWN";

/** A start-up failure: printed with its code and the process exits non-zero. */
export class StartupError extends Error {
  /** Builds the error; the message is prefixed with its `code` for the console. */
  constructor(readonly code: StartupErrorCode, message: string) {
    super(`${code}: ${message}`);
    this.name = "StartupError";
  }
}
