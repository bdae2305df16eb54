// deno-lint-ignore-file no-explicit-any
/**
 * Test support for "does HAProxy run what the state says": loopback
 * backends on a chosen address (127.0.0.x, optionally TLS, optionally
 * failing), each answering its own name, and the running servers read back
 * through the admin socket.
 *
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import type { TestDaemon } from "./daemon.ts";
import { makeRootCa } from "./pki.ts";
import { COL, parseServerStateDump, rowRecord } from "../../core/haproxy/server_state.ts";

/** One `show servers state` line, column → value. */
export type DumpRow = Record<string, string>;

/** A loopback backend that answers with its name. */
export interface NamedBackend {
  name: string;
  host: string;
  port: number;
  /** `host:port`, as a state's server address. */
  address: string;
  close(): Promise<void>;
}

/** Options for {@link serveNamed}. */
export interface NamedOptions {
  /** 127.0.0.1 unless given (any 127.0.0.0/8 address is loopback on Linux). */
  host?: string;
  /** 0 (a free one) unless given. */
  port?: number;
  /** Answer with this status (the body is still the name). */
  status?: number;
  /** Serve HTTPS with this key pair. */
  tls?: { cert: string; key: string };
}

/** Starts a backend answering `name`. */
export function serveNamed(name: string, opts: NamedOptions = {}): NamedBackend {
  const host = opts.host ?? "127.0.0.1";
  const server = Deno.serve(
    { hostname: host, port: opts.port ?? 0, onListen: () => {}, ...(opts.tls ?? {}) },
    () => new Response(name, { status: opts.status ?? 200 }),
  );
  const port = (server.addr as Deno.NetAddr).port;
  return { name, host, port, address: `${host}:${port}`, close: () => server.shutdown() };
}

/** A throwaway server key pair (EC P-256) for a TLS backend. */
export async function tlsKeyPair(): Promise<{ cert: string; key: string; dir: string }> {
  const dir = await Deno.makeTempDir({ prefix: "pp-live-pki-" });
  const ca = await makeRootCa(join(dir, "ca"), "live-ca");
  const issued = await ca.server("backend.test", ["backend.test"]);
  return { cert: issued.cert, key: issued.key, dir };
}

/** The running `show servers state` rows of `backend`, by server name. */
export async function runningRows(d: TestDaemon, backend: string): Promise<Map<string, DumpRow>> {
  const out = await d.haproxy.admin(`show servers state ${backend}`);
  assert.ok(out.ok, "show servers state answered");
  const dump = parseServerStateDump(out.output);
  assert.ok(dump, out.output);
  return new Map(dump.rows.map((r) => [r[COL.srv_name], rowRecord(dump, r)]));
}

/** One running server's row; fails the test when it does not run. */
export async function runningRow(d: TestDaemon, backend: string, server: string): Promise<DumpRow> {
  const row = (await runningRows(d, backend)).get(server);
  assert.ok(row, `${backend}/${server} runs`);
  return row;
}

/** The `show stat` record of one server (columns by name). */
export async function statRow(
  d: TestDaemon,
  backend: string,
  server: string,
): Promise<Record<string, string>> {
  const out = await d.haproxy.admin("show stat");
  assert.ok(out.ok);
  const lines = out.output.split("\n").filter((l) => l);
  const names = lines[0].replace(/^# /, "").split(",");
  for (const line of lines.slice(1)) {
    const cells = line.split(",");
    if (cells[0] === backend && cells[1] === server) {
      return Object.fromEntries(names.map((n, i) => [n, cells[i]]));
    }
  }
  throw new Error(`no show stat row for ${backend}/${server}`);
}

/** The bodies of `n` requests through the frontend on `port`. */
export async function bodies(port: number, n: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    // A fresh connection each time: after a reload a pooled one still meets the old worker for
    // one more answer (idle-close-on-response), which is not what the new config does.
    const client = Deno.createHttpClient({});
    try {
      const res = await fetch(`http://127.0.0.1:${port}/`, { client });
      out.push(`${res.status} ${await res.text()}`.trim());
    } catch {
      out.push("refused");
    } finally {
      client.close();
    }
  }
  return out;
}

/** A state with frontend `fe-main` on `fe` → backend `app` with `servers` (check off by default). */
export function appState(fe: number, servers: any[], extra: (s: any) => void = () => {}): any {
  const state: any = {
    version: 1,
    haproxy: {
      defaults: { mode: "http", timeouts: { connect: "2s", client: "10s", server: "10s" } },
      frontends: [{
        id: "fe-main",
        binds: [{ address: `127.0.0.1:${fe}` }],
        defaultBackend: "app",
      }],
      backends: [{
        id: "app",
        balance: { algorithm: "roundrobin" },
        servers: servers.map((s) => ({ check: false, ...s })),
      }],
    },
    acls: [],
  };
  extra(state);
  return state;
}
