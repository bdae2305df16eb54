/**
 * The core state's field roles: every field of `version`, `haproxy` and
 * `acls`, classified. docs/security.md explains the model; in short,
 * operators change traffic (frontends' routing, backends, servers, weights,
 * ACL values, which certificate a bind serves), and admins alone change
 * what reaches the host or HAProxy's control plane: the whole `global`
 * section (stats sockets and their levels, log targets, process-wide
 * limits and threads), the stats listener, every `rawDirectives` list, and
 * any value that loads code (Lua, SPOE, services), names a host file
 * (`file`, `-f`, `crt`, map files) or changes a socket's owner or level.
 *
 * The list is explicit on purpose: a field added to the core schema and
 * not added here needs `admin` (the fallback), and `core_roles_test.ts`
 * fails until it is classified.
 *
 * @module
 */
import type { FieldRole } from "./field_roles.ts";

/**
 * Values that run programs or reach the host whatever field holds them, as
 * regular-expression sources; each raises its change to `admin`.
 */
export const ADMIN_VALUES = {
  /** `option external-check` runs a program on the host for each health check. */
  option: String.raw`(^|\s)external-check(\s|$)`,
  /**
   * Actions that call Lua, SPOE or a service, edit map/ACL files, or serve
   * a host file (`http-request return ... file /etc/...`).
   */
  action: String
    .raw`(^|[\s(,{[])(lua\.|use-service|send-spoe-group|set-map|del-map|add-acl|del-acl|map(_[a-z_]+)?\((?!@))|(^|\s)(file|lf-file)(\s|$)`,
  /**
   * Conditions with an inline fetch that calls Lua or reads a file (`map(/path)`, `-f`, `-M`).
   * A `map*()` converter naming a state map (`map(@hosts)`) reads only the file patchpanel
   * renders from `state.maps`, which operators edit anyway: it stays operator-level.
   */
  condition: String.raw`(^|[\s(,{[])(lua\.|map(_[a-z_]+)?\((?!@))|(^|\s)-[fM](\s|$)`,
  /** Sample fetches calling Lua or a map file, or naming any path. */
  fetch: String.raw`(^|[\s(,[])(lua\.|map(_[a-z_]+)?\((?!@))|/`,
  /** ACL flags that read patterns from a host file. */
  aclFlag: String.raw`^-[fM](\s|$)`,
  /**
   * ACL values that HAProxy would read as flags: the renderer writes values
   * right after the flags, so values `-f` and `/etc/shadow` load a host file.
   */
  aclValue: String.raw`^-`,
  /** Bind options that load key material from a path, or set a socket's owner, level or namespace. */
  bindOption: String
    .raw`(^|\s)(crt|crt-list|ca-file|crl-file|ca-verify-file|ca-sign-file|ca-sign-pass|user|group|uid|gid|mode|level|severity-output|expose-fd|namespace|interface|transparent)(\s|$)|/`,
} as const;

const admin = (path: string): FieldRole => ({ path, role: "admin" });
const operator = (path: string): FieldRole => ({ path, role: "operator" });
const raise = (path: string, value: string): FieldRole => ({ path, role: "admin", value });

const FRONTEND = "haproxy.frontends.*";
const BACKEND = "haproxy.backends.*";

