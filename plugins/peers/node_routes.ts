/**
 * `GET|PUT /api/node-config`: this node's local settings (node_config.ts).
 * A PUT saves them and re-applies the current state so HAProxy listens
 * where they say; that re-apply is not pushed to peers.
 *
 * @module
 */
import type { PluginHost } from "../../core/plugin.ts";
import { NodeConfig, type NodeConfigFile } from "./node_config.ts";

/** The apply reason of a node-local re-render (never pushed). */
export const NODE_CONFIG_REASON = "node-config";

/** Registers the node-config routes. */
export function registerNodeConfigRoutes(host: PluginHost, file: NodeConfigFile): void {
  host.route("GET", "/api/node-config", {
    role: "viewer",
    tier: "read",
    summary: "This node's local settings (never pushed to peers)",
  }, () => file.get());

  host.route("PUT", "/api/node-config", {
    role: "admin",
    tier: "write",
    summary: "Replaces this node's local settings and re-renders the current state with them",
    request: NodeConfig,
  }, async (ctx) => {
    const next = await ctx.body(NodeConfig);
    const before = file.get();
    file.set(next);
    host.audit.record({
      actor: ctx.actor,
      category: "cluster",
      action: "node-config",
      details: { binds: next.binds },
      outcome: "success",
    });
    const state = host.state();
    if (state.haproxy.frontends.length === 0) return { nodeConfig: next, applied: false };
    try {
      const r = await host.apply(structuredClone(state), {
        actor: ctx.actor,
        reason: NODE_CONFIG_REASON,
      });
      return { nodeConfig: next, applied: true, outcome: r.outcome };
    } catch (e) {
      // HAProxy refused the node's settings: keep the previous ones, which it runs.
      file.set(before);
      throw e;
    }
  });
}
