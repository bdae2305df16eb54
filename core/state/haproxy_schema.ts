/**
 * The core's part of the state document: HAProxy modelled as data.
 *
 * Each HAProxy concept an operator reaches for has a typed field; what the
 * schema does not model goes into `rawDirectives`, the escape hatch on
 * global, defaults, every frontend and every backend. Defaults are applied
 * by the schema, so the persisted document is always complete and
 * re-PUTting it renders byte-identical output.
 *
 * @module
 */
import { z } from "zod";
import { Arg, Duration, HostPort, Name, Port } from "./names.ts";
import { InitAddrMethod, Resolver } from "./resolvers_schema.ts";

/** Lines passed through verbatim, for what the schema does not model. */
export const RawDirectives = z.array(Arg).default([]);

/** An HAProxy condition: `if|unless` followed by ACL terms, e.g. `if is_api !is_admin`. */
export const Condition = z.string().regex(
  /^(if|unless)\s+\S.*$/,
  "must start with 'if' or 'unless' followed by ACL names",
).regex(/^[^\r\n\0]*$/, "must be a single line");

const SYSLOG_FACILITIES = [
  "kern",
  "user",
  "mail",
  "daemon",
  "auth",
  "syslog",
  "lpr",
  "news",
  "uucp",
  "cron",
  "auth2",
  "ftp",
  "ntp",
  "audit",
  "alert",
  "cron2",
  "local0",
  "local1",
  "local2",
  "local3",
  "local4",
  "local5",
  "local6",
  "local7",
] as const;
const SYSLOG_LEVELS = [
  "emerg",
  "alert",
  "crit",
  "err",
  "warning",
  "notice",
  "info",
  "debug",
] as const;

/** One `log` target of the global section. */
export const LogTarget = z.object({
  target: z.string().regex(
    /^(stdout|stderr|\/[^\s]+|(udp@|tcp@|ipv4@|ipv6@)?[A-Za-z0-9.:[\]-]+(:\d{1,5})?)$/,
    "must be stdout, stderr, a unix socket path or host[:port]",
  ),
  facility: z.enum(SYSLOG_FACILITIES).default("local0"),
  level: z.enum(SYSLOG_LEVELS).optional(),
  minLevel: z.enum(SYSLOG_LEVELS).optional(),
  format: z.enum(["rfc3164", "rfc5424", "short", "raw", "iso", "local", "timed", "priority"])
    .optional(),
}).strict();

/** Runtime API access level, as in HAProxy's `level` bind option. */
export const SocketLevel = z.enum(["user", "operator", "admin"]);

/** File mode in octal, e.g. `660`. */
const OctalMode = z.string().regex(/^0?[0-7]{3}$/, "must be an octal mode such as 660");

const SocketCommon = {
  level: SocketLevel.default("operator"),
  exposeFdListeners: z.boolean().default(false),
};

/**
 * A `stats socket`: the HAProxy Runtime API. A unix socket with owner, group
 * and mode, or an IP socket (`ipv4@127.0.0.1:9999`, or `ipv4@*:9999` for all
 * interfaces).
 */
export const StatsSocket = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("unix"),
    path: z.string().regex(/^\/[^\s]+$/, "must be an absolute path without spaces"),
    user: Name.optional(),
    group: Name.optional(),
    mode: OctalMode.optional(),
    ...SocketCommon,
  }).strict(),
  z.object({
    kind: z.literal("ipv4"),
    host: z.union([z.literal("*"), z.ipv4()]),
    port: Port,
    ...SocketCommon,
  }).strict(),
  z.object({
    kind: z.literal("ipv6"),
    host: z.union([z.literal("::"), z.ipv6()]),
    port: Port,
    ...SocketCommon,
  }).strict(),
]);

/** Global tuning knobs operators commonly set. */
export const Tune = z.object({
  bufsize: z.number().int().min(1024).optional(),
  maxrewrite: z.number().int().min(0).optional(),
  httpMaxhdr: z.number().int().min(1).max(32767).optional(),
  sslDefaultDhParam: z.number().int().min(1024).optional(),
  maxaccept: z.number().int().optional(),
}).strict().default({});

