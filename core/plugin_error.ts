/**
 * A failure inside something a plugin registered (a route handler, a render
 * hook, a check, a listener, a service), tagged with its owner so the log,
 * the 500 envelope, the audit entry and the `apply:failed` event can all
 * name the plugin, and the route's method and path.
 *
 * @module
 */
import { HttpError } from "./errors.ts";

/** Where in a plugin a failure happened. */
export interface PluginFailureSite {
  /** The plugin that registered the failing piece. */
  plugin: string;
  /** What failed: `route`, `render hook`, `check`, `listener`, `service`, `setup`. */
  kind: "route" | "render hook" | "check" | "listener" | "service" | "setup";
  /** The route's method, for `route`. */
  method?: string;
  /** The route's path pattern, for `route`. */
  path?: string;
  /** Extra detail: the event name of a listener, the service name. */
  detail?: string;
}

/**
 * A plugin's failure as a 500 that names the plugin. `message` carries the
 * cause (for the log, the audit entry and events); the response body names
 * the plugin and the route but not the cause, which may hold internals.
 */
export class PluginError extends HttpError {
  /** The plugin the failure belongs to. */
  readonly plugin: string;
  /** Where it happened. */
  readonly site: PluginFailureSite;

  /** Wraps `cause` (anything thrown) as a failure of `site`. */
  constructor(site: PluginFailureSite, readonly original: unknown) {
    const where = describeSite(site);
    super("InternalError", `${where} failed: ${causeText(original)}`, {
      error: "InternalError",
      message: `${where} failed; see the daemon log`,
      plugin: site.plugin,
      ...(site.method ? { method: site.method, path: site.path } : {}),
    });
    this.name = "PluginError";
    this.plugin = site.plugin;
    this.site = site;
  }
}

/** `plugin 'x' route GET /api/x`, `plugin 'x' render hook`, ... */
export function describeSite(site: PluginFailureSite): string {
  const route = site.method ? ` ${site.method} ${site.path}` : "";
  const detail = site.detail ? ` ${site.detail}` : "";
  return `plugin '${site.plugin}' ${site.kind}${route}${detail}`;
}

function causeText(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}

/** Receives every plugin failure once, to log and audit it (the daemon installs one). */
export type PluginFailureReporter = (error: PluginError) => void;
