/**
 * Probes for the core's end-to-end tests: one HTTP/1.0 request per fresh
 * connection (so a reload's old worker can never answer from a pooled
 * keep-alive connection), and a fingerprint of what an apply may change
 * (cfg bytes, state.json bytes, the master's reload count).
 *
 * @module
 */
import {
  type Backend,
  freePort,
  simpleState,
  startBackend,
  startTestDaemon,
  type TestDaemon,
} from "./daemon.ts";

/** One GET through HAProxy on a new connection; status 0 when refused or reset. */
export async function hit(
  port: number,
  path = "/",
  host = "127.0.0.1",
): Promise<{ status: number; body: string }> {
  let conn: Deno.TcpConn;
  try {
    conn = await Deno.connect({ hostname: "127.0.0.1", port });
  } catch {
    return { status: 0, body: "" };
  }
  try {
    await conn.write(new TextEncoder().encode(`GET ${path} HTTP/1.0\r\nHost: ${host}\r\n\r\n`));
    const chunks: Uint8Array[] = [];
    const buf = new Uint8Array(16 * 1024);
    for (;;) {
      const n = await conn.read(buf);
      if (n === null) break;
      chunks.push(buf.slice(0, n));
    }
    const text = new TextDecoder().decode(
      chunks.reduce((a, b) => new Uint8Array([...a, ...b]), new Uint8Array()),
    );
    const status = Number(/^HTTP\/1\.\d (\d{3})/.exec(text)?.[1] ?? 0);
    const at = text.indexOf("\r\n\r\n");
    return { status, body: at >= 0 ? text.slice(at + 4) : "" };
  } catch {
    return { status: 0, body: "" };
  } finally {
    try {
      conn.close();
    } catch { /* already closed */ }
  }
}

/** Bodies of `n` sequential requests, counted by body. */
export async function spread(port: number, n: number): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const r = await hit(port);
    const key = r.status === 200 ? r.body : `status:${r.status}`;
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
}

/** What an apply may change: compare before and after a refused one. */
export interface Fingerprint {
  cfg: string;
  state: string;
  reloads: number;
  workers: number[];
}

/** Reads cfg and state.json bytes and the master's reload count. */
export async function fingerprint(d: TestDaemon): Promise<Fingerprint> {
  const proc = await d.haproxy.showProc();
  if (!proc) throw new Error("master CLI did not answer show proc");
  return {
    cfg: await Deno.readTextFile(d.paths.cfg),
    state: await Deno.readTextFile(d.paths.state),
    reloads: proc.reloads,
    workers: proc.workers.map((w) => w.pid),
  };
}

/** Stops the daemon and removes its data directory. */
export async function teardown(d: TestDaemon | null): Promise<void> {
  if (!d) return;
  await d.stop();
  await Deno.remove(d.dataDir, { recursive: true }).catch(() => {});
}

/** What {@link withOneServer} hands its test. */
export interface OneServer {
  d: TestDaemon;
  /** The frontend's port (`fe-main` → backend `app`). */
  fe: number;
  /** The one server `a`, answering "a". */
  a: Backend;
}

/**
 * The common end-to-end set-up: a real backend `a`, a daemon whose state
 * sends a frontend on a free port to it, torn down whatever the test does.
 */
export async function withOneServer(test: (t: OneServer) => Promise<void>): Promise<void> {
  const a = startBackend("a");
  const fe = freePort();
  let d: TestDaemon | null = null;
  try {
    // Raw directives on: the 502 tests provoke haproxy -c with a line it does not know.
    d = await startTestDaemon({
      config: { security: { allowRawDirectives: true } },
      state: simpleState(fe, [{ name: "a", address: a.address }]),
    });
    await test({ d, fe, a });
  } finally {
    await teardown(d);
    await a.close();
  }
}
