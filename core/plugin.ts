/**
 * The plugin contract: what a plugin is, and what the host lends it.
 *
 * A plugin is a named plain value, usually made by a factory with documented
 * defaults (`stats(options?) => Plugin`). The host checks registrations
 * (duplicate names, missing dependencies, a schema or config key claimed
 * twice, a route registered twice) and closes registration once the server
 * serves. Built-in and third-party plugins use exactly this contract.
 *
 * @module
 */
import type { z } from "zod";
import type { DatabaseSync } from "node:sqlite";
import type { State, StateCheck } from "./state/schema.ts";
import type { Events, Listener } from "./events.ts";
import type { ConfigModel } from "./render/model.ts";
import type { RenderContext } from "./render/haproxy.ts";
import type { DataPaths } from "./paths.ts";
import type { HaproxyClient } from "./haproxy/client.ts";
import type { AuditLog } from "./store/audit.ts";
import type { AdoptResult, ApplyOptions, ApplyResult } from "./apply/types.ts";
import type { Logger } from "./log.ts";
import type { Providers } from "./providers.ts";
import type { PageDefinition } from "./pages.ts";
import type { FieldRole } from "./security/field_roles.ts";
import type { StateFiles, StateFileSource } from "./state_files.ts";

export type { FieldRole } from "./security/field_roles.ts";
export type { StateFileRef, StateFileSource } from "./state_files.ts";

/**
 * A Zod schema, as plugins write them (`z.object({...})` with the `zod`
 * import). Named here so `deno doc` links to Zod rather than asking this
 * package to document Zod's types.
 *
 * @internal
 */
export type ZodSchema<T = unknown> = z.ZodType<T>;

/** Roles, lowest first. `public` routes need no credential. */
export type Role = "viewer" | "operator" | "admin";

/** The rate-limit bucket a route draws from. */
export type RateTier = "read" | "write" | "auth";

/** HTTP methods routes may use. */
export type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/** Who is calling, once authenticated. */
export interface Principal {
  /** How the caller proved who they are. `local` is the pre-auth loopback operator. */
  source: "session" | "token" | "peer" | "local";
  /** The username (a peer's name for `peer`); the audit actor unless a token acts. */
  user: string;
  /** What the caller may do; checked against each route's `role`. */
  role: Role;
  /** The API token's key id, when `source` is `token`. */
  keyId?: string;
  /** The session id, when `source` is `session`. */
  sessionId?: string;
}

/** The actor string recorded in audit entries for a principal. */
export function actorOf(p: Principal | null): string {
  if (!p) return "anonymous";
  if (p.source === "token" && p.keyId) return `token:${p.keyId}`;
  if (p.source === "peer") return `peer:${p.user}`;
  return p.user;
}

/** What every route declares: who may call it and which rate bucket it uses. */
export interface RouteOptions {
  /** The least role that may call the route; `public` needs no authentication. */
  role: Role | "public";
  /** Which rate-limit bucket the route counts against. */
  tier: RateTier;
  /** One line for the route listing and the OpenAPI document. */
  summary?: string;
  /**
   * The JSON body the route reads (what the handler passes to
   * `ctx.body(...)`), for `/openapi.json`. Documentation only: the handler
   * still parses its body itself.
   */
  request?: ZodSchema;
  /** The query parameters, as a `z.object` of strings, for `/openapi.json`. */
  query?: ZodSchema;
  /** The JSON the route answers with on success, for `/openapi.json`. */
  response?: ZodSchema;
}

/** What a handler receives. */
export interface RequestContext {
  /** The request, for headers and anything the helpers do not cover. */
  req: Request;
  /** The parsed request URL, e.g. for query parameters. */
  url: URL;
  /** The values of the path's `:param` segments. */
  params: Record<string, string>;
  /** Who is calling, or null on a public route without credentials. */
  principal: Principal | null;
  /** The client's address as the socket saw it. */
  ip: string;
  /** The raw JSON body (`{}` when empty); malformed JSON is a 400. */
  json(): Promise<unknown>;
  /** The body as text, capped like `json()` (413); for routes that must refuse an empty body. */
  text(): Promise<string>;
  /** Parses the JSON body with a schema; a malformed body is a 400. */
  body<T>(schema: ZodSchema<T>): Promise<T>;
  /** The actor string for audit entries. */
  actor: string;
}

