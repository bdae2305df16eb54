/**
 * P3: small changes to big states, and the daemon's memory.
 *
 * At 100, 10,000 and 100,000 servers (1 × 100, 1,000 × 10, 10,000 × 10), on
 * one daemon per size, side by side in one run (the order rotates each
 * round): (a) `PATCH /api/state` of one server's weight, (b) `PATCH` adding
 * one server, (c) a full `PUT` of the state with one weight changed, and the
 * reload floor on the same config (`haproxy -c` of the live cfg + a master
 * reload confirmed), run directly. (a)–(c) are timed by curl
 * (`%{time_total}`, the whole request over HTTPS as a CI job sees it), with
 * the median of each `Server-Timing` stage. Targets (issue 15): (a) and (b)
 * ≤ 20 ms at 100,000 servers, (c) ≤ 0.25 × the floor at 100,000.
 *
 * Memory: each daemon runs in its own process (`patchpanel serve`,
 * _daemon.ts), and its RSS is read from /proc: idle (seeded state), and two
 * seconds after 30 applies of 1,000 × 10 and after the applies at 100,000 servers
 * (targets ≤ 190 MB and ≤ 300 MB). `limits.servers` is raised to 200,000 for
 * the last size (the default is 50,000). `BENCH_P3_SIZES=100,10000` picks sizes.
 *
 * Run through `deno task bench p3`, or alone: `deno run -A scripts/bench/p3.ts`.
 *
 * @module
 */
import { freePort } from "../../tests/support/daemon.ts";
import { checkConfig } from "../../core/haproxy/check.ts";
import { MasterClient } from "../../core/haproxy/master.ts";
import { bigState, median } from "./_util.ts";
import { RELEASE_IDLE_MS } from "../../core/memory_release.ts";
import { curl, DAEMON_V8_FLAGS, type DaemonProcess, startDaemonProcess } from "./_daemon.ts";

const PATCH_TARGET_MS = 20;
const PUT_SHARE_TARGET = 0.25;
const RSS_1K_TARGET = 190;
const RSS_100K_TARGET = 300;

/** Sizes: [backends, servers per backend, rounds]. */
const SIZES: [number, number, number][] = [[1, 100, 11], [1000, 10, 5], [10_000, 10, 2]];

interface Timed {
  status: number;
  totalMs: number;
  stages: Map<string, number>;
  body: string;
}

/** One request timed by curl; the status, total time, Server-Timing stages and body. */
async function timed(
  d: DaemonProcess,
  method: string,
  file: string,
  contentType: string,
): Promise<Timed> {
  const headers = `${d.dataDir}/p3-headers.txt`;
  const bodyOut = `${d.dataDir}/p3-answer.json`;
  const out = await curl(d, [
    "-o",
    bodyOut,
    "-D",
    headers,
    "-w",
    "%{http_code} %{time_total}",
    "-X",
    method,
    "--data-binary",
    `@${file}`,
    "-H",
    `content-type: ${contentType}`,
    "-H",
    `authorization: Bearer ${d.token}`,
    `${d.url}/api/state`,
  ]);
  const [status, seconds] = out.trim().split(" ");
  const text = await Deno.readTextFile(headers);
  const timing = /^server-timing:\s*(.*)$/im.exec(text)?.[1] ?? "";
  const stages = new Map<string, number>();
  for (const m of timing.matchAll(/(\w+);dur=([\d.]+)/g)) stages.set(m[1], Number(m[2]));
  const body = status === "200" ? "" : await Deno.readTextFile(bodyOut);
  return { status: Number(status), totalMs: Number(seconds) * 1000, stages, body };
}

/** Samples of one kind of request, with their stages. */
class Series {
  totals: number[] = [];
  stages = new Map<string, number[]>();
  add(t: Timed): void {
    this.totals.push(t.totalMs);
    let sum = 0;
    for (const [k, v] of t.stages) {
      this.stages.set(k, [...this.stages.get(k) ?? [], v]);
      sum += v;
    }
    this.stages.set("http", [...this.stages.get("http") ?? [], t.totalMs - sum]);
  }
  get median(): number {
    return median(this.totals);
  }
  breakdown(): string {
    return [...this.stages].map(([k, xs]) => `${k} ${median(xs).toFixed(1)}`).join(", ");
  }
}

