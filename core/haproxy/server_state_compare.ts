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
  adminStateOf,
  COL,
  type RowView,
  type RunningServer,
  runningServerAt,
} from "./server_state.ts";
import { type DeclaredServer, isIpLiteral, serverKey } from "./declared_servers.ts";
import type { CarriedOverride } from "./server_state_filter.ts";
import { DeclaredCursor } from "./declared_cursor.ts";

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
  #policy: OverridePolicy;
  #carried = new Map<string, CarriedOverride>();
  #cursor: DeclaredCursor;
  /** `#seen[i]`: whether declared server `i` runs; `#seenCount` of them do. */
  #seen: Uint8Array;
  #seenCount = 0;
  /** Per declared server: 0 not yet asked, 1 its host is an IP literal, 2 a name. */
  #ipHost: Uint8Array;
  #mismatches: ServerDifference[] = [];
  #overrides: ServerDifference[] = [];

  /** Compares against `declared`, judging weights and admin states by `policy`. */
  constructor(declared: ReadonlyMap<string, DeclaredServer>, policy: OverridePolicy) {
    this.#policy = policy;
    this.#cursor = new DeclaredCursor(declared);
    this.#seen = new Uint8Array(this.#cursor.servers.length);
    this.#ipHost = new Uint8Array(this.#cursor.servers.length);
    if (policy.kind === "carried") {
      for (const c of policy.carried) {
        this.#carried.set(`${serverKey(c.backend, c.server)}#${c.field}`, c);
      }
    }
  }

  /**
   * Compares one line of `show servers state` as it is scanned; the same
   * verdict as `add(runningServerAt(row))`. The line's server is found in
   * place (declared_cursor.ts); when every compared field equals the
   * declared value as text, nothing is parsed or allocated; anything else
   * takes the whole comparison.
   */
  addRow(row: RowView): void {
    const i = this.#cursor.find(row);
    if (i >= 0 && this.#same(row, this.#cursor.servers[i], i)) {
      this.#see(i);
      return;
    }
    this.#add(runningServerAt(row), i);
  }

  /** Compares one server HAProxy runs. */
  add(r: RunningServer): void {
    this.#add(r, this.#cursor.findKey(serverKey(r.backend, r.server)));
  }

  /** The differences, once every running server was added (declared ones not seen are missing). */
  result(): ServerComparison {
    const mismatches = [...this.#mismatches];
    const servers = this.#cursor.servers;
    if (this.#seenCount < servers.length) {
      for (let i = 0; i < servers.length; i++) {
        if (this.#seen[i]) continue;
        const d = servers[i];
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

  /** {@link add} of a server found at position `i` of the declared ones (-1: not declared). */
  #add(r: RunningServer, i: number): void {
    const at = { backend: r.backend, server: r.server };
    if (i < 0) {
      this.#mismatches.push({ ...at, field: "present", declared: false, running: true });
      return;
    }
    const d = this.#cursor.servers[i];
    const key = this.#cursor.keyAt(i);
    this.#see(i);
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

  /** Whether a row of declared server `d` (position `i`) runs it exactly as declared. */
  #same(row: RowView, d: DeclaredServer, i: number): boolean {
    // An address differs only for an IP literal (add() normalizes; here only equal text passes).
    if (!row.is(COL.srv_addr, d.host)) {
      if (this.#ipHost[i] === 0) this.#ipHost[i] = isIpLiteral(d.host) ? 1 : 2;
      if (this.#ipHost[i] === 1) return false;
    }
    if (Number.isFinite(d.port) && row.digits(COL.srv_port) !== d.port) return false;
    if (row.digits(COL.srv_uweight) !== d.weight) return false;
    const flags = row.digits(COL.srv_admin_state);
    return !Number.isNaN(flags) && adminStateOf(flags) === (d.disabled ? "maint" : "ready");
  }

  /** Marks declared server `i` as running. */
  #see(i: number): void {
    if (this.#seen[i] === 0) {
      this.#seen[i] = 1;
      this.#seenCount++;
    }
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
