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
import type { AdminState, RunningServer } from "./server_state.ts";
import { type DeclaredServer, isIpLiteral, serverKey } from "./declared_servers.ts";
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
  const comparer = new ServerComparer(declared, policy);
  for (const r of running) comparer.add(r);
  return comparer.result();
}

/**
 * {@link compareServers} one running server at a time, so the post-reload
 * check can compare each line of `show servers state` as it arrives.
 */
export class ServerComparer {
  #declared: ReadonlyMap<string, DeclaredServer>;
  #policy: OverridePolicy;
  #carried = new Map<string, CarriedOverride>();
  #seen = new Set<string>();
  #mismatches: ServerDifference[] = [];
  #overrides: ServerDifference[] = [];

  /** Compares against `declared`, judging weights and admin states by `policy`. */
  constructor(declared: ReadonlyMap<string, DeclaredServer>, policy: OverridePolicy) {
    this.#declared = declared;
    this.#policy = policy;
    if (policy.kind === "carried") {
      for (const c of policy.carried) {
        this.#carried.set(`${serverKey(c.backend, c.server)}#${c.field}`, c);
      }
    }
  }

  /** Compares one server HAProxy runs. */
  add(r: RunningServer): void {
    const key = serverKey(r.backend, r.server);
    const d = this.#declared.get(key);
    const at = { backend: r.backend, server: r.server };
    if (!d) {
      this.#mismatches.push({ ...at, field: "present", declared: false, running: true });
      return;
    }
    this.#seen.add(key);
    if (
      d.host !== r.address && isIpLiteral(d.host) && normalizeIp(d.host) !== normalizeIp(r.address)
    ) {
      this.#mismatches.push({ ...at, field: "address", declared: d.host, running: r.address });
    }
    if (Number.isFinite(d.port) && d.port !== r.port) {
      this.#mismatches.push({ ...at, field: "port", declared: d.port, running: r.port });
    }
    if (d.weight !== r.weight) this.#judge(key, at, "weight", d.weight, r.weight);
    const admin = d.disabled ? "maint" : "ready";
    if (admin !== r.adminState) this.#judge(key, at, "adminState", admin, r.adminState);
  }

  /** The differences, once every running server was added (declared ones not seen are missing). */
  result(): ServerComparison {
    const mismatches = [...this.#mismatches];
    if (this.#seen.size < this.#declared.size) {
      for (const [key, d] of this.#declared) {
        if (this.#seen.has(key)) continue;
        mismatches.push({
          backend: d.backend,
          server: d.server,
          field: "present",
          declared: true,
          running: false,
        });
      }
    }
    return { mismatches, overrides: [...this.#overrides] };
  }

  #judge(
    key: string,
    at: { backend: string; server: string },
    field: "weight" | "adminState",
    want: AdminState | number,
    got: AdminState | number,
  ): void {
    const diff = { ...at, field, declared: want, running: got };
    if (this.#policy.kind === "runtime") {
      this.#overrides.push(diff);
      return;
    }
    const accepted = this.#carried.get(`${key}#${field}`);
    (accepted && accepted.running === got ? this.#overrides : this.#mismatches).push(diff);
  }
}

/** Lower case, brackets off, IPv4-mapped IPv6 as IPv4: the forms HAProxy may print. */
function normalizeIp(ip: string): string {
  return ip.toLowerCase().replace(/^\[|\]$/g, "").replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/, "$1");
}
