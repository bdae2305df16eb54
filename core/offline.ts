/**
 * Renders a state exactly as the daemon would, plugins' render hooks
 * included, without a running daemon or HAProxy: for `patchpanel render`,
 * `patchpanel check` and golden tests. Plugins are set up against a
 * throwaway host (in-memory database, no sockets); their services never start.
 *
 * @module
 */
import type { z } from "zod";
import { parseConfig } from "./config.ts";
import { EventBus } from "./events.ts";
import { createLogger } from "./log.ts";
import type { DataPaths } from "./paths.ts";
import type { Plugin } from "./plugin.ts";
import { Registry } from "./registry.ts";
import type { State } from "./state/schema.ts";
import type { Rendered } from "./render/render.ts";
import { openDatabase } from "./store/db.ts";
import { HaproxyClient } from "./haproxy/client.ts";
import { setupPlugins, wireCore } from "./wiring.ts";

/** A schema and renderer equal to a daemon's with the same plugins. */
export interface OfflineRenderer {
  schema: z.ZodType<State>;
  render(state: State): Rendered;
  close(): void;
}

/**
 * Sets the plugins up against a throwaway host and returns the composed
 * schema and renderer. `configText` is a config.yaml's text: its settings
 * that validation depends on (`security.allowRawDirectives`) apply offline too.
 */
export async function offlineRenderer(
  plugins: Plugin[],
  layout: DataPaths,
  binary = "haproxy",
  configText = "",
): Promise<OfflineRenderer> {
  const registry = new Registry(plugins);
  const paths: DataPaths = { ...layout, pluginDirs: registry.dataDirs };
  const db = openDatabase(":memory:");
  const core = wireCore({
    registry,
    config: parseConfig(configText, registry.configFragments),
    paths,
    db,
    log: createLogger("offline", true),
    events: new EventBus(() => {}),
    haproxy: new HaproxyClient({
      binary,
      masterSocket: paths.masterSocket,
      adminSocket: paths.adminSocket,
      cfgPath: paths.cfg,
    }),
  });
  await setupPlugins(core);
  registry.close();
  return { schema: core.schema, render: core.render, close: () => db.close() };
}
