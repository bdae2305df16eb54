/**
 * Renders the core's part of the state (global, defaults, frontends,
 * backends, ACLs, the stats listener) into the config model. Plugins then
 * add their parts through their own render hooks.
 *
 * @module
 */
import type { State } from "../state/schema.ts";
import type {
  AclModel,
  BackendModel,
  FrontendModel,
  HaproxyModel,
  StatsSocketModel,
} from "../state/haproxy_schema.ts";
import { aclNamesIn } from "../state/condition.ts";
import {
  ConfigModel,
  d,
  type Directive,
  type Entity,
  type PrintedBody,
  type Section,
} from "./model.ts";
import type { DataPaths } from "../paths.ts";
import { renderOperatorFiles } from "./operator_files.ts";
import { renderResolvers, serverResolverArgs } from "./resolvers.ts";

/** What a render needs besides the state: where files live. */
export interface RenderContext {
  /** Where generated files and referenced directories live, for paths in the cfg. */
  paths: DataPaths;
  /**
   * The account HAProxy's workers drop to after binding (`user`/`group` in
   * global; see `core/privileges.ts`); absent or null: none rendered (goldens).
   */
  runAs?: { user: string; group: string } | null;
  /**
   * The uid to own the admin socket (`uid` on `stats socket`): a non-root patchpanel attached to
   * a root master (the systemd install) could not connect to a mode-600 socket owned by root.
   * Absent or null: the master's own account owns it.
   */
  adminSocketUid?: number | null;
}

/** The path of a file-backed ACL's pattern file. */
export function aclFilePath(paths: DataPaths, name: string): string {
  return `${paths.acls}/${name}.lst`;
}

/** Builds the model for the core's keys. */
export function renderCore(model: ConfigModel, state: State, ctx: RenderContext): void {
  const hp = state.haproxy;
  renderGlobal(model, hp, ctx);
  renderDefaults(model, hp);
  renderResolvers(model, hp);
  const acls = new Map(state.acls.map((a) => [a.name, a]));
  for (const fe of hp.frontends) renderFrontend(model, fe, acls, ctx);
  for (const be of hp.backends) renderBackend(model, be);
  if (hp.stats) renderStats(model, hp.stats);
  for (const acl of state.acls) {
    if (acl.file) {
      const content = acl.values.length ? acl.values.join("\n") + "\n" : "";
      model.file({ path: aclFilePath(ctx.paths, acl.name), content });
    }
  }
  renderOperatorFiles(model, state, ctx.paths);
}

function renderGlobal(model: ConfigModel, hp: HaproxyModel, ctx: RenderContext): void {
  const g = hp.global;
  const e: Entity = { kind: "global", id: "global" };
  const dirs: Directive[] = [
    d("stats", [
      "socket",
      ctx.paths.adminSocket,
      "mode",
      "600",
      ...(ctx.adminSocketUid != null ? ["uid", String(ctx.adminSocketUid)] : []),
      "level",
      "admin",
    ], {
      kind: "global",
      id: "admin-socket",
    }),
    d("server-state-file", [ctx.paths.serverStateFile], e),
  ];
  if (ctx.runAs) {
    dirs.push(d("user", [ctx.runAs.user], e), d("group", [ctx.runAs.group], e));
  }
  if (g.maxconn !== undefined) dirs.push(d("maxconn", [g.maxconn], e));
  if (g.nbthread !== undefined) dirs.push(d("nbthread", [g.nbthread], e));
  g.logs.forEach((log, i) => {
    const args: string[] = [log.target];
    if (log.format) args.push("format", log.format);
    args.push(log.facility);
    if (log.level) args.push(log.level);
    if (log.level && log.minLevel) args.push(log.minLevel);
    dirs.push(d("log", args, { kind: "log", id: String(i) }));
  });
  const t = g.tune;
  if (t.bufsize !== undefined) dirs.push(d("tune.bufsize", [t.bufsize], e));
  if (t.maxrewrite !== undefined) dirs.push(d("tune.maxrewrite", [t.maxrewrite], e));
  if (t.httpMaxhdr !== undefined) dirs.push(d("tune.http.maxhdr", [t.httpMaxhdr], e));
  if (t.sslDefaultDhParam !== undefined) {
    dirs.push(d("tune.ssl.default-dh-param", [t.sslDefaultDhParam], e));
  }
  if (t.maxaccept !== undefined) dirs.push(d("tune.maxaccept", [t.maxaccept], e));
  g.statsSockets.forEach((s, i) => {
    const entity = { kind: "statsSocket", id: String(i) };
    dirs.push(d("stats", ["socket", ...statsSocketArgs(s)], entity));
    const exposure = socketExposure(s);
    if (exposure) model.warn(entity, exposure);
  });
  if (g.statsTimeout !== undefined) dirs.push(d("stats", ["timeout", g.statsTimeout], e));
  for (const raw of g.rawDirectives) dirs.push(d(raw, [], e));
  model.add({ kind: "global", entity: e, directives: dirs });
}