/** The `global` section. */
export const Global = z.object({
  maxconn: z.number().int().positive().optional(),
  nbthread: z.number().int().min(1).max(64).optional(),
  logs: z.array(LogTarget).default([]),
  tune: Tune,
  statsSockets: z.array(StatsSocket).default([]),
  statsTimeout: Duration.optional(),
  rawDirectives: RawDirectives,
}).strict().default({ logs: [], tune: {}, statsSockets: [], rawDirectives: [] });

/** Proxy mode. */
export const Mode = z.enum(["http", "tcp"]);

/** A proxy `option` keyword with optional arguments, e.g. `httplog` or `forwardfor except 127.0.0.0/8`. */
export const ProxyOption = z.string().regex(
  /^(no )?[a-z][a-z0-9-]*( [^\r\n\0]+)?$/,
  "must be an option keyword such as httplog or 'forwardfor except 127.0.0.0/8'",
);

/** The timeouts HAProxy knows, by their config names in camelCase. */
export const Timeouts = z.object({
  connect: Duration.optional(),
  client: Duration.optional(),
  server: Duration.optional(),
  httpRequest: Duration.optional(),
  httpKeepAlive: Duration.optional(),
  queue: Duration.optional(),
  check: Duration.optional(),
  tunnel: Duration.optional(),
  clientFin: Duration.optional(),
  serverFin: Duration.optional(),
}).strict();

/** The `defaults` section. */
export const Defaults = z.object({
  mode: Mode.default("http"),
  log: z.enum(["global", "none"]).default("global"),
  options: z.array(ProxyOption).default([]),
  timeouts: Timeouts.default({ connect: "5s", client: "30s", server: "30s" }),
  maxconn: z.number().int().positive().optional(),
  retries: z.number().int().min(0).optional(),
  /**
   * `option idle-close-on-response`: during a reload the old worker keeps its idle keep-alive
   * connections and closes each after its next response (`Connection: close`), instead of
   * closing them idle, which fails a request a client sends at that moment. On by default so
   * reloads are hitless for keep-alive clients; false restores HAProxy's own default.
   */
  idleCloseOnResponse: z.boolean().default(true),
  rawDirectives: RawDirectives,
}).strict().default({
  mode: "http",
  log: "global",
  options: [],
  timeouts: { connect: "5s", client: "30s", server: "30s" },
  idleCloseOnResponse: true,
  rawDirectives: [],
});

/** A listening address of a frontend. */
export const Bind = z.object({
  address: HostPort,
  /** Extra bind options HAProxy accepts, e.g. `accept-proxy`, `v4v6`. */
  options: z.array(Arg).default([]),
}).strict();

/** An `http-request` rule: an action with its arguments, and an optional condition. */
export const HttpRequestRule = z.object({
  action: Arg,
  cond: Condition.optional(),
}).strict();

/** A `tcp-request` rule at one of its evaluation points. */
export const TcpRequestRule = z.object({
  on: z.enum(["connection", "content", "session", "inspect-delay"]),
  action: Arg,
  cond: Condition.optional(),
}).strict();

/**
 * A dynamic backend name: one sample expression in `%[...]`, e.g.
 * `%[req.hdr(host),lower,map(@hosts,web-pool)]` (a host → backend map).
 */
export const DynamicBackend = z.string().max(4096).regex(
  /^%\[[^\s\]]+\]$/,
  "must be a backend name, or one sample expression such as %[req.hdr(host),lower,map(@hosts,web)]",
);

/**
 * A `use_backend`: a backend by name under a condition, or a backend named
 * at request time by a sample expression (`DynamicBackend`), whose condition
 * may be left out (HAProxy falls through to `default_backend` when the
 * expression names no backend).
 */
export const UseBackend = z.union([
  z.object({ backend: Name, cond: Condition }).strict(),
  z.object({ backend: DynamicBackend, cond: Condition.optional() }).strict(),
]);

/** Whether a `use_backend` names its backend at request time (`%[...]`). */
export function isDynamicBackend(backend: string): boolean {
  return backend.startsWith("%[");
}

