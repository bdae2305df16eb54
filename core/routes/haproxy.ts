/**
 * HAProxy-facing core routes: the cfg (live on disk, or rendered from the
 * state), a manual reload, and the health probe (`ok`, `degraded` when
 * patchpanel's admin socket does not answer at level admin, or `down`).
 *
 * @module
 */
import { badRequest, HttpError } from "../errors.ts";
import { readTextOrNull } from "../fsutil.ts";
import { backupInProgress } from "../backup.ts";
import type { PluginHost } from "../plugin.ts";
import type { CoreDeps } from "./deps.ts";
import { probeAdminSocket } from "../haproxy/admin_probe.ts";

/** Registers /api/haproxy/cfg, /api/haproxy/reload and /health. */
export function haproxyRoutes(host: PluginHost, deps: CoreDeps): void {
  host.route("GET", "/api/haproxy/cfg", {
    role: "viewer",
    tier: "read",
    summary: "haproxy.cfg as on disk (source=disk) or as rendered from the state (source=state)",
  }, async (ctx) => {
    const source = ctx.url.searchParams.get("source") ?? "disk";
    let text: string | null;
    if (source === "disk") text = await readTextOrNull(host.paths.cfg);
    else if (source === "state") {
      const state = deps.store.current();
      if (!state) throw new HttpError("NotInitialized", "state not initialized");
      text = deps.render(state).text;
    } else throw badRequest("source must be 'disk' or 'state'");
    return new Response(text ?? "", { headers: { "content-type": "text/plain; charset=utf-8" } });
  });

  host.route("POST", "/api/haproxy/reload", {
    role: "operator",
    tier: "write",
    summary: "Reload HAProxy through the master CLI and confirm the new worker",
  }, async (ctx) => {
    // Under the apply lock: a reload asked for during an apply waits for it.
    const outcome = await deps.pipeline.reload();
    host.audit.record({
      actor: ctx.actor,
      category: "haproxy",
      action: "reload",
      target: null,
      details: outcome.ok ? { workerPid: outcome.workerPid } : { error: outcome.message },
      outcome: outcome.ok ? "success" : "failure",
    });
    if (!outcome.ok) {
      throw new HttpError("ReloadFailed", "reload failed", {
        error: `reload failed: ${outcome.message}`,
        output: outcome.output,
        hints: [],
      });
    }
    return { ok: true, workerPid: outcome.workerPid };
  });

  host.route("GET", "/health", { role: "public", tier: "read", summary: "Liveness" }, async () => {
    const proc = await host.haproxy.showProc();
    const running = proc !== null && proc.workers.length > 0;
    // A running HAProxy whose admin socket refuses patchpanel is degraded, not ok.
    const probe = running
      ? await probeAdminSocket((c, t) => host.haproxy.admin(c, t))
      : { ok: false as const, kind: "unreachable" as const, reason: "HAProxy is not running" };
    const ok = running && probe.ok;
    return new Response(
      JSON.stringify({
        ok,
        status: ok ? "ok" : running ? "degraded" : "down",
        reasons: probe.ok ? [] : [probe.reason],
        version: deps.version,
        haproxy: proc
          ? { masterPid: proc.masterPid, workers: proc.workers.map((w) => w.pid) }
          : null,
        state: deps.store.current() ? "initialized" : "not-initialized",
        // A forgotten backup-post leaves changes refused; say so where monitoring looks.
        backupInProgress: backupInProgress(host.paths),
      }),
      { status: ok ? 200 : 503, headers: { "content-type": "application/json; charset=utf-8" } },
    );
  });
}