/** The arguments of a `stats socket` line, as the Runtime API documentation writes them. */
export function statsSocketArgs(s: StatsSocketModel): string[] {
  const args: string[] = [];
  if (s.kind === "unix") {
    args.push(s.path);
    if (s.user) args.push("user", s.user);
    if (s.group) args.push("group", s.group);
    if (s.mode) args.push("mode", s.mode);
  } else {
    args.push(`${s.kind}@${s.host}:${s.port}`);
  }
  args.push("level", s.level);
  if (s.exposeFdListeners) args.push("expose-fd", "listeners");
  return args;
}

/**
 * Why a stats socket is dangerous, or null: an admin-level Runtime API bound
 * on every interface (`ipv4@*`, `0.0.0.0`, `::`) lets anyone who can reach
 * the port drain servers, read and clear tables, or shut sessions down. It
 * is accepted (a firewall may guard it) but the apply response says so.
 */
export function socketExposure(s: StatsSocketModel): string | null {
  if (s.kind === "unix" || s.level !== "admin") return null;
  if (s.host !== "*" && s.host !== "0.0.0.0" && s.host !== "::") return null;
  return `stats socket ${s.kind}@${s.host}:${s.port} exposes the admin-level Runtime API ` +
    `on every network interface: anyone who can reach port ${s.port} can change HAProxy at ` +
    `run time without credentials. Bind it to 127.0.0.1, lower its level, or block the port ` +
    `with a firewall.`;
}

function renderDefaults(model: ConfigModel, hp: HaproxyModel): void {
  const df = hp.defaults;
  const e: Entity = { kind: "defaults", id: "defaults" };
  const dirs: Directive[] = [d("mode", [df.mode], e)];
  if (df.log === "global") dirs.push(d("log", ["global"], e));
  for (const o of df.options) dirs.push(optionDirective(o, e));
  // Hitless reloads for keep-alive clients (see Defaults.idleCloseOnResponse); an explicit
  // `options` entry either way wins.
  const named = df.options.some((o) => o.replace(/^no /, "") === "idle-close-on-response");
  if (df.idleCloseOnResponse && !named) {
    dirs.push(d("option", ["idle-close-on-response"], e));
  }
  dirs.push(...timeoutDirectives(df.timeouts, e));
  if (df.maxconn !== undefined) dirs.push(d("maxconn", [df.maxconn], e));
  if (df.retries !== undefined) dirs.push(d("retries", [df.retries], e));
  dirs.push(d("load-server-state-from-file", ["global"], e));
  for (const raw of df.rawDirectives) dirs.push(d(raw, [], e));
  model.add({ kind: "defaults", entity: e, directives: dirs });
}

/** `option X`, or `no option X` for an option written `no X` (HAProxy's negation syntax). */
function optionDirective(option: string, e: Entity): Directive {
  return option.startsWith("no ")
    ? d("no", ["option", option.slice(3)], e)
    : d("option", [option], e);
}

/** `hdr` and `rdp-cookie` take their first argument in parentheses: `balance hdr(Host)`. */
function balanceArgs(balance: NonNullable<BackendModel["balance"]>): string[] {
  const [first, ...rest] = balance.args;
  if ((balance.algorithm === "hdr" || balance.algorithm === "rdp-cookie") && first !== undefined) {
    return [`${balance.algorithm}(${first})`, ...rest];
  }
  return [balance.algorithm, ...balance.args];
}

