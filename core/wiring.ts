/**
 * Builds the services a plugin host lends (audit, snapshots, state store,
 * composed schema, renderer, apply pipeline) the same way for a running
 * daemon and for an offline render (`patchpanel render`/`check`, goldens),
 * so the two can never drift apart.
 *
 * @module
 */
import { missingOwners } from "./state/extension_owners.ts";
import { entitySchemas } from "./state/entity_fields.ts";
import type { DatabaseSync } from "node:sqlite";
import type { z } from "zod";
import type { Config } from "./config.ts";
import type { EventBus } from "./events.ts";
import type { Logger } from "./log.ts";
import type { DataPaths } from "./paths.ts";
import type { Registry } from "./registry.ts";
import { composeStateSchema, type State, type StateCheck } from "./state/schema.ts";
import { BackendMemo } from "./state/backend_memo.ts";
import { collisionCheck } from "./state/collisions.ts";
import { StateStore } from "./state/store.ts";
import { stateJsonParts } from "./state/state_json.ts";
import { type Rendered, renderState } from "./render/render.ts";
import { ApplyPipeline } from "./apply/pipeline.ts";
import { AuditLog } from "./store/audit.ts";
import { SnapshotStore } from "./store/snapshots.ts";
import type { HaproxyClient } from "./haproxy/client.ts";
import { createHost, type HostServices } from "./host.ts";
import { haproxyRunAs } from "./privileges.ts";
import { StateGuard } from "./security/state_guard.ts";
import { confineCheck } from "./state/confine_check.ts";
import { SecretRedactor } from "./state/redact.ts";
import { StartupError } from "./errors.ts";

/** What the wiring needs from its caller. */
export interface WiringInput {
  registry: Registry;
  config: Config;
  paths: DataPaths;
  db: DatabaseSync;
  log: Logger;
  events: EventBus;
  haproxy: HaproxyClient;
}

/** The host services plus what the core's own routes use. */
export interface CoreServices extends HostServices {
  snapshots: SnapshotStore;
  /** The composed state schema, plain Zod: what `/api/state/schema` exports. */
  schema: z.ZodType<State>;
  /** The same verdicts and output, remembering validated backends between calls (applies). */
  validating: z.ZodType<State>;
  render: (state: State) => Rendered;
  /** Hides the plugins' secret fields from answers and keeps them across a PUT of the marker. */
  secrets: SecretRedactor;
}

/** Builds the services from the registry's schema fragments, checks and render hooks. */
export function wireCore(input: WiringInput): CoreServices {
  const { registry, paths, db, log, events, haproxy } = input;
  // Before any state is validated: plugins whose checks read their own files load them here.
  for (const p of registry.plugins) {
    p.prepare?.({
      paths,
      provide: (key, impl) => registry.provide(p.name, key, impl),
      use: (key) => registry.providers.use(key),
    });
  }
  const audit = new AuditLog(db);
  const snapshots = new SnapshotStore(db);
  // A state may not bind over patchpanel's own sockets and files, or listen twice on one port;
  // its actions, conditions, paths and raw directives are confined to what the host allows.
  const hc = input.config.haproxy;
  const own = collisionCheck({
    paths,
    cwd: Deno.cwd(),
    listen: input.config.listen,
    masterSocket: hc.mode === "attach" ? hc.masterSocket : undefined,
  });
  // Binds and servers with the loaded plugins' fields; a built-in plugin's field without its
  // plugin is refused naming the plugin (a bind's `tls` would otherwise be silently plain HTTP).
  const entities = entitySchemas(
    registry.entityFields,
    missingOwners(new Set(registry.plugins.map((p) => p.name))),
  );
  const checks = [
    ...registry.checks,
    firstIssuePerPath([own, hostChecks(input.config, paths, registry)]),
  ];
  const schema = composeStateSchema(registry.stateFragments, checks, undefined, entities);
  const memo = new BackendMemo(entities.backend);
  const validating = composeStateSchema(registry.stateFragments, checks, memo, entities);
  const runAs = haproxyRunAs(input.config);
  // Attached to a master systemd runs as root, a non-root daemon must own its admin socket.
  const adminSocketUid = hc.mode === "attach" && Deno.uid() !== 0 ? Deno.uid() : null;
  const render = (state: State) =>
    renderState(state, { paths, runAs, adminSocketUid }, registry.renderHooks);
  const store = new StateStore(
    paths.state,
    (state) => stateJsonParts(state, (b) => memo.jsonOf(b)),
  );
  // Authorization only needs a document's defaults filled in, not the host's verdict on it: an
  // operator's change to an admin field is a 403 whether or not the host would also refuse it.
  const shape = composeStateSchema(registry.stateFragments, [], undefined, entities);
  const guard = new StateGuard(registry.compiledFieldRoles(), (input) => {
    const parsed = shape.safeParse(input);
    return parsed.success ? parsed.data : undefined;
  }, audit);
  const secrets = new SecretRedactor(registry.plugins.flatMap((p) => p.secrets ?? []));
  const pipeline = new ApplyPipeline({
    schema: () => validating,
    render,
    haproxy,
    store,
    snapshots,
    audit,
    events,
    paths,
    log,
    lockWaitMs: input.config.apply.lockWaitMs,
    proveChecks: input.config.apply.proveChecks,
    guard,
    secrets,
    limits: input.config.limits,
    files: registry.stateFiles,
  });
  return { ...input, audit, snapshots, schema, validating, render, store, pipeline, secrets };
}

/**
 * The checks that need the host: raw directives only with config.yaml's
 * opt-in, actions parsed, every path inside the data directory (and away
 * from patchpanel's own HTTPS key pair). `lua.*` names come from the
 * `lua-names` provider (the lua plugin), asked per validated state; without
 * one, every `lua.*` is refused.
 */
function hostChecks(config: Config, paths: DataPaths, registry: Registry) {
  return confineCheck({
    paths,
    allowRawDirectives: config.security.allowRawDirectives,
    reserved: [config.https.keyFile, config.https.certFile].filter((p): p is string => !!p),
    luaNames: (state) => registry.providers.use("lua-names")?.namesFor(state) ?? new Set(),
  });
}

/**
 * Runs every plugin's setup against its own host, in registration order
 * (dependencies first). A setup that throws stops start-up with a coded
 * error naming the plugin: a daemon never serves with a half-set-up plugin.
 */
export async function setupPlugins(services: HostServices): Promise<void> {
  for (const plugin of services.registry.plugins) {
    try {
      await plugin.setup?.(createHost(plugin, services));
    } catch (error) {
      if (error instanceof StartupError) throw error;
      throw new StartupError(
        "PLUGIN_SETUP_FAILED",
        `plugin '${plugin.name}' setup failed: ${(error as Error)?.message ?? String(error)}`,
      );
    }
  }
}

/**
 * Runs `checks` in order and keeps the first issue at each path: own-place collisions and path
 * confinement both guard a socket's path, and one wrong path deserves one message, not two.
 */
function firstIssuePerPath(checks: StateCheck[]): StateCheck {
  return (state) => {
    const seen = new Set<string>();
    return checks.flatMap((check) => check(state)).filter((issue) => {
      const key = JSON.stringify(issue.path);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  };
}
