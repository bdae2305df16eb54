/**
 * Starts and stops one patchpanel: config, data directory, database, state,
 * HAProxy (embedded or attached), the apply pipeline, plugins, the HTTPS
 * server and background services — in that order, and back down on stop.
 *
 * @module
 */
import { resolve } from "node:path";
import { type Config, parseConfig } from "./config.ts";
import { StartupError } from "./errors.ts";
import { EventBus } from "./events.ts";
import { createLogger, type Logger } from "./log.ts";
import { type DataPaths, dataPaths } from "./paths.ts";
import type { Plugin } from "./plugin.ts";
import { Registry } from "./registry.ts";
import type { StateStore } from "./state/store.ts";
import type { ApplyPipeline } from "./apply/pipeline.ts";
import { openDatabase } from "./store/db.ts";
import type { AuditLog } from "./store/audit.ts";
import type { SnapshotStore } from "./store/snapshots.ts";
import { HaproxyClient } from "./haproxy/client.ts";
import { EmbeddedHaproxy } from "./haproxy/process.ts";
import { loadInitialState, startHaproxy } from "./startup.ts";
import { setupPlugins, wireCore } from "./wiring.ts";
import { corePlugin } from "./routes/core_plugin.ts";
import { Auth } from "./auth/service.ts";
import { authPlugin } from "./auth/plugin.ts";
import { authGuards } from "./auth/guards.ts";
import type { CoreDeps } from "./routes/deps.ts";
import { Router } from "./http/router.ts";
import { createHandler, type Guard } from "./http/server.ts";
import { serveApi } from "./http/serve.ts";
import { hostGuard, hostPolicy } from "./http/hosts.ts";
import { json } from "./http/respond.ts";
import { loadOrCreateKeyPair } from "./https.ts";
import { PluginError } from "./plugin_error.ts";
import { ServiceSupervisor } from "./services.ts";
import { openapiPlugin, type OpenApiSource } from "./openapi.ts";
import { removeStaleTemps } from "./fsutil.ts";
import { VERSION } from "./version.ts";
import { assertAccountExists, dataDirExposure, haproxyRunAs } from "./privileges.ts";
import { MemoryRelease } from "./memory_release.ts";
import type { DatabaseSync } from "node:sqlite";

/**
 * A piece the composition root adds around the core (the web console is
 * one): a plugin registered right after the core's own, and an optional
 * `mount` that runs once every plugin is set up, before the router is built,
 * with the registry and the daemon's own request handler (for in-process API
 * calls). The core knows no part by name, so a headless daemon has none.
 */
export interface DaemonPart {
  /** Its registrations: pages, routes, listeners. */
  plugin: Plugin;
  /** Turns registrations into routes (the console mounts every plugin's pages). */
  mount?(
    registry: Registry,
    dispatch: (req: Request, info: Deno.ServeHandlerInfo) => Promise<Response>,
  ): void;
}

/** How to start a daemon. */
export interface DaemonOptions {
  /** Raw config (as from config.yaml), validated here with the plugins' fragments. */
  config?: Record<string, unknown>;
  /** Or the YAML text of config.yaml. */
  configText?: string;
  /** Plugins beyond the core's own (usually `defaultPlugins()` plus a build's own). */
  plugins?: Plugin[];
  /** Parts from the composition root (`app/`: the console); none makes a headless daemon. */
  parts?: DaemonPart[];
  /** Seed the starter configuration when the data directory has no state. */
  seed?: boolean;
  /** Replaces the request guards (tests only); the default is real authentication. */
  guards?: Guard[];
  /** Lowers the request body limit (tests only, to reach a 413 with a small body). */
  maxBodyBytes?: number;
  /** false leaves Nagle on for the API's sockets (benchmarks only, to show the stall it causes). */
  tcpNoDelay?: boolean;
  /**
   * false starts no TCP listener for the API (`url` is "" and `port` 0); requests
   * reach it through {@link Daemon.fetch} only. For plugin tests (`testing.ts`).
   */
  listen?: boolean;
}

