/**
 * The access-log plugin: HAProxy logs every request to a unix datagram
 * socket patchpanel owns (`<data>/accesslog/access.sock`), in the format
 * `state.accessLog` chooses; patchpanel parses each line into a bounded
 * in-memory store (`accessLog.maxEntries`, `accessLog.maxAgeMs` in
 * config.yaml) and serves it as `GET /api/logs`, a live SSE stream and a
 * console page. On by default; `state.accessLog.enabled` or config.yaml's
 * `accessLog.enabled` turns it off.
 *
 * @example
 * ```ts
 * import { accessLog } from "./plugins/accesslog/mod.ts";
 * startDaemon({ plugins: [accessLog()], config: { accessLog: { maxEntries: 10_000 } } });
 * ```
 *
 * @module
 */
import { definePlugin, type Plugin } from "../../core/plugin.ts";
import {
  ACCESS_LOG_DEFAULT,
  ACCESS_LOG_FIELD_ROLES,
  AccessLogConfig,
  AccessLogState,
} from "./schema.ts";
import { LogStore } from "./store.ts";
import { LogReceiver, prepareDir } from "./receiver.ts";
import { accessLogDir, accessLogRender, accessLogSocket } from "./render.ts";
import { registerLogRoutes } from "./routes.ts";
import { logsPage } from "./pages.ts";

/** Builds the access-log plugin. */
export function accessLog(): Plugin {
  return definePlugin({
    name: "accesslog",
    schema: { accessLog: AccessLogState.default(ACCESS_LOG_DEFAULT) },
    fieldRoles: ACCESS_LOG_FIELD_ROLES,
    config: { accessLog: AccessLogConfig.default(AccessLogConfig.parse({})) },
    async setup(host) {
      const config = AccessLogConfig.parse(host.config.accessLog ?? {});
      host.render(accessLogRender(config.enabled));
      const store = new LogStore(config.maxEntries, config.maxAgeMs);
      const receiver = new LogReceiver(
        accessLogSocket(host.paths),
        config.socketGroup,
        store,
        host.log,
      );
      const streams = new Set<() => void>();
      const deps = { store, receiver, config, streamDrops: { count: 0 }, streams };
      registerLogRoutes(host, deps);
      host.page(logsPage());
      if (!config.enabled) return;
      // The workers' chroot must exist before HAProxy starts (setup runs before it does).
      await prepareDir(accessLogDir(host.paths), config.socketGroup);
      host.service({
        name: "socket",
        start: () => receiver.start(),
        async stop() {
          for (const close of [...streams]) close();
          await receiver.stop();
        },
      });
    },
  });
}

export default accessLog;