/** A frontend: where traffic comes in and how it is routed. */
export const Frontend = z.object({
  id: Name,
  mode: Mode.optional(),
  binds: z.array(Bind).min(1),
  maxconn: z.number().int().positive().optional(),
  options: z.array(ProxyOption).default([]),
  httpRequest: z.array(HttpRequestRule).default([]),
  tcpRequest: z.array(TcpRequestRule).default([]),
  useBackends: z.array(UseBackend).default([]),
  defaultBackend: Name.optional(),
  rawDirectives: RawDirectives,
}).strict();

/** A server of a backend. */
export const Server = z.object({
  name: Name,
  address: HostPort,
  weight: z.number().int().min(0).max(256).default(100),
  check: z.boolean().default(true),
  backup: z.boolean().default(false),
  maxconn: z.number().int().positive().optional(),
  ssl: z.boolean().default(false),
  disabled: z.boolean().default(false),
  /** A `haproxy.resolvers` id: HAProxy resolves (and re-resolves) the address's name there. */
  resolvers: Name.optional(),
  /** `init-addr`: how the address is found at start-up, in order (e.g. `["last", "none"]`). */
  initAddr: z.array(InitAddrMethod).min(1).max(4).optional(),
  /** `resolve-prefer`: which address family to use when a name has both. */
  resolvePrefer: z.enum(["ipv4", "ipv6"]).optional(),
}).strict();

/** HAProxy's `balance` algorithms, for the schema and for editors that offer a choice. */
export const BALANCE_ALGORITHMS = [
  "roundrobin",
  "static-rr",
  "leastconn",
  "first",
  "source",
  "uri",
  "url_param",
  "hdr",
  "random",
  "rdp-cookie",
] as const;

/** Load-balancing algorithm and its argument where it takes one. */
export const Balance = z.object({
  algorithm: z.enum(BALANCE_ALGORITHMS),
  args: z.array(Arg).default([]),
}).strict();

/** Health checking of a backend's servers. */
export const HealthCheck = z.object({
  type: z.enum(["tcp", "http"]).default("tcp"),
  method: z.enum(["GET", "HEAD", "OPTIONS"]).default("GET"),
  path: z.string().regex(/^\/[^\s]*$/, "must be a path starting with /").default("/"),
  host: z.string().regex(/^[A-Za-z0-9.-]+(:\d+)?$/).optional(),
  expectStatus: z.string().regex(/^\d{3}(-\d{3})?$/, "must be a status or range such as 200-399")
    .optional(),
  interval: Duration.optional(),
  rise: z.number().int().min(1).optional(),
  fall: z.number().int().min(1).optional(),
}).strict();

/** A stick table declared in a backend. */
export const StickTable = z.object({
  type: z.enum(["ip", "ipv6", "integer", "string", "binary"]),
  len: z.number().int().positive().optional(),
  size: z.union([z.number().int().positive(), z.string().regex(/^\d+[kmg]?$/)]),
  expire: Duration.optional(),
  store: z.array(z.string().regex(/^[a-z_][a-z0-9_]*(\(\d+[a-z]*\))?$/)).default([]),
}).strict();

/**
 * Cookie stickiness: HAProxy names the server a client was sent to in a
 * cookie and sends the client's next requests there while it is up. Each
 * server's cookie value is its name. `insert` adds HAProxy's own cookie
 * (`indirect`: not passed on to the server; `nocache`: marks the response
 * uncacheable, so a shared cache does not hand one client's cookie to
 * everyone); `rewrite` and `prefix` change a cookie the application sets.
 */
export const CookieStickiness = z.object({
  name: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, "must be a cookie name such as SERVERID"),
  mode: z.enum(["insert", "rewrite", "prefix"]).default("insert"),
  indirect: z.boolean().default(true),
  nocache: z.boolean().default(true),
  httponly: z.boolean().default(false),
  secure: z.boolean().default(false),
}).strict();

/** A backend: a pool of servers and how they are chosen and checked. */
export const Backend = z.object({
  id: Name,
  mode: Mode.optional(),
  balance: Balance.optional(),
  healthCheck: HealthCheck.optional(),
  servers: z.array(Server).default([]),
  stickTable: StickTable.optional(),
  stickOn: Arg.optional(),
  cookie: CookieStickiness.optional(),
  options: z.array(ProxyOption).default([]),
  rawDirectives: RawDirectives,
}).strict();