/** A running daemon. */
export interface Daemon {
  /** The parsed, defaulted config the daemon started with. */
  config: Config;
  /** Where everything lives in the data directory. */
  paths: DataPaths;
  /** The API's base URL (`https://host:port`, or `http://` without TLS), for clients and tests. */
  url: string;
  /** The port the API server actually bound (useful when the config asked for 0). */
  port: number;
  /** Every plugin registration: routes, pages, render hooks, schema fragments. */
  registry: Registry;
  /** The only way to change the running configuration. */
  pipeline: ApplyPipeline;
  /** The confirmed state on disk (`state.json`). */
  store: StateStore;
  /** The HAProxy this daemon drives: binary, master CLI and admin socket. */
  haproxy: HaproxyClient;
  /** The HAProxy this daemon supervises; null when attached to a systemd-run one. */
  embedded: EmbeddedHaproxy | null;
  /** The audit log, shared with every plugin. */
  audit: AuditLog;
  /** State snapshots, one per apply, for restore. */
  snapshots: SnapshotStore;
  /** The daemon's SQLite database, which the stores and plugins migrate into. */
  db: DatabaseSync;
  /** Users, sessions, API tokens and rate limiters. */
  auth: Auth;
  /** The daemon's logger; plugins get children of it. */
  log: Logger;
  /**
   * Answers a request in memory, through the same guards, routes and error
   * envelopes as the listener (no socket: the caller is `127.0.0.1`). Works
   * with `listen: false`; for tests and embedders.
   */
  fetch(req: Request): Promise<Response>;
  /**
   * Stops services and the server. An embedded HAProxy keeps serving (the
   * next start on this data directory attaches to it) unless `haproxy: true`
   * asks to stop it as well (`patchpanel stop`, tests).
   */
  stop(opts?: DaemonStopOptions): Promise<void>;
}

/** What {@link Daemon.stop} stops besides the daemon itself. */
export interface DaemonStopOptions {
  /** Stop the embedded HAProxy too (default false: it keeps serving across a restart). */
  haproxy?: boolean;
}