/** A route handler: returns a Response, or a value sent as JSON with status 200. */
export type Handler = (ctx: RequestContext) => Promise<Response | unknown> | Response | unknown;

/** A registered route, as data the core can list (OpenAPI, role matrix tests). */
export interface RouteRecord {
  /** The HTTP method the route answers. */
  method: Method;
  /** The path pattern, with `:param` segments. */
  path: string;
  /** Who may call it and which rate bucket it uses. */
  options: RouteOptions;
  /** What runs once the guards let the request through. */
  handler: Handler;
  /** The plugin that registered the route, for listings and errors. */
  plugin: string;
}

/** A render contribution: adds sections, directives or files to the model. */
export type RenderHook = (model: ConfigModel, state: State, ctx: RenderContext) => void;

/** A background loop with a lifecycle: samplers, timers, watchers. */
export interface Service {
  /** Names the service in logs and start-up errors. */
  name: string;
  /**
   * Starts the service once the daemon is up. A throw is a crash: logged and
   * audited naming the plugin, then retried with a doubling backoff.
   */
  start(): void | Promise<void>;
  /** Stops the loop on shutdown, before the server closes; the daemon awaits it. */
  stop(): void | Promise<void>;
  /**
   * Optional: the service's loop, called after `start()`, running until
   * `signal` aborts (shutdown). If it throws or returns before that, the
   * service has crashed: it is audited, stopped, and started again after a
   * backoff (1 s, doubling to 60 s).
   */
  run?(signal: AbortSignal): Promise<void>;
}

/** How {@link PluginHost.on} subscribes. */
export interface ListenOptions {
  /** Skip (instead of refusing at load) when no registered plugin emits the event. */
  optional?: boolean;
}