/** The core keys' rules (plugins declare theirs beside their schema fragments). */
export const CORE_FIELD_ROLES: readonly FieldRole[] = [
  // The format version is always 1; nothing to guard, nothing to gain.
  operator("version"),

  // global: process-wide, host-facing. Every field admin, listed so none is missed.
  admin("haproxy.global"),
  admin("haproxy.global.maxconn"),
  admin("haproxy.global.nbthread"),
  admin("haproxy.global.logs"),
  admin("haproxy.global.tune"),
  admin("haproxy.global.statsSockets"),
  admin("haproxy.global.statsTimeout"),
  admin("haproxy.global.rawDirectives"),

  // defaults: how every proxy behaves; logging on/off and raw lines are admin's.
  operator("haproxy.defaults"),
  operator("haproxy.defaults.mode"),
  operator("haproxy.defaults.idleCloseOnResponse"),
  admin("haproxy.defaults.log"),
  operator("haproxy.defaults.options"),
  raise("haproxy.defaults.options", ADMIN_VALUES.option),
  operator("haproxy.defaults.timeouts"),
  operator("haproxy.defaults.maxconn"),
  operator("haproxy.defaults.retries"),
  admin("haproxy.defaults.rawDirectives"),

  // frontends: where traffic comes in and how it is routed.
  operator("haproxy.frontends"),
  operator(`${FRONTEND}.id`),
  operator(`${FRONTEND}.mode`),
  operator(`${FRONTEND}.binds`),
  operator(`${FRONTEND}.binds.*.address`),
  operator(`${FRONTEND}.binds.*.options`),
  raise(`${FRONTEND}.binds.*.options`, ADMIN_VALUES.bindOption),
  operator(`${FRONTEND}.maxconn`),
  operator(`${FRONTEND}.options`),
  raise(`${FRONTEND}.options`, ADMIN_VALUES.option),
  operator(`${FRONTEND}.httpRequest`),
  raise(`${FRONTEND}.httpRequest.*.action`, ADMIN_VALUES.action),
  raise(`${FRONTEND}.httpRequest.*.cond`, ADMIN_VALUES.condition),
  operator(`${FRONTEND}.tcpRequest`),
  raise(`${FRONTEND}.tcpRequest.*.action`, ADMIN_VALUES.action),
  raise(`${FRONTEND}.tcpRequest.*.cond`, ADMIN_VALUES.condition),
  operator(`${FRONTEND}.useBackends`),
  // A dynamic backend (`%[...]`) is a sample expression: the same rule as a stickOn fetch.
  raise(`${FRONTEND}.useBackends.*.backend`, ADMIN_VALUES.fetch),
  raise(`${FRONTEND}.useBackends.*.cond`, ADMIN_VALUES.condition),
  operator(`${FRONTEND}.defaultBackend`),
  admin(`${FRONTEND}.rawDirectives`),

  // backends: pools of servers, balancing, checks, stickiness.
  operator("haproxy.backends"),
  operator(`${BACKEND}.id`),
  operator(`${BACKEND}.mode`),
  operator(`${BACKEND}.balance`),
  operator(`${BACKEND}.healthCheck`),
  operator(`${BACKEND}.servers`),
  operator(`${BACKEND}.stickTable`),
  operator(`${BACKEND}.stickOn`),
  raise(`${BACKEND}.stickOn`, ADMIN_VALUES.fetch),
  // Cookie stickiness: a cookie name and flags, traffic only.
  operator(`${BACKEND}.cookie`),
  operator(`${BACKEND}.options`),
  raise(`${BACKEND}.options`, ADMIN_VALUES.option),
  admin(`${BACKEND}.rawDirectives`),

  // The stats listener: HAProxy's own page, with `admin` it can disable servers; admin's.
  admin("haproxy.stats"),

  // DNS: which name servers HAProxy asks is infrastructure (admin's); a server choosing one of
  // them (`resolvers`, `initAddr`, `resolvePrefer`) is the operator's, like its address.
  admin("haproxy.resolvers"),

  // Named ACLs: operators change them, except fetches and flags that read host files.
  operator("acls"),
  operator("acls.*.name"),
  operator("acls.*.criterion"),
  raise("acls.*.criterion", ADMIN_VALUES.fetch),
  operator("acls.*.flags"),
  raise("acls.*.flags", ADMIN_VALUES.aclFlag),
  operator("acls.*.values"),
  raise("acls.*.values", ADMIN_VALUES.aclValue),
  operator("acls.*.file"),

  // Named maps: data for routing (host → backend), rendered by patchpanel under <data>/maps/.
  operator("maps"),
  operator("maps.*.name"),
  operator("maps.*.entries"),

  // Error pages: a status code and content; the file path is patchpanel's own.
  operator("errorPages"),
  operator("errorPages.*.code"),
  operator("errorPages.*.contentType"),
  operator("errorPages.*.body"),
  operator("errorPages.*.upload"),
  // Which proxies a page applies to: routing-level, like the frontends and backends themselves.
  operator("errorPages.*.frontends"),
  operator("errorPages.*.backends"),
];