const TIMEOUT_NAMES: Record<string, string> = {
  connect: "connect",
  client: "client",
  server: "server",
  httpRequest: "http-request",
  httpKeepAlive: "http-keep-alive",
  queue: "queue",
  check: "check",
  tunnel: "tunnel",
  clientFin: "client-fin",
  serverFin: "server-fin",
};

function timeoutDirectives(t: Record<string, string | number | undefined>, e: Entity): Directive[] {
  return Object.entries(TIMEOUT_NAMES)
    .filter(([key]) => t[key] !== undefined)
    .map(([key, name]) => d("timeout", [name, String(t[key])], e));
}

function renderFrontend(
  model: ConfigModel,
  fe: FrontendModel,
  acls: Map<string, AclModel>,
  ctx: RenderContext,
): void {
  const e: Entity = { kind: "frontend", id: fe.id };
  const dirs: Directive[] = [];
  if (fe.mode) dirs.push(d("mode", [fe.mode], e));
  if (fe.maxconn !== undefined) dirs.push(d("maxconn", [fe.maxconn], e));
  fe.binds.forEach((b, i) => {
    dirs.push(d("bind", [b.address, ...b.options], { kind: "bind", id: `${fe.id}/${i}` }));
  });
  for (const o of fe.options) dirs.push(optionDirective(o, e));
  const conds = [
    ...fe.tcpRequest.map((r) => r.cond),
    ...fe.httpRequest.map((r) => r.cond),
    ...fe.useBackends.map((u) => u.cond),
  ];
  const used = new Set<string>();
  for (const c of conds) if (c) { for (const n of aclNamesIn(c)) used.add(n); }
  for (const acl of acls.values()) {
    if (used.has(acl.name)) dirs.push(aclDirective(acl, ctx));
  }
  fe.tcpRequest.forEach((r, i) => {
    const args = [r.on, r.action, ...(r.cond ? [r.cond] : [])];
    dirs.push(d("tcp-request", args, { kind: "tcpRequest", id: `${fe.id}/${i}` }));
  });
  fe.httpRequest.forEach((r, i) => {
    const args = [r.action, ...(r.cond ? [r.cond] : [])];
    dirs.push(d("http-request", args, { kind: "httpRequest", id: `${fe.id}/${i}` }));
  });
  fe.useBackends.forEach((u, i) => {
    const args = u.cond ? [u.backend, u.cond] : [u.backend];
    dirs.push(d("use_backend", args, { kind: "useBackend", id: `${fe.id}/${i}` }));
  });
  if (fe.defaultBackend) dirs.push(d("default_backend", [fe.defaultBackend], e));
  for (const raw of fe.rawDirectives) dirs.push(d(raw, [], e));
  model.add({ kind: "frontend", name: fe.id, entity: e, directives: dirs });
}

function aclDirective(acl: AclModel, ctx: RenderContext): Directive {
  const patterns = acl.file ? ["-f", aclFilePath(ctx.paths, acl.name)] : acl.values;
  return d("acl", [acl.name, acl.criterion, ...acl.flags, ...patterns], {
    kind: "acl",
    id: acl.name,
  });
}

/**
 * Backends already rendered, by validated backend. Only the backend memo
 * (state/backend_memo.ts) hands out frozen backends, frozen to the leaves,
 * and consecutive states share them: their lines cannot change, and the
 * section prints their remembered text unless a hook reads it (model.ts).
 */
const renderedBackends = new WeakMap<
  BackendModel,
  { header: Omit<Section, "directives">; body: PrintedBody }
>();

function renderBackend(model: ConfigModel, be: BackendModel): void {
  let known = renderedBackends.get(be);
  if (!known) {
    const e: Entity = { kind: "backend", id: be.id };
    const header = { kind: "backend" as const, name: be.id, entity: e };
    if (!Object.isFrozen(be)) {
      model.add({ ...header, directives: backendDirectives(be, e) });
      return;
    }
    // Pure in the frozen backend: its lines can be made again whenever they are needed. The
    // header is kept with them (addPrinted copies it into the section, which is the render's).
    known = { header, body: { lines: () => backendDirectives(be, e) } };
    renderedBackends.set(be, known);
  }
  model.addPrinted(known.header, known.body);
}