/** What the host lends a plugin during `setup`. */
export interface PluginHost {
  /** The plugin's own name. */
  readonly name: string;
  /** Registers an HTTP route. Paths use `:param` segments. */
  route(method: Method, path: string, options: RouteOptions, handler: Handler): void;
  /** Registers a render contribution, run after the core's own render. */
  render(hook: RenderHook): void;
  /** Contributes a web console page (and its nav entry), guarded like a route. */
  page(definition: PageDefinition): void;
  /**
   * Subscribes to a typed event; a name no registered plugin emits is refused (`EVENT_UNKNOWN`),
   * so a typo fails at load. With `{optional: true}` such a listener is skipped instead: a
   * plugin that reacts to another plugin's events when it is loaded (notifications delivering
   * `cert:renewed`, whether or not certbot is there) says so.
   *
   * @example
   * ```ts
   * host.on("apply:succeeded", (e) => host.log.info("applied", { snapshot: e.snapshotId }));
   * host.on("cert:renewed", (e) => host.log.info("renewed", e), { optional: true });
   * ```
   */
  on<K extends keyof Events>(event: K, listener: Listener<K>, options?: ListenOptions): void;
  /**
   * Emits one of this plugin's own events (`<plugin>:<event>` or one it
   * declares in `events`); anything else, core events above all, rejects
   * with an error and reaches no listener.
   */
  emit<K extends keyof Events>(event: K, payload: Events[K]): Promise<void>;
  /** Registers a background service, started after the server serves, stopped on shutdown. */
  service(service: Service): void;
  /** Offers a capability to other plugins (see `core/providers.ts`); once per key. */
  provide<K extends keyof Providers>(key: K, impl: Providers[K]): void;
  /** Another plugin's capability, or undefined when none provides it. Call it late (per use). */
  use<K extends keyof Providers>(key: K): Providers[K] | undefined;
  /**
   * Declares a kind of file this plugin owns that states reference (see
   * `core/state_files.ts`): which ones a state names, and reading or
   * writing one as bytes, so a peer can be sent every file a state needs
   * without reaching into this plugin's directory. Once per kind.
   */
  files(source: StateFileSource): void;
  /** Every plugin's file sources (for plugins that move state between nodes). */
  readonly stateFiles: StateFiles;
  /**
   * The current persisted state. Read-only: parts of it are shared with the
   * next apply's validation and frozen; derive a new state from a copy
   * (`structuredClone`).
   */
  state(): State;
  /**
   * Runs the apply pipeline with a new state document; while a
   * commit-confirmed window is pending it is refused, 409 `{error, pending}`,
   * like a PUT without `supersede` (a plugin cannot supersede). On a caller's
   * behalf, pass `role: ctx.principal?.role` so its field roles apply (a 403
   * for a path it may not change); without a role the apply is the
   * plugin's own and is not authorized field by field.
   */
  apply(next: unknown, options: ApplyOptions): Promise<ApplyResult>;
  /**
   * Runs `fn` under the apply lock, handing it an `apply` that does not take
   * the lock again: for changing files the render reads and re-applying as
   * one step, with no other apply, plugin reload or `POST /api/haproxy/reload`
   * in between (certbot installs issued certificates so). Keep `fn` short:
   * every other change waits for it. Like {@link apply}, refused with 409
   * `{error, pending}` before `fn` runs while a commit-confirmed window is
   * pending.
   */
  exclusive<T>(
    fn: (apply: (next: unknown, options: ApplyOptions) => Promise<ApplyResult>) => Promise<T>,
  ): Promise<T>;
  /**
   * Persists a state change HAProxy makes at run time without a reload (a
   * runtime entry in a file-backed ACL): `change` derives the next state,
   * which must render the same cfg as the live one; `run` sends the runtime
   * command. See `ApplyPipeline.adoptRuntime`.
   */
  adoptRuntime(
    change: (current: State) => unknown,
    run: () => Promise<void>,
    options: ApplyOptions,
  ): Promise<AdoptResult>;
  /**
   * The HAProxy client (admin socket, master CLI, check, reload). Its
   * `reload()` takes the apply lock, waiting for an apply in flight; so do
   * not await it inside an `apply:*` listener, which runs within the apply.
   */
  readonly haproxy: HaproxyClient;
  /** The audit log. */
  readonly audit: AuditLog;
  /** The shared database; create tables through `migrate` with your plugin's name. */
  readonly db: DatabaseSync;
  /** Runs this plugin's numbered migrations once each. */
  migrate(steps: string[]): void;
  /** This plugin's parsed config sections (the keys it declared in `config`). */
  readonly config: Record<string, unknown>;
  /** Data directory layout. */
  readonly paths: DataPaths;
  /** A logger that prefixes the plugin's name. */
  readonly log: Logger;
}

/**
 * What a plugin's `prepare` receives: the data directory layout, and the
 * capability seam (`host.provide` of setup), before any state is validated.
 */
export interface PrepareContext {
  /** Data directory layout. */
  readonly paths: DataPaths;
  /** Offers a capability to other plugins and the core; once per key. */
  provide<K extends keyof Providers>(key: K, impl: Providers[K]): void;
  /** A capability a dependency provided in its own `prepare`, or undefined. */
  use<K extends keyof Providers>(key: K): Providers[K] | undefined;
}

