/**
 * Cross-checks of DNS resolution: resolvers ids and name server names are
 * unique, a server names a resolvers section that exists, and a server
 * whose address is a DNS name names one (otherwise HAProxy would resolve it
 * through the host's libc when the cfg loads, `haproxy -c` included, and
 * never again).
 *
 * @module
 */
import type { RefIssue, State } from "./schema.ts";
import { backendFact, backendsWith, serversWhere } from "./backend_facts.ts";

/** Whether the host part of `host:port` is a DNS name rather than an IP literal or `*`. */
export function isHostname(address: string): boolean {
  const host = address.slice(0, address.lastIndexOf(":"));
  if (host === "*" || host.startsWith("[")) return false;
  return !/^\d{1,3}(\.\d{1,3}){3}$/.test(host);
}

/**
 * A backend's servers that name resolvers or have a DNS name for an address
 * (backend_facts.ts): the only ones the checks below can find fault with.
 */
const RESOLVING_SERVERS = serversWhere(
  "servers that name resolvers or a DNS address",
  (s) => s.resolvers !== undefined || isHostname(s.address),
);

/** The issues; an empty list when every reference holds. */
export function resolverIssues(state: State): RefIssue[] {
  const issues: RefIssue[] = [];
  const resolvers = state.haproxy.resolvers ?? [];
  const ids = new Set<string>();
  resolvers.forEach((r, ri) => {
    if (ids.has(r.id)) {
      issues.push({
        path: ["haproxy", "resolvers", ri, "id"],
        message: `duplicate resolvers '${r.id}'`,
      });
    }
    ids.add(r.id);
    const names = new Set<string>();
    r.nameservers.forEach((n, ni) => {
      if (names.has(n.name)) {
        issues.push({
          path: ["haproxy", "resolvers", ri, "nameservers", ni, "name"],
          message: `duplicate nameserver '${n.name}'`,
        });
      }
      names.add(n.name);
    });
  });
  const backends = state.haproxy.backends;
  for (const bi of backendsWith(RESOLVING_SERVERS, backends)) {
    const servers = backends[bi].servers;
    for (const si of backendFact(RESOLVING_SERVERS, backends[bi])) {
      const s = servers[si];
      const at = ["haproxy", "backends", bi, "servers", si];
      if (s.resolvers !== undefined && !ids.has(s.resolvers)) {
        issues.push({
          path: [...at, "resolvers"],
          message: `resolvers '${s.resolvers}' is not in haproxy.resolvers`,
        });
      } else if (
        s.resolvers === undefined && isHostname(s.address) && !s.address.startsWith("localhost:")
      ) {
        // `localhost` alone comes from /etc/hosts, never from DNS: kept as before resolvers.
        issues.push({
          path: [...at, "address"],
          message: `address ${s.address} is a DNS name: name a haproxy.resolvers section in ` +
            `'resolvers' (with initAddr such as ["last", "none"]), or give an IP address`,
        });
      }
    }
  }
  return issues;
}