function backendDirectives(be: BackendModel, e: Entity): Directive[] {
  const dirs: Directive[] = [];
  if (be.mode) dirs.push(d("mode", [be.mode], e));
  if (be.balance) dirs.push(d("balance", balanceArgs(be.balance), e));
  const hc = be.healthCheck;
  if (hc?.type === "http") {
    dirs.push(d("option", ["httpchk"], e));
    const send = ["send", "meth", hc.method, "uri", hc.path];
    if (hc.host) send.push("hdr", "Host", hc.host);
    dirs.push(d("http-check", send, e));
    if (hc.expectStatus) dirs.push(d("http-check", ["expect", "status", hc.expectStatus], e));
  }
  const serverDefaults: string[] = [];
  if (hc?.interval !== undefined) serverDefaults.push("inter", String(hc.interval));
  if (hc?.rise !== undefined) serverDefaults.push("rise", String(hc.rise));
  if (hc?.fall !== undefined) serverDefaults.push("fall", String(hc.fall));
  if (serverDefaults.length) dirs.push(d("default-server", serverDefaults, e));
  if (be.stickTable) {
    const st = be.stickTable;
    const args = ["type", st.type];
    if (st.len !== undefined) args.push("len", String(st.len));
    args.push("size", String(st.size));
    if (st.expire !== undefined) args.push("expire", String(st.expire));
    if (st.store.length) args.push("store", st.store.join(","));
    dirs.push(d("stick-table", args, { kind: "stickTable", id: be.id }));
  }
  if (be.stickOn) dirs.push(d("stick", ["on", be.stickOn], { kind: "stickTable", id: be.id }));
  if (be.cookie) dirs.push(d("cookie", cookieArgs(be.cookie), { kind: "cookie", id: be.id }));
  for (const o of be.options) dirs.push(optionDirective(o, e));
  for (const s of be.servers) {
    const args = [s.name, s.address, "weight", String(s.weight)];
    if (s.check) args.push("check");
    if (s.backup) args.push("backup");
    if (s.maxconn !== undefined) args.push("maxconn", String(s.maxconn));
    if (be.cookie) args.push("cookie", s.name);
    if (s.ssl) args.push("ssl", "verify", "none");
    if (s.disabled) args.push("disabled");
    if (s.resolvers ?? s.initAddr ?? s.resolvePrefer) args.push(...serverResolverArgs(s));
    dirs.push(d("server", args, { kind: "server", id: `${be.id}/${s.name}` }));
  }
  for (const raw of be.rawDirectives) dirs.push(d(raw, [], e));
  return dirs;
}

/** `cookie <name> <mode> [indirect] [nocache] [httponly] [secure]`'s arguments. */
function cookieArgs(c: NonNullable<BackendModel["cookie"]>): string[] {
  const args = [c.name, c.mode];
  if (c.indirect) args.push("indirect");
  if (c.nocache) args.push("nocache");
  if (c.httponly) args.push("httponly");
  if (c.secure) args.push("secure");
  return args;
}

function renderStats(model: ConfigModel, st: NonNullable<HaproxyModel["stats"]>): void {
  const e: Entity = { kind: "stats", id: "stats" };
  const dirs: Directive[] = [
    d("bind", [st.bind], e),
    d("mode", ["http"], e),
    d("stats", ["enable"], e),
    d("stats", ["uri", st.uri], e),
  ];
  if (st.refresh !== undefined) dirs.push(d("stats", ["refresh", String(st.refresh)], e));
  if (st.admin) dirs.push(d("stats", ["admin", "if", "TRUE"], e));
  if (st.prometheus) {
    dirs.push(
      d("http-request", ["use-service", "prometheus-exporter", "if", "{ path /metrics }"], e),
    );
  }
  model.add({ kind: "listen", name: "stats", entity: e, directives: dirs });
}
