/**
 * Does the running HAProxy do what the state says? Compares `show servers
 * state` with the `server` lines of the rendered cfg: address (when the cfg
 * names an IP), port, weight and admin state of every server, and servers
 * that run but are not declared or are declared but do not run.
 *
 * The apply pipeline runs it after every reload, with the overrides that
 * reload carried over (server_state_filter.ts) as the only accepted
 * differences; `GET /api/haproxy/drift` runs it on demand, and there a
 * differing weight or admin state (what the Runtime API sets and a reload
 * carries) is listed as a runtime override rather than a mismatch.
 *
 * @module
 */
import {
  type AdminState,
  type DeclaredServer,
  isIpLiteral,
  type RunningServer,
  serverKey,
} from "./server_state.ts";
import type { CarriedOverride } from "./server_state_filter.ts";

/** One difference between what is declared and what runs. */
export interface ServerDifference {
  backend: string;
  server: string;
  /** `address`, `port`, `weight`, `adminState`, or `present` (the server itself). */
  field: "address" | "port" | "weight" | "adminState" | "present";
  declared: string | number | boolean;
  running: string | number | boolean;
}

/** The outcome of a comparison. */
export interface ServerComparison {
  /** Differences nothing accounts for: a failed apply, or drift to look into. */
  mismatches: ServerDifference[];
  /** Runtime values in effect instead of the declared ones (drain, maint, weight). */
  overrides: ServerDifference[];
}

/**
 * How differing admin states and weights are judged: `carried` accepts
 * exactly the values a reload carried over (anything else is a mismatch);
 * `runtime` accepts any (they are runtime overrides).
 */
export type OverridePolicy = { kind: "carried"; carried: CarriedOverride[] } | { kind: "runtime" };

/** Compares what runs with what the cfg declares. */
export function compareServers(
  running: RunningServer[],
  declared: ReadonlyMap<string, DeclaredServer>,
  policy: OverridePolicy,
): ServerComparison {
  const mismatches: ServerDifference[] = [];
  const overrides: ServerDifference[] = [];
  const carried = new Map<string, CarriedOverride>();
  if (policy.kind === "carried") {
    for (const c of policy.carried) carried.set(`${serverKey(c.backend, c.server)}#${c.field}`, c);
  }
  const judge = (
    at: { backend: string; server: string },
    field: "weight" | "adminState",
    want: AdminState | number,
    got: AdminState | number,
  ) => {
    const diff = { ...at, field, declared: want, running: got };
    if (policy.kind === "runtime") return overrides.push(diff);
    const accepted = carried.get(`${serverKey(at.backend, at.server)}#${field}`);
    (accepted && accepted.running === got ? overrides : mismatches).push(diff);
  };
  let matched = 0;
  for (const r of running) {
    const d = declared.get(serverKey(r.backend, r.server));
    const at = { backend: r.backend, server: r.server };
    if (!d) {
      mismatches.push({ ...at, field: "present", declared: false, running: true });
      continue;
    }
    matched++;
    if (
      d.host !== r.address && isIpLiteral(d.host) && normalizeIp(d.host) !== normalizeIp(r.address)
    ) {
      mismatches.push({ ...at, field: "address", declared: d.host, running: r.address });
    }
    if (Number.isFinite(d.port) && d.port !== r.port) {
      mismatches.push({ ...at, field: "port", declared: d.port, running: r.port });
    }
    if (d.weight !== r.weight) judge(at, "weight", d.weight, r.weight);
    const admin = d.disabled ? "maint" : "ready";
    if (admin !== r.adminState) judge(at, "adminState", admin, r.adminState);
  }
  if (matched < declared.size) {
    const seen = new Set(running.map((r) => serverKey(r.backend, r.server)));
    for (const [key, d] of declared) {
      if (seen.has(key)) continue;
      mismatches.push({
        backend: d.backend,
        server: d.server,
        field: "present",
        declared: true,
        running: false,
      });
    }
  }
  return { mismatches, overrides };
}

/** Lower case, brackets off, IPv4-mapped IPv6 as IPv4: the forms HAProxy may print. */
function normalizeIp(ip: string): string {
  return ip.toLowerCase().replace(/^\[|\]$/g, "").replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/, "$1");
}