/** A plugin: a name, what it needs, what it adds to the state and config, and its setup. */
export interface Plugin {
  /** Unique plugin name: the key for dependencies, routes and logs. */
  name: string;
  /** Names of plugins that must be registered too; their setups run before this one's. */
  dependencies?: string[];
  /**
   * The patchpanel versions this plugin works with, as a semver range
   * (`"^0.1"`, `">=0.1.0 <0.3"`); outside it the daemon refuses to start
   * (`PLUGIN_VERSION_MISMATCH`). Omitted: any version.
   */
  patchpanel?: string;
  /**
   * Events this plugin emits under names outside its own namespace (e.g.
   * `server:down`), which then belong to it alone. Names `<plugin>:<event>`
   * need no declaration unless the list is given, which then is complete.
   * Core events (`apply:*`, `haproxy:process`) are the core's only.
   */
  events?: string[];
  /** Top-level state keys this plugin owns, each with a schema that has a default. */
  schema?: Record<string, ZodSchema>;
  /**
   * Fields this plugin adds to the core's entities, by entity (`frontend`, `bind`, `backend`,
   * `server`): field
   * name → schema, which must accept absence (`.optional()`), since a bind or server
   * without the field stays valid. A field is claimed once, by one plugin, and never one
   * of the core's own; its type joins `BindModel` / `ServerModel` by declaration merging:
   *
   * ```ts
   * declare module "../../core/state/haproxy_schema.ts" {
   *   interface BindExtensions { ratelimit?: { rps: number } }
   * }
   * ```
   *
   * `fieldRoles` may then name the field under its entity, e.g.
   * `haproxy.frontends.*.binds.*.ratelimit`; the tls plugin's bind and server `tls` are
   * declared this way.
   */
  entityFields?: Partial<
    Record<"frontend" | "bind" | "backend" | "server", Record<string, ZodSchema>>
  >;
  /**
   * Who may change what under this plugin's state keys: dotted path
   * patterns (`*` for an array item or map key), each with the least role a
   * change there needs, e.g. `[{path: "geoip", role: "admin"}, {path:
   * "geoip.enabled", role: "operator"}]`. Patterns must start with one of
   * the plugin's own keys or name one of its `entityFields` under its
   * entity's path; the most specific wins; a path no rule covers is
   * admin-only. See docs/security.md.
   */
  fieldRoles?: FieldRole[];
  /**
   * Secret fields under this plugin's state keys, as dotted path patterns
   * (`*` for an array item or map key), e.g.
   * `notifications.channels.*.config.password`: stored in `state.json`,
   * shown to every caller as a redaction marker, kept when a document sends
   * the marker back (core/state/redact.ts).
   */
  secrets?: string[];
  /** Cross-reference checks over the whole state (e.g. a bind naming a missing cert). */
  checks?: StateCheck[];
  /** Top-level `config.yaml` keys this plugin owns, each with a strict schema and a default. */
  config?: Record<string, ZodSchema>;
  /**
   * Directories under the data directory this plugin owns, by name (one kebab-case segment,
   * `<data>/<name>`, found with `host.paths.plugin(name)`): what each holds, and whether it
   * holds private keys. A name is claimed once and never one of the core's. The core keeps
   * a state's paths out of them: HAProxy may create nothing inside (no socket, pid or log
   * file), and a key directory is read only as TLS material, never served by `errorfile` or
   * `http-request return file`.
   */
  dataDirs?: Record<string, { holds: string; keys?: boolean }>;
  /**
   * Runs as soon as the data directory is known, before the persisted state
   * is validated at start-up (`setup` runs after that): for a plugin whose
   * state checks read its own files (the lua plugin's installed manifests).
   * Synchronous; register routes and hooks in `setup`.
   */
  prepare?(ctx: PrepareContext): void;
  /** Wires routes, render hooks, listeners and services. */
  setup?(host: PluginHost): void | Promise<void>;
}

/**
 * Identity function that gives plugin literals their type.
 *
 * @example
 * ```ts
 * export default definePlugin({
 *   name: "hello",
 *   setup(host) {
 *     host.route("GET", "/api/hello", { role: "viewer", tier: "read" }, () => ({ hello: true }));
 *   },
 * });
 * ```
 */
export function definePlugin(plugin: Plugin): Plugin {
  return plugin;
}
