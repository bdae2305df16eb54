/**
 * Renders a state exactly as the daemon would, plugins' render hooks
 * included, without a running daemon or HAProxy: for `patchpanel render`,
 * `patchpanel check` and golden tests. Plugins are set up against a
 * throwaway host (in-memory database, no sockets); their services never start.
 *
 * @module
 */
import { parseConfig } from "./config.ts";
import { EventBus } from "./events.ts";
import { createLogger } from "./log.ts";
import type { DataPaths } from "./paths.ts";
import type { Plugin } from "./plugin.ts";
import { Registry } from "./registry.ts";
import { composeStateSchema, type State } from "./state/schema.ts";
import { StateStore } from "./state/store.ts";
import { type Rendered, renderState } from "./render/render.ts";
import { ApplyPipeline } from "./apply/pipeline.ts";
import { openDatabase } from "./store/db.ts";
import { AuditLog } from "./store/audit.ts";
import { SnapshotStore } from "./store/snapshots.ts";
import { HaproxyClient } from "./haproxy/client.ts";
import { createHost } from "./host.ts";
import type { z } from "zod";

/** A schema and renderer equal to a daemon's with the same plugins. */
export interface OfflineRenderer {
  schema: z.ZodType<State>;
  render(state: State): Rendered;
  close(): void;
}

/** Sets the plugins up against a throwaway host and returns the composed schema and renderer. */
export async function offlineRenderer(
  plugins: Plugin[],
  paths: DataPaths,
  binary = "haproxy",
): Promise<OfflineRenderer> {
  const registry = new Registry(plugins);
  const config = parseConfig("", registry.configFragments);
  const log = createLogger("offline", true);
  const db = openDatabase(":memory:");
  const audit = new AuditLog(db);
  const schema = composeStateSchema(registry.stateFragments, registry.checks);
  const render = (state: State, p: DataPaths = paths) =>
    renderState(state, { paths: p }, registry.renderHooks);
  const store = new StateStore(paths.state);
  const events = new EventBus(() => {});
  const haproxy = new HaproxyClient({
    binary,
    masterSocket: paths.masterSocket,
    adminSocket: paths.adminSocket,
    cfgPath: paths.cfg,
  });
  const pipeline = new ApplyPipeline({
    schema: () => schema,
    render,
    haproxy,
    store,
    snapshots: new SnapshotStore(db),
    audit,
    events,
    paths,
    log,
  });
  const services = { registry, events, pipeline, store, haproxy, audit, db, paths, log, config };
  for (const plugin of plugins) await plugin.setup?.(createHost(plugin, services));
  registry.close();
  return { schema, render: (state) => render(state), close: () => db.close() };
}