async function putState(d: DaemonProcess, state: unknown): Promise<Timed> {
  const file = `${d.dataDir}/p3-put.json`;
  await Deno.writeTextFile(file, JSON.stringify(state));
  const res = await timed(d, "PUT", file, "application/json");
  if (res.status !== 200) throw new Error(`PUT: ${res.status} ${res.body.slice(0, 300)}`);
  return res;
}

async function patchState(d: DaemonProcess, ops: unknown): Promise<Timed> {
  const file = `${d.dataDir}/p3-patch.json`;
  await Deno.writeTextFile(file, JSON.stringify(ops));
  const res = await timed(d, "PATCH", file, "application/json-patch+json");
  if (res.status !== 200) throw new Error(`PATCH: ${res.status} ${res.body.slice(0, 300)}`);
  return res;
}

interface SizeResult {
  servers: number;
  rounds: number;
  a: Series;
  b: Series;
  c: Series;
  floor: Series;
  rss: number;
  bytes: number;
  outcomes: Set<string>;
}

async function atSize(backends: number, servers: number, rounds: number): Promise<SizeResult> {
  // A 100,000-server reload under a loaded host can outlast the default 15 s bound.
  const d = await startDaemonProcess({
    limits: { servers: 200_000 },
    haproxy: { mode: "embedded", reloadTimeoutMs: 120_000, checkTimeoutMs: 120_000 },
  });
  const fe = freePort();
  const a = new Series(), b = new Series(), c = new Series(), floor = new Series();
  const outcomes = new Set<string>();
  let bytes = 0;
  try {
    await putState(d, bigState(fe, backends, servers));
    const master = new MasterClient(d.paths.masterSocket);
    const headers = `${d.dataDir}/p3-headers.txt`;
    const applyOf = async () =>
      /^patchpanel-apply:\s*(\S+)/im.exec(await Deno.readTextFile(headers))?.[1] ?? "?";
    const steps: (() => Promise<void>)[] = [
      async () => {
        a.add(
          await patchState(d, [{
            op: "replace",
            path: "/haproxy/backends/0/servers/0/weight",
            value: 10 + 2 * a.totals.length,
          }]),
        );
        outcomes.add(`a:${await applyOf()}`);
      },
      async () => {
        const n = b.totals.length;
        b.add(
          await patchState(d, [{
            op: "add",
            path: "/haproxy/backends/0/servers/-",
            value: { name: `p3-${n}`, address: `127.0.0.1:${20000 + n}`, check: false },
          }]),
        );
        outcomes.add(`b:${await applyOf()}`);
      },
      async () => {
        // The document a CI job would read, change one weight of and send back (not timed).
        const text = await curl(d, [
          "-H",
          `authorization: Bearer ${d.token}`,
          `${d.url}/api/state`,
        ]);
        bytes = text.length;
        const doc = JSON.parse(text);
        doc.haproxy.backends[0].servers[0].weight = 11 + 2 * c.totals.length;
        c.add(await putState(d, doc));
        outcomes.add(`c:${await applyOf()}`);
      },
      async () => {
        const t = performance.now();
        const check = await checkConfig("haproxy", d.paths.cfg);
        if (!check.ok) throw new Error(`haproxy -c failed: ${check.output}`);
        const checked = performance.now();
        const reload = await master.reload({ timeoutMs: 120_000 });
        if (!reload.ok) throw new Error(`reload failed: ${reload.message}`);
        const done = performance.now();
        floor.totals.push(done - t);
        floor.stages.set("check", [...floor.stages.get("check") ?? [], checked - t]);
        floor.stages.set("reload", [...floor.stages.get("reload") ?? [], done - checked]);
      },
    ];
    for (let round = 0; round < rounds; round++) {
      for (let i = 0; i < steps.length; i++) await steps[(i + round) % steps.length]();
    }
    return {
      servers: backends * servers,
      rounds,
      a,
      b,
      c,
      floor,
      rss: await settledRss(d),
      bytes,
      outcomes,
    };
  } finally {
    await d.stop();
  }
}

