/**
 * `state.accessLog` (whether HAProxy logs every request to patchpanel's own
 * socket, and in which format) and the `accessLog` section of config.yaml
 * (how much patchpanel keeps, and a host-wide off switch). Operators who
 * ship logs elsewhere add `haproxy.global.logs` targets as before; this
 * socket is patchpanel's own and stays on unless turned off here.
 *
 * @module
 */
import { z } from "zod";
import type { FieldRole } from "../../core/plugin.ts";

/** A custom `log-format`: one line HAProxy reads inside double quotes, without env or Lua. */
const LogFormat = z.string().min(1).max(1024)
  .regex(/^[^"\\\r\n\0#$]*$/, "must be one line without double quotes, '\\', '#' or '$'")
  .refine((s) => !/\benv\(|\blua\./.test(s), "must not read the environment or call Lua");

/** `state.accessLog`. */
export const AccessLogState = z.object({
  /** HAProxy sends each request's log line to patchpanel's socket. */
  enabled: z.boolean().default(true),
  /**
   * `auto`: `option httplog` for HTTP frontends, `option tcplog` for TCP ones; `httplog` or
   * `tcplog` for every frontend; `custom`: `logFormat` (stored, but its fields are not parsed).
   */
  format: z.enum(["auto", "httplog", "tcplog", "custom"]).default("auto"),
  logFormat: LogFormat.optional(),
}).strict().refine((s) => s.format !== "custom" || s.logFormat !== undefined, {
  message: "format 'custom' needs logFormat",
  path: ["logFormat"],
});

/** The parsed `state.accessLog`. */
export type AccessLogState = z.output<typeof AccessLogState>;

/** The default: on, in the frontend's own standard format. */
export const ACCESS_LOG_DEFAULT: AccessLogState = { enabled: true, format: "auto" };

/**
 * Who may change `state.accessLog`: admins only, like every other log
 * target (`haproxy.global.logs`): turning the log off hides traffic from
 * everyone, and a log format decides which request data is recorded.
 */
export const ACCESS_LOG_FIELD_ROLES: FieldRole[] = [{ path: "accessLog", role: "admin" }];

/** The `accessLog` section of config.yaml. */
export const AccessLogConfig = z.object({
  /** false: no socket, no `log` line, whatever the state says. */
  enabled: z.boolean().default(true),
  /** The most lines kept in memory (the oldest go first). */
  maxEntries: z.number().int().min(100).max(1_000_000).default(50_000),
  /** Lines older than this are dropped, ms (default 24 h). */
  maxAgeMs: z.number().int().min(1000).default(24 * 3600_000),
  /** Lines a live stream may have waiting before it drops (and counts) new ones. */
  streamQueue: z.number().int().min(10).max(100_000).default(1000),
  /** The group HAProxy's workers run as (`privileges.group`): it alone may write the socket. */
  socketGroup: z.string().regex(/^[a-z_][a-z0-9_-]*$/).default("haproxy"),
}).strict();

/** The parsed config section. */
export type AccessLogConfig = z.output<typeof AccessLogConfig>;

declare module "../../core/state/schema.ts" {
  interface PluginState {
    accessLog: AccessLogState;
  }
}