/** HAProxy's built-in statistics page on its own listener. */
export const StatsListener = z.object({
  bind: HostPort,
  uri: z.string().regex(/^\/[^\s]*$/).default("/"),
  refresh: Duration.optional(),
  admin: z.boolean().default(false),
  prometheus: z.boolean().default(false),
}).strict();

/** The `haproxy` key of the state: the proxy model itself (no plugin's entity fields). */
export const Haproxy = haproxyWith(Backend, Frontend);

/**
 * The `haproxy` key's schema with `backend` validating each backend and
 * `frontend` each frontend: the state schema passes the ones extended with
 * plugins' entity fields (entity_fields.ts), and the apply path a memoizing
 * backend (backend_memo.ts), which must give the same verdicts and output,
 * and `backends` the array of them (the memo's, one loop; else `z.array(backend)`).
 *
 * @internal
 */
export function haproxyWith(
  backend: z.ZodType<BackendModel>,
  frontend: z.ZodType<FrontendModel>,
  backends: z.ZodType<BackendModel[]> = z.array(backend),
) {
  return z.object({
    global: Global,
    defaults: Defaults,
    frontends: z.array(frontend).default([]),
    backends: backends.default([]),
    stats: StatsListener.nullable().default(null),
    resolvers: z.array(Resolver).default([]),
  }).strict();
}

/**
 * A named ACL. Frontends use it by name in conditions; it is declared in each
 * frontend that uses it. With `file: true` the values live in a file in the
 * data directory (`-f`), so runtime additions can be persisted to it.
 */
export const Acl = z.object({
  name: Name,
  criterion: z.string().regex(
    /^[a-z][a-z0-9_.]*(\([^()\s]*\))?(,[a-z][a-z0-9_]*(\([^()\s]*\))?)*$/,
    "must be a sample fetch such as hdr(host) or path_beg",
  ),
  flags: z.array(z.string().regex(/^-[a-zA-Z]( [a-z]+)?$/, "must be a flag such as -i or -m beg"))
    .default([]),
  values: z.array(z.string().regex(/^[^\s\0]+$/, "must not contain spaces")).default([]),
  file: z.boolean().default(false),
}).strict();

