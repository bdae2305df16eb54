/**
 * Core benchmark: what the apply pipeline costs on top of HAProxy itself.
 *
 * For 10 and for 1,000 backends × 10 servers, and for a change that needs a
 * reload (a timeout) and one HAProxy takes at run time (a weight: `haproxy -c`
 * still runs, the reload does not), it measures, interleaved in one
 * run against the same embedded HAProxy, the median `PUT /api/state` latency
 * and the median floor for the same cfg — `haproxy -c`, then the master-CLI
 * reload, then the new worker confirmed, all run directly — and prints
 * their ratio (target ≤ 1.10; also the median of the per-pair ratios, which
 * a slow minute of the host moves less), with the median of each stage the daemon
 * reports in `Server-Timing` beside the floor's check and reload. The PUT is
 * sent and timed by curl (`%{time_total}`), a client in its own process as in
 * CI. Every daemon runs as users run it: HTTPS with its self-signed pair and
 * the default config (`benchConfig`; only rate limits raised), so the PUT
 * goes over curl's default HTTP/2. Then the HTTPS stall: the median first
 * and last byte of `GET /api/routes` and `GET /api/state` over HTTP/1.1 and
 * HTTP/2, with `TCP_NODELAY` off (before the fix) and on. `BENCH_NODELAY=off`
 * runs the PUT rows without it too. It also prints the validate + render time of a 10,000-server state
 * (target ≤ 100 ms), median of several runs, plain and with every server
 * over TLS (the TLS plugin's render hook then edits each server line).
 *
 * Run through `deno task bench`, or alone: `deno run -A scripts/bench/core.ts`.
 *
 * @module
 */
import { freePort, startTestDaemon } from "../../tests/support/daemon.ts";
import { benchConfig, benchNoDelay, bigState, caArgs, median } from "./_util.ts";
import type { TestDaemon } from "../../tests/support/daemon.ts";
import { checkConfig } from "../../core/haproxy/check.ts";
import { MasterClient } from "../../core/haproxy/master.ts";
import { offlineRenderer } from "../../core/offline.ts";
import { dataPaths } from "../../core/paths.ts";
import { defaultPlugins } from "../../plugins/mod.ts";

const PUT_TARGET = 1.10;
const RENDER_TARGET_MS = 100;

