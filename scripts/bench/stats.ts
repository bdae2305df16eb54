/**
 * Stats benchmark, at 1,000 servers (10 backends × 100, no health checks)
 * against a real embedded HAProxy:
 *
 * - the sampler's CPU cost as a percentage of one core at a 1 s interval
 *   (target below 2 %): measured twice — the daemon process's CPU time
 *   (`process.cpuUsage()`) over a window with the sampler running, minus the
 *   same window with it stopped; and the CPU time of one `sampleOnce()`
 *   (read + parse + summarize) scaled to one sample per second. HAProxy's own
 *   cost of answering (`/proc/<worker>/stat`) is printed beside it.
 * - `GET /api/stats` latency over HTTPS, the daemon run as users run it
 *   (`benchConfig`) (p50/p95/max over sequential requests), plus
 *   the uncached cost of building the 1,000-row JSON once per sample.
 *
 * Run through `deno task bench`, or alone: `deno run -A scripts/bench/stats.ts`.
 *
 * @module
 */
import process from "node:process";
import { freePort, startTestDaemon } from "../../tests/support/daemon.ts";
import { stats } from "../../plugins/stats/mod.ts";
import { Sampler } from "../../plugins/stats/sampler.ts";
import { benchConfig, benchNoDelay, bigState } from "./_util.ts";

const TARGET_PCT = 2;
const WINDOW_MS = Number(Deno.env.get("STATS_BENCH_WINDOW_MS") ?? 10_000);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

async function haproxyCpuMs(pid: number): Promise<number | null> {
  try {
    const stat = await Deno.readTextFile(`/proc/${pid}/stat`);
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10; // utime + stime, 100 ticks/s
  } catch {
    return null;
  }
}

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
}

/** Runs the benchmark and prints its figures. */
export default async function bench(): Promise<void> {
  const d = await startTestDaemon({
    plugins: [stats()],
    config: benchConfig({ stats: { intervalMs: 1000 } }),
    tcpNoDelay: benchNoDelay(),
    state: bigState(freePort(), 10, 100),
  });
  try {
    await sleep(1200);
    const first = await d.api("GET", "/api/stats");
    const servers = first.body.stat.filter((r: { kind: string }) => r.kind === "server").length;
    const workerPid = Number(first.body.info.Pid);
    console.log(`stats: ${servers} servers sampled, interval 1000 ms, window ${WINDOW_MS} ms`);

    // 1. Whole-process CPU with the sampler running, then stopped.
    const svc = d.registry.services.find((s) => s.plugin === "stats")!.service;
    const window = async () => {
      const c0 = cpuMs(), h0 = await haproxyCpuMs(workerPid), t0 = performance.now();
      await sleep(WINDOW_MS);
      const c1 = cpuMs(), h1 = await haproxyCpuMs(workerPid), t1 = performance.now();
      return {
        self: (c1 - c0) / (t1 - t0) * 100,
        haproxy: h0 !== null && h1 !== null ? (h1 - h0) / (t1 - t0) * 100 : NaN,
      };
    };
    const running = await window();
    await svc.stop();
    const idle = await window();
    const samplerPct = running.self - idle.self;
    console.log(
      `stats: sampler CPU (daemon, running − idle): ${samplerPct.toFixed(2)} % of one core ` +
        `(${running.self.toFixed(2)} % − ${idle.self.toFixed(2)} %) target < ${TARGET_PCT} % ` +
        (samplerPct < TARGET_PCT ? "OK" : "OVER"),
    );
    console.log(
      `stats: HAProxy worker answering show info/stat: ${
        (running.haproxy - idle.haproxy).toFixed(2)
      } % of one core`,
    );

    // 2. CPU of one sample, scaled to one per second.
    const sampler = new Sampler({
      intervalMs: 1000,
      historyMs: 3_600_000,
      admin: (cmd) => d.haproxy.admin(cmd),
      onTransition: () => {},
    });
    for (let i = 0; i < 5; i++) await sampler.sampleOnce(); // warm up
    const n = 50;
    const c0 = cpuMs();
    const t0 = performance.now();
    for (let i = 0; i < n; i++) await sampler.sampleOnce();
    const perSampleCpu = (cpuMs() - c0) / n;
    const perSampleWall = (performance.now() - t0) / n;
    console.log(
      `stats: one sample = ${perSampleCpu.toFixed(2)} ms CPU (${
        perSampleWall.toFixed(2)
      } ms wall) ` +
        `→ ${(perSampleCpu / 1000 * 100).toFixed(2)} % of one core at 1 s`,
    );

    // 3. GET /api/stats latency (restart the sampler: the route needs it).
    await svc.start();
    const lat: number[] = [];
    for (let i = 0; i < 100; i++) {
      const s = performance.now();
      const r = await d.api("GET", "/api/stats");
      lat.push(performance.now() - s);
      if (r.status !== 200) throw new Error(`GET /api/stats: ${r.status}`);
      if (i % 10 === 9) await sleep(150); // let new samples land between bursts
    }
    lat.sort((a, b) => a - b);
    console.log(
      `stats: GET /api/stats at ${servers} servers: p50 ${pct(lat, 0.5).toFixed(1)} ms, ` +
        `p95 ${pct(lat, 0.95).toFixed(1)} ms, max ${lat[lat.length - 1].toFixed(1)} ms ` +
        `(${(first.text.length / 1024).toFixed(0)} KiB)`,
    );
    const latest = sampler.latest!;
    const b0 = performance.now();
    for (let i = 0; i < 10; i++) {
      JSON.stringify({ at: latest.at, info: latest.info, stat: latest.table.toRows() });
    }
    console.log(
      `stats: building the /api/stats body once per sample (uncached): ${
        ((performance.now() - b0) / 10).toFixed(1)
      } ms`,
    );
  } finally {
    await d.stop();
  }
}

if (import.meta.main) await bench();