/**
 * RSS once the daemon is quiet after its applies: what a monitor sees
 * between deploys, after the daemon handed freed memory back
 * (core/memory_release.ts waits for a quiet second).
 */
async function settledRss(d: DaemonProcess): Promise<number> {
  await new Promise((r) => setTimeout(r, RELEASE_IDLE_MS + 1000));
  return d.rssMiB();
}

/** RSS idle and after 30 applies of 1,000 × 10, in one daemon process. */
async function rssThousand(): Promise<{ idle: number; after: number }> {
  const d = await startDaemonProcess();
  try {
    await new Promise((r) => setTimeout(r, 1000));
    const idle = await d.rssMiB();
    const fe = freePort();
    for (let i = 0; i < 30; i++) await putState(d, bigState(fe, 1000, 10, i + 1));
    return { idle, after: await settledRss(d) };
  } finally {
    await d.stop();
  }
}

const ms = (n: number) => `${n.toFixed(1)} ms`;
const mib = (n: number) => `${n.toFixed(0)} MiB`;

/** Prints the P3 figures. */
export default async function benchP3(): Promise<void> {
  const only = Deno.env.get("BENCH_P3_SIZES")?.split(",").map(Number);
  const rows = { push: (row: string) => console.log(row) }; // each row as soon as measured
  console.log(`daemon V8 flags: ${DAEMON_V8_FLAGS || "(none)"}`);
  const rss = await rssThousand();
  rows.push(
    `RSS idle ${mib(rss.idle)}; after 30 applies of 1,000 × 10: ${mib(rss.after)} ${
      rss.after <= RSS_1K_TARGET ? "ok" : `MISS (target ≤ ${RSS_1K_TARGET} MB)`
    }`,
  );
  for (const [backends, servers, rounds] of SIZES) {
    if (only && !only.includes(backends * servers)) continue;
    const r = await atSize(backends, servers, rounds);
    const f = r.floor.median;
    const big = r.servers >= 100_000;
    const verdict = (ok: boolean, target: string) => big ? (ok ? " ok" : ` MISS (${target})`) : "";
    rows.push(
      `${r.servers.toLocaleString("en")} servers (${(r.bytes / 1e6).toFixed(1)} MB document), ` +
        `median of ${r.rounds} rounds, paths ${[...r.outcomes].join(" ")}:\n` +
        `        floor (haproxy -c + reload) ${ms(f)} [${r.floor.breakdown()}]\n` +
        `        (a) PATCH one weight   ${ms(r.a.median)} = ${(r.a.median / f).toFixed(3)} × floor${
          verdict(r.a.median <= PATCH_TARGET_MS, `target ≤ ${PATCH_TARGET_MS} ms`)
        } [${r.a.breakdown()}]\n` +
        `        (b) PATCH add a server ${ms(r.b.median)} = ${(r.b.median / f).toFixed(3)} × floor${
          verdict(r.b.median <= PATCH_TARGET_MS, `target ≤ ${PATCH_TARGET_MS} ms`)
        } [${r.b.breakdown()}]\n` +
        `        (c) PUT, one weight    ${ms(r.c.median)} = ${(r.c.median / f).toFixed(3)} × floor${
          verdict(r.c.median / f <= PUT_SHARE_TARGET, `target ≤ ${PUT_SHARE_TARGET} × floor`)
        } [${r.c.breakdown()}]` +
        (big
          ? `\n        RSS after these applies: ${mib(r.rss)} ${
            r.rss <= RSS_100K_TARGET ? "ok" : `MISS (target ≤ ${RSS_100K_TARGET} MB)`
          }`
          : ""),
    );
  }
}

if (import.meta.main) await benchP3();