/** A map key or value: one word HAProxy's map files and Runtime API read as is. */
const MapWord = z.string().regex(
  /^[!$-&(-:<-[\]-~]{1,1024}$/,
  "must be 1 to 1024 printable characters without spaces, ';', '\\', quotes, '#' or line breaks",
);

/** One `key value` line of a map. */
export const MapEntry = z.object({ key: MapWord, value: MapWord }).strict();

/**
 * A named map, always file-backed: rendered to `<data>/maps/<name>.map` and
 * used in rules as `map(@<name>[,default])` (any `map*` converter), which the
 * renderer resolves to that file. Runtime entry changes are written back here.
 */
export const StateMap = z.object({
  name: Name,
  entries: z.array(MapEntry).default([]),
}).strict();

/** HTTP statuses HAProxy 2.6 accepts in `errorfile`. */
export const ERROR_PAGE_CODES = [
  200,
  400,
  401,
  403,
  404,
  405,
  407,
  408,
  410,
  413,
  425,
  429,
  500,
  501,
  502,
  503,
  504,
] as const;

/**
 * A custom error page: the body HAProxy sends (with its own status line and
 * these headers) instead of its built-in one. Rendered to
 * `<data>/error-pages/<code>.http` and loaded with `errorfile` in defaults.
 */
/** A status `errorfile` takes. */
export const ErrorPageCode = z.number().int().refine(
  (c) => (ERROR_PAGE_CODES as readonly number[]).includes(c),
  `must be one of ${ERROR_PAGE_CODES.join(", ")}`,
);

/**
 * Where a page applies: absent both, every proxy (an `errorfile` in
 * defaults); otherwise only the named frontends and backends (the line is
 * rendered in each of their sections, where it wins over defaults).
 */
const ErrorPageScope = {
  frontends: z.array(Name).min(1).optional(),
  backends: z.array(Name).min(1).optional(),
};

const InlineErrorPage = z.object({
  code: ErrorPageCode,
  ...ErrorPageScope,
  contentType: z.string().regex(
    /^[A-Za-z0-9!#$&^_.+-]+\/[A-Za-z0-9!#$&^_.+-]+(;\s*[A-Za-z0-9_-]+=[A-Za-z0-9_.-]+)*$/,
    "must be a media type such as text/html; charset=utf-8",
  ).default("text/html; charset=utf-8"),
  /** At most 32 KiB: HAProxy keeps the whole answer in one buffer (tune.bufsize). */
  body: z.string().max(32 * 1024).regex(/^[^\0]*$/, "must not contain NUL"),
}).strict();

/**
 * A custom error page: inline (`{code, contentType, body}`, rendered by patchpanel) or uploaded
 * (`{code, upload: true}`: the whole HTTP response stored by `POST /api/error-pages/{code}` in
 * `<data>/error-pages/uploads/<code>.http`). Either is loaded with `errorfile` in defaults, or,
 * with `frontends`/`backends`, in those proxies' sections only.
 */
export const ErrorPage = z.union([
  z.object({ code: ErrorPageCode, upload: z.literal(true), ...ErrorPageScope }).strict(),
  InlineErrorPage,
]);

// Inferred types, for the renderer and plugins.

/**
 * The parsed `haproxy` key of the state, inferred from the {@link Haproxy}
 * schema (which is its documentation: `deno doc` cannot render an inferred type).
 *
 * @internal
 */
export type HaproxyModel =
  & Omit<z.output<typeof Haproxy>, "frontends" | "backends">
  & { frontends: FrontendModel[]; backends: BackendModel[] };
/**
 * A parsed frontend, its binds with the fields loaded plugins add.
 *
 * @internal
 */
export type FrontendModel =
  & Omit<z.output<typeof Frontend>, "binds">
  & { binds: BindModel[] }
  & FrontendExtensions;
/**
 * A parsed backend, its servers with the fields loaded plugins add.
 *
 * @internal
 */
export type BackendModel =
  & Omit<z.output<typeof Backend>, "servers">
  & { servers: ServerModel[] }
  & BackendExtensions;
/**
 * A parsed server: the core's fields and those plugins declare in {@link ServerExtensions}.
 *
 * @internal
 */
export type ServerModel = z.output<typeof Server> & ServerExtensions;
/**
 * One parsed entry of the state's `acls`, inferred from the {@link Acl} schema.
 *
 * @internal
 */
export type AclModel = z.output<typeof Acl>;
/**
 * A parsed bind: the core's fields and those plugins declare in {@link BindExtensions}.
 *
 * @internal
 */
export type BindModel = z.output<typeof Bind> & BindExtensions;

/**
 * Fields plugins add to a bind, by declaration merging, each optional (a
 * bind without the plugin's field is a valid bind); the schema of each comes
 * with the plugin's `entityFields.bind`. The tls plugin's `tls` is one:
 *
 * ```ts
 * declare module "../../core/state/haproxy_schema.ts" {
 *   interface BindExtensions { tls?: BindTlsModel }
 * }
 * ```
 */
// deno-lint-ignore no-empty-interface
export interface BindExtensions {}

/** Fields plugins add to a server, as {@link BindExtensions} does for a bind. */
// deno-lint-ignore no-empty-interface
export interface ServerExtensions {}

/** Fields plugins add to a frontend, as {@link BindExtensions} does for a bind. */
// deno-lint-ignore no-empty-interface
export interface FrontendExtensions {}

/** Fields plugins add to a backend, as {@link BindExtensions} does for a bind. */
// deno-lint-ignore no-empty-interface
export interface BackendExtensions {}
/**
 * One parsed entry of the state's `maps`, inferred from the {@link StateMap} schema.
 *
 * @internal
 */
export type StateMapModel = z.output<typeof StateMap>;
/**
 * One parsed entry of the state's `errorPages`, inferred from the {@link ErrorPage} schema.
 *
 * @internal
 */
export type ErrorPageModel = z.output<typeof ErrorPage>;
export type StatsSocketModel = z.output<typeof StatsSocket>;
