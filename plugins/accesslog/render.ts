/**
 * Renders the access log: a `log` line to patchpanel's socket and the
 * chosen format in every frontend (a proxy's own `log` lines add to the
 * `log global` it inherits, so operators' targets keep working).
 *
 * HAProxy's workers send each line themselves, after dropping to their own
 * account (`privileges.*`), and the data directory is closed to that
 * account (mode 700). So when they drop, they are also chrooted to the
 * socket's directory (`<data>/accesslog`, mode 710 with the workers' group),
 * where the socket is `/access.sock`, mode 620: the workers' group may write
 * it, nothing else but root may, and the workers see nothing else of the host.
 *
 * @module
 */
import type { RenderHook } from "../../core/plugin.ts";
import type { DataPaths } from "../../core/paths.ts";
import { d } from "../../core/render/model.ts";

/** The socket's directory (the workers' chroot when they drop privileges). */
export function accessLogDir(paths: DataPaths): string {
  return `${paths.dataDir}/accesslog`;
}

/** The socket's path on the host. */
export function accessLogSocket(paths: DataPaths): string {
  return `${accessLogDir(paths)}/access.sock`;
}

/** The render hook; `enabled` is config.yaml's switch. */
export function accessLogRender(enabled: boolean): RenderHook {
  return (model, state, ctx) => {
    const conf = state.accessLog;
    if (!enabled || !conf?.enabled) return;
    const chrooted = !!ctx.runAs;
    const target = chrooted ? "/access.sock" : accessLogSocket(ctx.paths);
    const entity = { kind: "accessLog", id: "accessLog" };
    if (chrooted) {
      model.section("global")?.directives.push(d("chroot", [accessLogDir(ctx.paths)], entity));
      state.haproxy.global.logs.forEach((log, i) => {
        if (log.target.startsWith("/")) {
          model.warn(
            { kind: "log", id: String(i) },
            `log target ${log.target}: HAProxy's ` +
              `workers are chrooted to ${accessLogDir(ctx.paths)} for the access log, so a unix ` +
              `socket path resolves inside it; use a UDP target or set accessLog.enabled false`,
          );
        }
      });
    }
    const defaultMode = state.haproxy.defaults.mode;
    for (const fe of state.haproxy.frontends) {
      const section = model.section("frontend", fe.id);
      if (!section) continue;
      const e = { kind: "frontend", id: fe.id };
      section.directives.push(d("log", [target, "format", "raw", "local0", "info"], entity));
      const mode = fe.mode ?? defaultMode;
      if (conf.format === "custom") {
        section.directives.push(d("log-format", [`"${conf.logFormat}"`], entity));
      } else {
        const format = conf.format === "auto"
          ? (mode === "http" ? "httplog" : "tcplog")
          : conf.format;
        section.directives.push(d("option", [format], e));
      }
    }
  };
}
