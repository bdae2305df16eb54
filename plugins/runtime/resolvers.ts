/**
 * `GET /api/runtime/resolvers`: HAProxy's `show resolvers`, parsed: per
 * resolvers section, each name server's counters (queries sent, valid
 * answers, NXDOMAIN, timeouts...), so an operator sees whether DNS-resolved
 * servers are being answered. Viewer: the counters name no client.
 *
 * @module
 */
import type { PluginHost } from "../../core/plugin.ts";
import type { RuntimeApi } from "./admin.ts";

/** One name server of a resolvers section, with HAProxy's counters by their own names. */
export interface NameserverStats {
  name: string;
  counters: Record<string, number>;
}

/** One resolvers section as `show resolvers` prints it. */
export interface ResolversStats {
  id: string;
  nameservers: NameserverStats[];
}

/** Parses the text of `show resolvers`; lines it does not know are skipped. */
export function parseShowResolvers(text: string): ResolversStats[] {
  const out: ResolversStats[] = [];
  let section: ResolversStats | null = null;
  let ns: NameserverStats | null = null;
  for (const line of text.split("\n")) {
    const head = /^Resolvers section (\S+)/.exec(line);
    if (head) {
      section = { id: head[1], nameservers: [] };
      ns = null;
      out.push(section);
      continue;
    }
    const server = /^\s+nameserver (\S+?):\s*$/.exec(line);
    if (server && section) {
      ns = { name: server[1], counters: {} };
      section.nameservers.push(ns);
      continue;
    }
    const counter = /^\s+([a-z_]+):\s+(\d+)\s*$/.exec(line);
    if (counter && ns) ns.counters[counter[1]] = Number(counter[2]);
  }
  return out;
}

/** Registers the route. */
export function resolverRoutes(host: PluginHost, api: RuntimeApi): void {
  host.route("GET", "/api/runtime/resolvers", {
    role: "viewer",
    tier: "read",
    summary: "DNS name servers' counters per resolvers section (show resolvers), parsed",
  }, async () => ({ resolvers: parseShowResolvers(await api.raw("show resolvers")) }));
}
