/**
 * patchpanel's public surface for plugin authors and embedders.
 *
 * A third-party plugin is a factory returning a {@link Plugin}; a custom
 * build is a `main.ts` that passes the default plugins plus its own to
 * {@link runCli}, then `deno compile`s that file (as Caddy's custom builds do).
 *
 * @example A plugin that adds one read-only route and one config line
 * ```ts
 * import { definePlugin, type Plugin } from "./mod.ts";
 *
 * export function hello(options: { greeting?: string } = {}): Plugin {
 *   const greeting = options.greeting ?? "hello";
 *   return definePlugin({
 *     name: "hello",
 *     setup(host) {
 *       host.route("GET", "/api/hello", { role: "viewer", tier: "read" }, () => ({ greeting }));
 *       host.render((model) => {
 *         model.section("global")?.directives.push({ keyword: "# hello", args: [] });
 *       });
 *     },
 *   });
 * }
 * ```
 *
 * @example A custom build
 * ```ts
 * import { definePlugin, runCli } from "./mod.ts";
 * import { defaultPlugins } from "./plugins/mod.ts";
 *
 * const mine = definePlugin({ name: "mine", setup() {} });
 * Deno.exit(await runCli(Deno.args, [...defaultPlugins(), mine]));
 * ```
 *
 * @module
 */

export { actorOf, definePlugin } from "./core/plugin.ts";
export type {
  FieldRole,
  Handler,
  ListenOptions,
  Method,
  Plugin,
  PluginHost,
  PrepareContext,
  Principal,
  RateTier,
  RenderHook,
  RequestContext,
  Role,
  RouteOptions,
  RouteRecord,
  Service,
} from "./core/plugin.ts";
export type { ApplyFailedStage, CertFailure, Events, Listener } from "./core/events.ts";
export { CORE_EVENTS, EventRefusedError } from "./core/event_names.ts";
export { PluginError, type PluginFailureSite } from "./core/plugin_error.ts";
export type { CoreState, PluginState, RefIssue, State, StateCheck } from "./core/state/schema.ts";
export {
  type BackendFact,
  backendFact,
  backendsWith,
  serversWhere,
} from "./core/state/backend_facts.ts";
export { Arg, Duration, HostPort, isName, Name, NAME_PATTERN, Port } from "./core/state/names.ts";
export { ConfigModel, d, SECTION_ORDER } from "./core/render/model.ts";
export type {
  Directive,
  Entity,
  GeneratedFile,
  PrintedBody,
  RenderWarning,
  Section,
  SectionKind,
  SectionSlot,
} from "./core/render/model.ts";
export type { RenderContext } from "./core/render/haproxy.ts";
export {
  badRequest,
  conflict,
  ErrorCodes,
  forbidden,
  haproxyRefused,
  HttpError,
  notFound,
  StartupError,
  unauthorized,
  unavailable,
} from "./core/errors.ts";
export type { ErrorCode, StartupErrorCode } from "./core/errors.ts";
export type { ApplyOptions, ApplyResult, Hint } from "./core/apply/types.ts";
export type { StageTiming } from "./core/apply/stage_clock.ts";
export type { DataPaths, PluginDataDir } from "./core/paths.ts";
export type { Daemon, DaemonOptions, DaemonPart, DaemonStopOptions } from "./core/daemon.ts";
export { startDaemon, startHeadlessDaemon } from "./app/daemon.ts";
export { runCli } from "./app/cli.ts";

/**
 * The zod that patchpanel's schemas are built with. A plugin's state and
 * config fragments (`schema`, `config`) and a route's `request`/`query`
 * schemas must come from this same zod, so a plugin imports it from here
 * and needs no zod dependency of its own (two copies would not compose).
 *
 * @example
 * ```ts
 * import { definePlugin, z } from "./mod.ts";
 *
 * export const motd = definePlugin({
 *   name: "motd",
 *   schema: { motd: z.object({ text: z.string().max(200).default("") }).strict().default({}) },
 *   fieldRoles: [{ path: "motd", role: "operator" }],
 * });
 * ```
 */
export { z } from "./core/zod.ts";

// Types a plugin author meets through the host, the state and the API; the
// core machinery behind a Daemon (registry, pipeline, stores, auth) is not
// listed and is tagged `@internal` where it is declared.
export type { ZodSchema } from "./core/plugin.ts";
export type {
  AclModel,
  BackendExtensions,
  BackendModel,
  BindExtensions,
  BindModel,
  FrontendExtensions,
  FrontendModel,
  HaproxyModel,
  ServerExtensions,
  ServerModel,
  StateMapModel,
} from "./core/state/haproxy_schema.ts";
/**
 * The tls plugin's bind and server `tls` fields; importing the types also
 * brings their declaration merging into `BindModel` and `ServerModel`.
 */
export type { BindTlsModel, ServerTlsModel } from "./plugins/tls/entity_schema.ts";
export type { Config } from "./core/config.ts";
export type { AdoptResult } from "./core/apply/types.ts";
export type { HintEntity } from "./core/haproxy/hints.ts";
export type { HaproxyClient, ReloadResult } from "./core/haproxy/client.ts";
export type { ProcInfo, ReloadOutcome, WorkerInfo } from "./core/haproxy/master.ts";
export type { SocketErrorKind, SocketResult } from "./core/haproxy/socket.ts";
export type { CheckResult } from "./core/haproxy/check.ts";
export type {
  AuditEntry,
  AuditInput,
  AuditLog,
  AuditOutcome,
  AuditQuery,
} from "./core/store/audit.ts";
export type { ChangeValue, StateChange, StateChanges } from "./core/state/changes.ts";
export type { Logger } from "./core/log.ts";
export type { GeoLookup, GeoRecord, Providers } from "./core/providers.ts";
export type { LuaNames } from "./core/providers.ts";
export type {
  CertMaterial,
  TlsCertEntry,
  TlsProviderEntry,
  TlsProviderKind,
  TlsProviderKinds,
  ZodObjectSchema,
} from "./core/providers.ts";
export type { StateFileRef, StateFiles, StateFileSource } from "./core/state_files.ts";
export { NAV_GROUPS } from "./core/pages.ts";
export type {
  ApiReply,
  Markup,
  NavEntry,
  NavGroup,
  PageBody,
  PageContext,
  PageDefinition,
  PageHandler,
  PageResult,
} from "./core/pages.ts";
export type { Guard, GuardInput, GuardResult, HeaderSink } from "./core/http/server.ts";
