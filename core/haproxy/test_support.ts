/**
 * Helpers shared by the `core/haproxy` tests: temp dirs, free loopback ports,
 * a tiny config writer, a raw HTTP/1.0 probe and a started embedded HAProxy.
 * Not part of the runtime surface.
 *
 * @module
 */

import { EmbeddedHaproxy, type HaproxyEvent } from "./process.ts";

/** The HAProxy binary under test (override with HAPROXY_BIN). */
export const HAPROXY_BIN = Deno.env.get("HAPROXY_BIN") ?? "/usr/sbin/haproxy";

/** A loopback port that was free a moment ago. */
export function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

/** Files of one test's HAProxy, all inside its own temp dir. */
export interface Layout {
  dir: string;
  cfgPath: string;
  masterSocket: string;
  adminSocket: string;
  pidFile: string;
}

/** A fresh temp dir with the usual file names inside. */
export async function layout(): Promise<Layout> {
  const dir = await Deno.makeTempDir({ prefix: "pp-hx-" });
  return {
    dir,
    cfgPath: `${dir}/haproxy.cfg`,
    masterSocket: `${dir}/master.sock`,
    adminSocket: `${dir}/admin.sock`,
    pidFile: `${dir}/haproxy.pid`,
  };
}

/** Config knobs for {@link writeCfg}. */
export interface CfgOptions {
  frontendPort: number;
  /** Proxy to a backend on this port; without it the frontend answers "ok" itself. */
  backendPort?: number;
  /** An extra `bind` (used to make a load fail on a port someone holds). */
  extraBindPort?: number;
  /** Body returned when there is no backend. */
  body?: string;
}

/** Writes a minimal valid haproxy.cfg with an admin socket. */
export async function writeCfg(l: Layout, o: CfgOptions): Promise<void> {
  const lines = [
    "global",
    `  stats socket ${l.adminSocket} mode 600 level admin`,
    "defaults",
    "  mode http",
    "  timeout connect 2s",
    "  timeout client 5s",
    "  timeout server 5s",
    "frontend fe_main",
    `  bind 127.0.0.1:${o.frontendPort}`,
    ...(o.extraBindPort ? [`  bind 127.0.0.1:${o.extraBindPort}`] : []),
    o.backendPort
      ? "  default_backend be_app"
      : `  http-request return status 200 content-type text/plain string ${o.body ?? "ok"}`,
    ...(o.backendPort ? ["backend be_app", `  server s1 127.0.0.1:${o.backendPort}`] : []),
    "",
  ];
  await Deno.writeTextFile(l.cfgPath, lines.join("\n"));
}

/** GETs / over raw HTTP/1.0 and returns the body, or null if nothing answers. */
export async function httpGet(port: number): Promise<string | null> {
  let conn: Deno.Conn;
  try {
    conn = await Deno.connect({ hostname: "127.0.0.1", port });
  } catch {
    return null;
  }
  try {
    await conn.write(new TextEncoder().encode("GET / HTTP/1.0\r\nHost: t\r\n\r\n"));
    const text = await new Response(conn.readable).text();
    if (!text.startsWith("HTTP/1.")) return null;
    return text.slice(text.indexOf("\r\n\r\n") + 4);
  } catch {
    return null;
  }
}

/** Polls `probe` until it returns true or `ms` pass. */
export async function waitFor(
  probe: () => boolean | Promise<boolean>,
  ms: number,
): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await probe()) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return false;
}

/** An embedded HAProxy started on a fresh layout, plus the events it emitted. */
export interface Running {
  l: Layout;
  hx: EmbeddedHaproxy;
  events: HaproxyEvent[];
  port: number;
}

/** Starts an embedded HAProxy with a self-answering frontend and a fast backoff. */
export async function startEmbedded(cfg: Partial<CfgOptions> = {}): Promise<Running> {
  const l = await layout();
  const port = cfg.frontendPort ?? freePort();
  await writeCfg(l, { ...cfg, frontendPort: port });
  const events: HaproxyEvent[] = [];
  const hx = new EmbeddedHaproxy({
    binary: HAPROXY_BIN,
    cfgPath: l.cfgPath,
    masterSocket: l.masterSocket,
    pidFile: l.pidFile,
    onEvent: (e) => events.push(e),
    backoff: { initialMs: 50, maxMs: 1000 },
    stopTimeoutMs: 2000,
  });
  await hx.start();
  return { l, hx, events, port };
}

/** Pids of processes whose command line mentions `needle` (to prove nothing is left). */
export async function pidsMentioning(needle: string): Promise<number[]> {
  const out: number[] = [];
  for await (const e of Deno.readDir("/proc")) {
    if (!/^\d+$/.test(e.name)) continue;
    try {
      const cmd = await Deno.readTextFile(`/proc/${e.name}/cmdline`);
      const stat = await Deno.readTextFile(`/proc/${e.name}/stat`);
      const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
      if (cmd.includes(needle) && state !== "Z") out.push(Number(e.name));
    } catch { /* gone */ }
  }
  return out;
}