/** Starts a daemon; throws a {@link StartupError} on bad config or a failed start. */
export async function startDaemon(opts: DaemonOptions = {}): Promise<Daemon> {
  const plugins = opts.plugins ?? [];
  let deps: CoreDeps | null = null;
  let auth: Auth | null = null;
  const registry: Registry = new Registry([
    corePlugin(() => deps!),
    authPlugin(() => auth!),
    ...(opts.parts ?? []).map((part) => part.plugin),
    openapiPlugin((): OpenApiSource => ({
      routes: registry.routes,
      state: core.schema,
      version: VERSION,
    })),
    ...plugins,
  ], { trusted: ["core"] });
  const config = opts.configText !== undefined
    ? parseConfig(opts.configText, registry.configFragments)
    : parseConfig(JSON.stringify(opts.config ?? {}), registry.configFragments, "config");
  const log = createLogger("patchpanel", config.logging.quiet);
  const runAs = haproxyRunAs(config);
  if (runAs) await assertAccountExists(runAs);
  const dataDir = resolve(config.dataDir);
  await Deno.mkdir(dataDir, { recursive: true, mode: 0o700 });
  const exposure = runAs ? await dataDirExposure(dataDir, runAs.group) : null;
  if (exposure) log.warn(exposure);
  const paths = dataPaths(dataDir, {
    ...(config.haproxy.mode === "attach" ? { cfg: config.haproxy.cfgPath } : {}),
    pluginDirs: registry.dataDirs,
  });
  const db = openDatabase(paths.database);
  auth = new Auth(db, config);
  if (config.auth.bcryptCost < 10 && !config.logging.quiet) {
    log.warn(`auth.bcryptCost is ${config.auth.bcryptCost}; below 10 is for tests only`);
  }
  // A listener's failure never breaks the emitter; it is logged and audited naming its plugin.
  const events = new EventBus((event, error, owner) => {
    if (owner) registry.fail({ plugin: owner, kind: "listener", detail: `for ${event}` }, error);
    else log.error(`listener for ${event} failed`, { error: String(error) });
  });

  // HAProxy: embedded (we start and supervise it) or attached (systemd runs it).
  let embedded: EmbeddedHaproxy | null = null;
  if (config.haproxy.mode === "embedded") {
    embedded = new EmbeddedHaproxy({
      binary: config.haproxy.binary,
      cfgPath: paths.cfg,
      masterSocket: paths.masterSocket,
      pidFile: paths.haproxyPid,
      logFile: paths.haproxyLog,
      // A master that stays silent as long as a reload may take is wedged: restart it.
      unresponsiveMs: config.haproxy.reloadTimeoutMs,
      // Fires only once HAProxy runs, long after `core` below is built.
      onEvent: (e) => {
        core.audit.record({
          actor: "system",
          category: "haproxy",
          action: `process:${e.kind}`,
          target: null,
          details: { detail: e.detail },
          outcome: e.kind === "restarted" ? "success" : "failure",
        });
        void events.emit("haproxy:process", { kind: e.kind, detail: e.detail });
      },
    });
  }
  const haproxy = new HaproxyClient({
    binary: config.haproxy.binary,
    masterSocket: config.haproxy.mode === "attach"
      ? config.haproxy.masterSocket
      : paths.masterSocket,
    adminSocket: paths.adminSocket,
    cfgPath: paths.cfg,
    embedded: embedded ?? undefined,
    reloadTimeoutMs: config.haproxy.reloadTimeoutMs,
    checkTimeoutMs: config.haproxy.checkTimeoutMs,
  });
  const core = wireCore({ registry, config, paths, db, log, events, haproxy });
  const { audit, snapshots, store, pipeline, render, schema, validating } = core;
  registry.reportFailures((failure) => {
    log.error(failure.message, { ...failure.site });
    audit.record({
      actor: "system",
      category: "plugin",
      action: `${failure.site.kind.replace(" ", "-")}:failed`,
      target: failure.plugin,
      details: { ...failure.site, error: failure.message },
      outcome: "failure",
    });
  });
  // A daemon killed mid-apply may have left staged files beside these (the snapshot
  // store drops its pending rows likewise).
  await removeStaleTemps([paths.state, paths.cfg, paths.serverStateFile]);
  // Through the apply path's schema, so the first apply after a start finds its backends known.
  await loadInitialState(store, validating, opts.seed ?? false, log);
  // The first state (seed or empty) is never applied, so no apply snapshots it: without
  // this, nothing could restore it.
  const first = store.current();
  if (first && snapshots.list(1).length === 0) {
    snapshots.write(first, { actor: "system", reason: "initial" });
  }

  // Plugins register (their setup may read state), then HAProxy starts from the state's render.
  deps = {
    pipeline,
    store,
    snapshots,
    render,
    schema: () => schema,
    version: VERSION,
    limits: config.limits,
    secrets: core.secrets,
    control: {
      embedded,
      masterSocket: config.haproxy.mode === "attach"
        ? config.haproxy.masterSocket
        : paths.masterSocket,
      systemdUnit: config.haproxy.mode === "attach" ? config.haproxy.systemdUnit : "",
    },
    routes: () =>
      registry.routes.map((r) => ({
        method: r.method,
        path: r.path,
        role: r.options.role,
        tier: r.options.tier,
        plugin: r.plugin,
      })),
  };
  try {
    await setupPlugins(core);
  } catch (error) {
    db.close(); // a refused registration (a route clash, a bad page) must not leak the database
    throw error;
  }

  // Parts mount here (the console's pages become routes behind the same guards; their API
  // calls go through `handler`).
  for (const part of opts.parts ?? []) {
    part.mount?.(registry, (req, info) => Promise.resolve(handler(req, info)));
  }
  const router = new Router();
  for (const route of registry.routes) router.add(route);
  registry.close();
  const [hostname, portText] = splitHostPort(config.listen);
  const hosts = hostPolicy(hostname, config.allowedHosts);
  const guards = [...(hosts ? [hostGuard(hosts)] : []), ...(opts.guards ?? authGuards(auth))];
  const maxBodyBytes = opts.maxBodyBytes ?? config.limits.bodyBytes;
  const handler = createHandler(router, () => guards, log, { maxBodyBytes });
  const tls = config.https.enabled ? await loadOrCreateKeyPair(paths.tls, config.https) : null;
  // Bind first: a busy port must fail before HAProxy is started, not leave it orphaned.
  // Until HAProxy runs what state.json says, every request is a 503: /health must not
  // report a stale HAProxy left by a crashed run, and no apply may race start-up.
  let boundPort = 0;
  let ready = false;
  const server = opts.listen === false ? null : serveApi(
    {
      hostname,
      port: Number(portText),
      tls,
      maxBodyBytes,
      noDelay: opts.tcpNoDelay,
      log,
      onListen: (addr) => {
        boundPort = addr.port;
      },
    },
    (req, info) =>
      ready
        ? handler(req, info)
        : Promise.resolve(json({ error: "patchpanel is starting" }, 503, { "retry-after": "1" })),
  );
  try {
    await startHaproxy({ store, pipeline, embedded, haproxy, log, audit, paths });
    ready = true;
  } catch (error) {
    await server?.shutdown();
    db.close();
    // A render hook that throws at start-up: refuse to start, naming the plugin.
    if (error instanceof PluginError) {
      throw new StartupError("PLUGIN_START_FAILED", error.message);
    }
    throw error;
  }
  const scheme = tls ? "https" : "http";
  const host = hostname.includes(":") ? `[${hostname}]` : hostname;
  const url = server ? `${scheme}://${host}:${boundPort}` : "";
  if (server) log.info(`listening on ${url}`, { dataDir });
  else log.info("serving in memory only (no API listener)", { dataDir });
  // For `patchpanel stop`; a stale one (a crashed daemon) is simply overwritten.
  await Deno.writeTextFile(paths.daemonPid, `${Deno.pid}\n`, { mode: 0o600 });

  audit.vacuum(config.logging.auditRetentionDays);
  const vacuum = setInterval(() => audit.vacuum(config.logging.auditRetentionDays), 86_400_000);
  const services = new ServiceSupervisor(registry.services, {
    onCrash: (crash) => {
      log.error(`service ${crash.plugin}/${crash.service} crashed`, {
        plugin: crash.plugin,
        error: String((crash.error as Error)?.message ?? crash.error),
        attempt: crash.attempt,
        restartInMs: crash.restartInMs,
      });
      audit.record({
        actor: "system",
        category: "plugin",
        action: "service:crashed",
        target: `${crash.plugin}/${crash.service}`,
        details: {
          plugin: crash.plugin,
          service: crash.service,
          error: String((crash.error as Error)?.message ?? crash.error),
          attempt: crash.attempt,
          restartInMs: crash.restartInMs,
        },
        outcome: "failure",
      });
    },
    onRestart: (entry, attempt) => {
      audit.record({
        actor: "system",
        category: "plugin",
        action: "service:restarted",
        target: `${entry.plugin}/${entry.service.name}`,
        details: { plugin: entry.plugin, service: entry.service.name, attempt },
        outcome: "success",
      });
    },
  });
  await services.startAll();
  // Once the daemon is quiet after an apply, and every few seconds, what it freed goes back
  // to the OS.
  const release = new MemoryRelease();
  release.start();
  events.on("apply:succeeded", () => release.schedule());
  events.on("apply:failed", () => release.schedule());

  let stopped = false;
  return {
    config,
    paths,
    url,
    port: boundPort,
    registry,
    pipeline,
    store,
    haproxy,
    embedded,
    audit,
    snapshots,
    db,
    auth,
    log,
    fetch: (req) => Promise.resolve(handler(req, IN_MEMORY)),
    async stop(stopOpts: DaemonStopOptions = {}) {
      if (stopped) return;
      stopped = true;
      clearInterval(vacuum);
      release.stop();
      await services.stopAll();
      await server?.shutdown();
      // The load balancer outlives the daemon unless asked: a restart must not take it down.
      if (stopOpts.haproxy) await embedded?.stop();
      else await embedded?.detach();
      const pidText = await Deno.readTextFile(paths.daemonPid).catch(() => "");
      if (pidText.trim() === String(Deno.pid)) await Deno.remove(paths.daemonPid).catch(() => {});
      db.close();
    },
  };
}

/** The caller {@link Daemon.fetch} reports to guards and handlers: loopback, no socket. */
const IN_MEMORY: Deno.ServeHandlerInfo = {
  remoteAddr: { transport: "tcp", hostname: "127.0.0.1", port: 0 },
  completed: Promise.resolve(),
};

function splitHostPort(listen: string): [string, string] {
  const i = listen.lastIndexOf(":");
  return [listen.slice(0, i).replace(/^\[|\]$/g, ""), listen.slice(i + 1)];
}
