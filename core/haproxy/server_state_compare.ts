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
  /** The declared servers and their keys in the map's (the cfg's) order. */
  #keys: string[];
  #servers: DeclaredServer[];
  /** `#seen[i]`: whether declared server `i` runs; `#seenCount` of them do. */
  #seen: Uint8Array;
  #seenCount = 0;
  /** Which declared server the next row is expected to be: the one after the last row's. */
  #next = 0;
  /** Key → position, built only when a row is not the expected one. */
  #positions: Map<string, number> | null = null;
  /** Per declared server: 0 not yet asked, 1 its host is an IP literal, 2 a name. */
  #ipHost: Uint8Array;
  #mismatches: ServerDifference[] = [];
  #overrides: ServerDifference[] = [];

  /** Compares against `declared`, judging weights and admin states by `policy`. */
  constructor(declared: ReadonlyMap<string, DeclaredServer>, policy: OverridePolicy) {
    this.#declared = declared;
    this.#policy = policy;
    this.#keys = [...declared.keys()];
    this.#servers = [...declared.values()];
    this.#seen = new Uint8Array(this.#servers.length);
    this.#ipHost = new Uint8Array(this.#servers.length);
    if (policy.kind === "carried") {
      for (const c of policy.carried) {
        this.#carried.set(`${serverKey(c.backend, c.server)}#${c.field}`, c);
      }
    }
  }

  /**
   * Compares one line of `show servers state` as it is scanned; the same
   * verdict as `add(runningServerAt(row))`. HAProxy dumps servers in the
   * cfg's order, so the line is first read as the declared server after the
   * previous line's: when it is that server and every compared field equals
   * the declared value (in text, so nothing is parsed or allocated), it is a
   * match; anything else takes {@link add}.
   */
  addRow(row: RowView): void {
    const i = this.#next;
    const d = this.#servers[i];
    if (
      d !== undefined && row.is(COL.be_name, d.backend) && row.is(COL.srv_name, d.server) &&
      isKeyOf(this.#keys[i], d) && this.#same(row, d, i)
    ) {
      this.#see(i);
      return;
    }
    this.add(runningServerAt(row));
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
    this.#see(this.#keys[this.#next] === key ? this.#next : this.#positionOf(key));
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
    if (this.#seenCount < this.#servers.length) {
      for (let i = 0; i < this.#servers.length; i++) {
        if (this.#seen[i]) continue;
        const d = this.#servers[i];
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

  /** Marks declared server `i` as running; the next row is expected to be the one after it. */
  #see(i: number): void {
    if (this.#seen[i] === 0) {
      this.#seen[i] = 1;
      this.#seenCount++;
    }
    this.#next = i + 1;
  }

  #positionOf(key: string): number {
    if (!this.#positions) this.#positions = new Map(this.#keys.map((k, i) => [k, i]));
    return this.#positions.get(key)!;
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

/** Whether `key` is {@link serverKey} of `d`, compared without building it. */
function isKeyOf(key: string, d: DeclaredServer): boolean {
  const b = d.backend.length;
  return key.length === b + 1 + d.server.length && key.charCodeAt(b) === 47 &&
    key.startsWith(d.backend) && key.endsWith(d.server);
}

/** Lower case, brackets off, IPv4-mapped IPv6 as IPv4: the forms HAProxy may print. */
function normalizeIp(ip: string): string {
  return ip.toLowerCase().replace(/^\[|\]$/g, "").replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/, "$1");
}
