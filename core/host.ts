/**
 * Builds the {@link PluginHost} each plugin's `setup` receives: a thin
 * facade that records registrations in the {@link Registry} and lends the
 * shared services. It wires; it does not render, validate or persist.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import type { Plugin, PluginHost } from "./plugin.ts";
import type { Registry } from "./registry.ts";
import type { EventBus } from "./events.ts";
import type { ApplyPipeline } from "./apply/pipeline.ts";
import type { StateStore } from "./state/store.ts";
import type { HaproxyClient, ReloadResult } from "./haproxy/client.ts";
import type { AuditLog } from "./store/audit.ts";
import { mustMigrate } from "./store/db.ts";
import type { DataPaths } from "./paths.ts";
import type { Logger } from "./log.ts";
import type { Config } from "./config.ts";
import { HttpError } from "./errors.ts";
import { EventRefusedError } from "./event_names.ts";

/** The shared services a host lends. */
export interface HostServices {
  registry: Registry;
  events: EventBus;
  pipeline: ApplyPipeline;
  store: StateStore;
  haproxy: HaproxyClient;
  audit: AuditLog;
  db: DatabaseSync;
  paths: DataPaths;
  log: Logger;
  config: Config;
}

/** The host for one plugin. */
export function createHost(plugin: Plugin, s: HostServices): PluginHost {
  const name = plugin.name;
  const config: Record<string, unknown> = {};
  for (const [key, owner] of Object.entries(s.registry.configOwners)) {
    if (owner === name) config[key] = s.config[key];
  }
  return {
    name,
    route: (method, path, options, handler) =>
      s.registry.route(name, method, path, options, handler),
    render: (hook) => s.registry.render(name, hook),
    page: (definition) => s.registry.page(name, definition),
    on: (event, listener, options) => {
      if (options?.optional && !s.registry.events.known(event)) return;
      s.registry.events.checkListen(name, event);
      s.events.on(event, listener, name);
    },
    emit: (event, payload) => {
      const problem = s.registry.events.emitProblem(name, event);
      if (problem) return Promise.reject(new EventRefusedError(name, event, problem));
      return s.events.emit(event, payload);
    },
    service: (service) => s.registry.service(name, service),
    provide: (key, impl) => s.registry.provide(name, key, impl),
    use: (key) => s.registry.providers.use(key),
    files: (source) => s.registry.files(name, source),
    stateFiles: s.registry.stateFiles,
    state: () => {
      const state = s.store.current();
      if (!state) throw new HttpError("NotInitialized", "state not initialized");
      return state;
    },
    // Under the gates: a pending commit-confirmed window refuses a plugin's apply (409).
    apply: (next, options) => s.pipeline.applyGated(next, options),
    exclusive: (fn) => s.pipeline.exclusiveApply(fn),
    adoptRuntime: (change, run, options) => s.pipeline.adoptRuntime(change, run, options),
    haproxy: lockedReload(s.haproxy, () => s.pipeline.reload()),
    audit: s.audit,
    db: s.db,
    migrate: (steps) => mustMigrate(s.db, name, steps),
    config,
    paths: s.paths,
    log: s.log.child(name),
  };
}

/**
 * The HAProxy client as plugins get it: the same client, except that
 * `reload()` goes through the apply lock (`ApplyPipeline.reload`), so no
 * plugin can reload in the middle of an apply.
 */
function lockedReload(client: HaproxyClient, reload: () => Promise<ReloadResult>): HaproxyClient {
  return new Proxy(client, {
    get(target, key) {
      if (key === "reload") return reload;
      const value = Reflect.get(target, key, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