/** PUTs a file with curl; the status and curl's own measure of the request's total time. */
async function curlPut(
  url: string,
  file: string,
  token: string,
  headerFile: string,
  tlsDir: string,
) {
  const out = await new Deno.Command("curl", {
    args: [
      "-sS",
      ...caArgs(tlsDir),
      "-o",
      "/dev/null",
      "-D",
      headerFile,
      "-w",
      "%{http_code} %{time_total}",
      "-X",
      "PUT",
      "--data-binary",
      `@${file}`,
      "-H",
      "content-type: application/json",
      "-H",
      `authorization: Bearer ${token}`,
      url,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const [status, seconds] = new TextDecoder().decode(out.stdout).trim().split(" ");
  if (!out.success) throw new Error(`curl failed: ${new TextDecoder().decode(out.stderr)}`);
  return { status: Number(status), totalMs: Number(seconds) * 1000 };
}

/**
 * Which change each PUT makes: one server weight (HAProxy takes it at run time: the runtime
 * path, `haproxy -c` but no reload) or the defaults' server timeout (only a reload applies it).
 */
type Change = "weight" | "timeout";

/**
 * The state of the `i`th PUT for `change`: a value no earlier PUT used, same cfg size. (With
 * two values taking turns, patchpanel's check memo, core/apply/check_memo.ts, would skip the
 * `haproxy -c` the floor pays every time.)
 */
function changed(fe: number, backends: number, servers: number, i: number, change: Change) {
  if (change === "weight") return bigState(fe, backends, servers, (i % 150) + 1);
  const state = bigState(fe, backends, servers);
  const defaults = (state.haproxy as { defaults: { timeouts: Record<string, string> } }).defaults;
  defaults.timeouts.server = `${11 + i}s`;
  return state;
}

async function putVersusFloor(backends: number, servers: number, runs: number, change: Change) {
  const fe = freePort();
  const d = await startTestDaemon({
    state: bigState(fe, backends, servers),
    config: benchConfig(),
    tcpNoDelay: benchNoDelay(),
  });
  const master = new MasterClient(d.paths.masterSocket);
  const put: number[] = [];
  const floor: number[] = [];
  const paired: number[] = [];
  const stages = new Map<string, number[]>();
  const push = (name: string, ms: number) => stages.set(name, [...stages.get(name) ?? [], ms]);
  const bodyFile = `${d.dataDir}/bench-body.json`;
  const headerFile = `${d.dataDir}/bench-headers.txt`;
  try {
    const putOnce = async (i: number) => {
      // A real change each time, same cfg size.
      const body = JSON.stringify(changed(fe, backends, servers, i, change));
      // Timed by curl itself (%{time_total}: connect, send, wait, receive the whole answer), as
      // a CI job's client sees it; curl's own start-up and the JSON encoding are not counted.
      await Deno.writeTextFile(bodyFile, body);
      const res = await curlPut(
        `${d.url}/api/state`,
        bodyFile,
        d.adminToken,
        headerFile,
        d.paths.tls,
      );
      put.push(res.totalMs);
      if (res.status !== 200) throw new Error(`PUT failed: ${res.status}`);
      const headers = await Deno.readTextFile(headerFile);
      const path = /^patchpanel-apply:\s*(\S+)/im.exec(headers)?.[1];
      const expected = change === "weight" ? "runtime" : "reload";
      if (path !== expected) throw new Error(`PUT took the ${path} path, not ${expected}`);
      const timing = /^server-timing:\s*(.*)$/im.exec(headers)?.[1] ?? "";
      let sum = 0;
      for (const m of timing.matchAll(/(\w+);dur=([\d.]+)/g)) {
        push(m[1], Number(m[2]));
        sum += Number(m[2]);
      }
      push("http", res.totalMs - sum); // curl's total minus the stages: transfer and routing
    };
    // The floor for the same cfg (the one live now): check, reload, confirm, directly.
    const floorOnce = async () => {
      const t = performance.now();
      const check = await checkConfig("haproxy", d.paths.cfg);
      if (!check.ok) throw new Error(`haproxy -c failed: ${check.output}`);
      const checked = performance.now();
      const reload = await master.reload();
      floor.push(performance.now() - t);
      push("floor-check", checked - t);
      push("floor-reload", performance.now() - checked);
      if (!reload.ok) throw new Error(`reload failed: ${reload.message}`);
    };
    for (let i = 0; i < runs; i++) {
      // Alternate which goes first, so neither always follows the other's reload.
      if (i % 2) {
        await floorOnce();
        await putOnce(i);
      } else {
        await putOnce(i);
        await floorOnce();
      }
      paired.push(put[i] / floor[i]);
    }
  } finally {
    await d.stop();
    await Deno.remove(d.dataDir, { recursive: true }).catch(() => {});
  }
  const breakdown = [...stages].map(([name, xs]) => `${name} ${median(xs).toFixed(1)}`).join(", ");
  return {
    put: median(put),
    floor: median(floor),
    ratio: median(put) / median(floor),
    paired: median(paired),
    breakdown,
  };
}

/** Every server of a state speaks TLS to its backend (the TLS plugin then edits each server line). */
function withServerTls(state: Record<string, unknown>): Record<string, unknown> {
  const hp = state.haproxy as { backends: { servers: Record<string, unknown>[] }[] };
  for (const be of hp.backends) {
    for (const s of be.servers) Object.assign(s, { ssl: true, tls: { verify: "none" } });
  }
  return state;
}

async function validateRender(input: Record<string, unknown>, runs: number) {
  const dir = await Deno.makeTempDir({ prefix: "pp-bench-render-" });
  const offline = await offlineRenderer(defaultPlugins(), dataPaths(dir));
  const validate: number[] = [];
  const render: number[] = [];
  const total: number[] = [];
  try {
    for (let i = 0; i < runs + 1; i++) {
      const raw = structuredClone(input);
      const t0 = performance.now();
      const state = offline.schema.parse(raw);
      const t1 = performance.now();
      const out = offline.render(state);
      const t2 = performance.now();
      if (!out.text.includes("server s9 ")) throw new Error("render lost servers");
      if (i === 0) continue; // warm-up
      validate.push(t1 - t0);
      render.push(t2 - t1);
      total.push(t2 - t0);
    }
  } finally {
    offline.close();
    await Deno.remove(dir, { recursive: true });
  }
  return { validate: median(validate), render: median(render), total: median(total) };
}

/** First and last byte of one GET, as curl measures them over a new connection. */
async function curlGet(d: TestDaemon, path: string, protocol: string) {
  const out = await new Deno.Command("curl", {
    args: [
      "-sS",
      protocol,
      ...caArgs(d.paths.tls),
      "-o",
      "/dev/null",
      "-w",
      "%{http_code} %{time_starttransfer} %{time_total} %{size_download}",
      "-H",
      `authorization: Bearer ${d.adminToken}`,
      `${d.url}${path}`,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) throw new Error(`curl failed: ${new TextDecoder().decode(out.stderr)}`);
  const [status, first, last, size] = new TextDecoder().decode(out.stdout).trim().split(" ")
    .map(Number);
  if (status !== 200) throw new Error(`GET ${path}: ${status}`);
  return { firstMs: first * 1000, lastMs: last * 1000, bytes: size };
}

const STALL_RUNS = 21;
const STALL_GETS: [string, string][] = [["/api/routes", "--http1.1"], ["/api/routes", "--http2"], [
  "/api/state",
  "--http1.1",
], ["/api/state", "--http2"]];

/**
 * The HTTPS stall: median first byte → last byte of `GET /api/routes` and
 * `GET /api/state` (10 backends × 10 servers) over HTTP/1.1 and HTTP/2, with
 * `TCP_NODELAY` off (Deno's default, before the fix) and on.
 */
async function stallFigures(): Promise<string> {
  const rows = new Map<string, string[]>();
  for (const noDelay of [false, true]) {
    const d = await startTestDaemon({
      state: bigState(freePort(), 10, 10),
      config: benchConfig(),
      tcpNoDelay: noDelay,
    });
    try {
      for (const [path, protocol] of STALL_GETS) {
        await curlGet(d, path, protocol); // warm-up
        const first: number[] = [];
        const last: number[] = [];
        let bytes = 0;
        for (let i = 0; i < STALL_RUNS; i++) {
          const r = await curlGet(d, path, protocol);
          first.push(r.firstMs);
          last.push(r.lastMs);
          bytes = r.bytes;
        }
        const key = `GET ${path} (${(bytes / 1024).toFixed(1)} KiB) ${
          protocol === "--http2" ? "HTTP/2  " : "HTTP/1.1"
        }`;
        rows.set(key, [
          ...rows.get(key) ?? [],
          `${median(first).toFixed(1)} → ${median(last).toFixed(1)} ms`,
        ]);
      }
    } finally {
      await d.stop();
      await Deno.remove(d.dataDir, { recursive: true }).catch(() => {});
    }
  }
  return `HTTPS first byte → last byte, median of ${STALL_RUNS} (curl, a new connection each), ` +
    "TCP_NODELAY off (before) | on (after):\n" +
    [...rows].map(([k, [off, on]]) => `        ${k}: ${off} | ${on}`).join("\n");
}

const ms = (n: number) => `${n.toFixed(1)} ms`;

/** Prints the PUT/floor ratios and the 10k-server validate + render time. */
export default async function benchCore(): Promise<void> {
  // Reload times on a shared 2-core VM wander by tens of ms (10 backends: 75 to 170 ms within
  // one run), so a steady median needs many pairs; the small size's pairs are cheap.
  const forced = Deno.env.get("BENCH_CORE_RUNS");
  const rows: string[] = [];
  const cases: [number, number, Change][] = [
    [10, 101, "timeout"],
    [1000, 61, "timeout"],
    [10, 101, "weight"],
    [1000, 61, "weight"],
  ];
  // `BENCH_CORE_CASES=1000:timeout,10:weight` runs only those rows (and skips the rest).
  const only = Deno.env.get("BENCH_CORE_CASES")?.split(",");
  for (const [backends, defaultRuns, change] of cases) {
    if (only && !only.includes(`${backends}:${change}`)) continue;
    const runs = forced ? Number(forced) : defaultRuns;
    const r = await putVersusFloor(backends, 10, runs, change);
    const what = change === "timeout"
      ? "reload path (a timeout changes)"
      : "runtime path (a weight changes)";
    rows.push(
      `${String(backends).padStart(5)} backends × 10 servers, ${what}: PUT /api/state ${
        ms(r.put)
      }` +
        ` (HTTPS, curl's default HTTP/2, TCP_NODELAY ${benchNoDelay() ? "on" : "off"})` +
        ` | floor (haproxy -c + reload + new worker) ${ms(r.floor)}` +
        ` | ratio ${r.ratio.toFixed(3)} ${
          r.ratio <= PUT_TARGET ? "ok" : `MISS (target ≤ ${PUT_TARGET})`
        } (median of the ${runs} side-by-side pairs' ratios: ${r.paired.toFixed(3)})` +
        `\n        PUT stages, median ms (Server-Timing): ${r.breakdown}`,
    );
  }
  if (only) return console.log(rows.join("\n"));
  rows.push(await stallFigures());
  const plain = bigState(8080, 1000, 10);
  const renders: [string, Record<string, unknown>][] = [
    ["", plain],
    [" over TLS", withServerTls(structuredClone(plain))],
  ];
  for (const [label, input] of renders) {
    const vr = await validateRender(input, 7);
    rows.push(
      `validate + render, 10,000 servers${label}: ${ms(vr.total)} (validate ${ms(vr.validate)}, ` +
        `render ${ms(vr.render)}) ${
          vr.total <= RENDER_TARGET_MS ? "ok" : `MISS (target ≤ ${RENDER_TARGET_MS} ms)`
        }`,
    );
  }
  console.log(rows.join("\n"));
}

if (import.meta.main) await benchCore();
