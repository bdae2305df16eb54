/**
 * `GET /api/haproxy/drift`: every difference between the servers the running
 * HAProxy has and those the state declares, the same comparison every apply
 * makes after its reload. A weight or admin state set at run time (drain,
 * maint, `set weight`) is listed under `overrides`; anything else (an
 * address or port changed on the admin socket, a missing or extra server)
 * under `mismatches`.
 *
 * @module
 */
import { haproxyRefused, HttpError } from "../errors.ts";
import type { PluginHost } from "../plugin.ts";
import type { CoreDeps } from "./deps.ts";
import { runningServersOf } from "../haproxy/server_state.ts";
import { declaredServers } from "../haproxy/declared_servers.ts";
import { compareServers } from "../haproxy/server_state_compare.ts";

/** Registers GET /api/haproxy/drift. */
export function driftRoutes(host: PluginHost, deps: CoreDeps): void {
  host.route("GET", "/api/haproxy/drift", {
    role: "viewer",
    tier: "read",
    summary: "Differences between the running servers and the state (runtime overrides apart)",
  }, async () => {
    const state = deps.store.current();
    if (!state) throw new HttpError("NotInitialized", "state not initialized");
    const answer = await host.haproxy.admin("show servers state");
    const running = answer.ok ? runningServersOf(answer.output) : null;
    if (!running) {
      const output = answer.ok ? answer.output : answer.error.message;
      throw haproxyRefused("show servers state failed", output);
    }
    const declared = declaredServers(deps.render(state).text);
    const { mismatches, overrides } = compareServers(running, declared, {
      kind: "runtime",
    });
    return { inSync: mismatches.length === 0, mismatches, overrides };
  });
}
