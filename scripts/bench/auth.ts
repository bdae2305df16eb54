/**
 * Authentication benchmark: the throughput of authenticated
 * `GET /api/state` (bearer token, through every guard) over HTTPS, as users
 * run the daemon (`benchConfig`), against a bare `Deno.serve` on the same
 * TLS key pair (and `TCP_NODELAY`, as the daemon's listener) returning the
 * same bytes — the daemon's exact response,
 * every header replayed — measured with `wrk` in one run, alternating, after
 * a warm-up (target ratio ≥ 0.7). For transparency it also compares with a
 * bare server sending only the body, content-type and ETag, and gives each
 * server's CPU per request (steadier than req/s on a shared VM). Then token
 * verification time with 1 and with 1,000 tokens stored (flat, because
 * repeated verification compares a cached SHA-256 digest instead of
 * running bcrypt).
 *
 * Run through `deno task bench`, or alone: `deno run -A scripts/bench/auth.ts`.
 *
 * @module
 */
import { startDaemon } from "../../app/daemon.ts";
import { openDatabase } from "../../core/store/db.ts";
import { parseConfig } from "../../core/config.ts";
import { Auth } from "../../core/auth/service.ts";
import { setListenerNoDelay } from "../../core/http/nodelay.ts";
import { benchConfig, benchNoDelay, median } from "./_util.ts";

const WRK_SECONDS = Number(Deno.env.get("BENCH_WRK_SECONDS") ?? 3);
// Nine alternating rounds: with five, one slow minute of the shared host moved the median
// ratio by ±0.1 between runs.
const ROUNDS = Number(Deno.env.get("BENCH_WRK_ROUNDS") ?? 9);

const WRK_CONNECTIONS = 32;

/** This process's CPU time so far (user + system), in microseconds, from /proc. */
function processCpuUs(): number {
  const fields = Deno.readTextFileSync("/proc/self/stat").split(") ")[1].split(" ");
  // utime and stime are fields 14 and 15 of stat(5), counted after "pid (comm) ".
  return (Number(fields[11]) + Number(fields[12])) * (1_000_000 / 100);
}

/** One wrk run against `url`: requests per second, and this process's CPU µs per request. */
async function wrk(
  url: string,
  headers: Record<string, string> = {},
  seconds = WRK_SECONDS,
): Promise<{ rps: number; cpuUs: number }> {
  const cpu0 = processCpuUs();
  const rps = await wrkRps(url, headers, seconds);
  return { rps, cpuUs: (processCpuUs() - cpu0) / (rps * seconds) };
}

/** Requests per second that `wrk` reports for a URL. */
async function wrkRps(
  url: string,
  headers: Record<string, string>,
  seconds: number,
): Promise<number> {
  const args = ["-t2", `-c${WRK_CONNECTIONS}`, `-d${seconds}s`];
  for (const [k, v] of Object.entries(headers)) args.push("-H", `${k}: ${v}`);
  const out = await new Deno.Command("wrk", { args: [...args, url], stdout: "piped" }).output();
  const text = new TextDecoder().decode(out.stdout);
  if (!out.success) throw new Error(`wrk failed: ${text}`);
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(text);
  if (non2xx) throw new Error(`wrk saw ${non2xx[1]} non-2xx responses from ${url}`);
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(text);
  if (!rps) throw new Error(`no Requests/sec in wrk output: ${text}`);
  return Number(rps[1]);
}

async function throughput(): Promise<void> {
  const dataDir = await Deno.makeTempDir({ prefix: "pp-bench-auth-" });
  const daemon = await startDaemon({
    seed: true,
    config: benchConfig({ dataDir, listen: "127.0.0.1:0" }),
    tcpNoDelay: benchNoDelay(),
  });
  // The bare peers serve over the daemon's own TLS pair, with the same socket option.
  const pair = {
    cert: await Deno.readTextFile(`${daemon.paths.tls}/cert.pem`),
    key: await Deno.readTextFile(`${daemon.paths.tls}/key.pem`),
  };
  // Two peers answer with what the daemon answered, from memory and without a guard: one with
  // the identical response (every header the daemon sends: the literal "same bytes"), one with
  // only the body, content-type and ETag (what a bare server would minimally send).
  let body = "";
  let same: Record<string, string> = {};
  let minimal: Record<string, string> = {};
  const serve = (headers: () => Record<string, string>) =>
    Deno.serve(
      {
        hostname: "127.0.0.1",
        port: 0,
        ...pair,
        onListen({ port }) {
          if (benchNoDelay()) setListenerNoDelay(port);
        },
      },
      () => new Response(body, { headers: headers() }),
    );
  const bareSame = serve(() => same);
  const bareMinimal = serve(() => minimal);
  try {
    daemon.auth.users.create("bench", await daemon.auth.hash("bench-password-123"), "admin");
    const token = (await daemon.auth.tokens.mint("bench", "viewer", "bench", null)).wire;
    const headers = { authorization: `Bearer ${token}` };
    const client = Deno.createHttpClient({ caCerts: [pair.cert] });
    const first = await fetch(`${daemon.url}/api/state`, { headers, client });
    body = await first.text();
    client.close();
    if (first.status !== 200) throw new Error(`GET /api/state answered ${first.status}`);
    // content-length and date are the server's own; every other header is replayed verbatim.
    same = Object.fromEntries(
      [...first.headers].filter(([k]) => k !== "content-length" && k !== "date"),
    );
    minimal = { "content-type": same["content-type"], etag: same.etag };
    const urlOf = (s: Deno.HttpServer) =>
      `https://127.0.0.1:${(s.addr as Deno.NetAddr).port}/api/state`;
    const targets: [string, string, Record<string, string>][] = [
      ["authenticated GET /api/state", `${daemon.url}/api/state`, headers],
      ["bare Deno.serve, the same bytes (every header replayed)", urlOf(bareSame), {}],
      ["bare Deno.serve, only body + content-type + etag", urlOf(bareMinimal), {}],
    ];
    // Warm each server up first (JIT, connection pools): round one was always the slowest.
    for (const [, url, h] of targets) await wrk(url, h, 1);
    // Alternate the three, so drift in machine load hits all alike; report medians.
    const runs = targets.map(() => [] as { rps: number; cpuUs: number }[]);
    for (let round = 0; round < ROUNDS; round++) {
      for (let t = 0; t < targets.length; t++) {
        runs[t].push(await wrk(targets[t][1], targets[t][2]));
      }
    }
    const rps = runs.map((r) => median(r.map((x) => x.rps)));
    const cpu = runs.map((r) => median(r.map((x) => x.cpuUs)));
    const paired = (t: number) => median(runs[0].map((a, i) => a.rps / runs[t][i].rps));
    const lines = targets.map(([name], t) =>
      `  ${name}: ${rps[t].toFixed(0)} req/s, ${cpu[t].toFixed(1)} µs CPU per request`
    );
    console.log(
      `auth: wrk over HTTPS ${ROUNDS}×${WRK_SECONDS}s c=${WRK_CONNECTIONS} (after a warm-up), ` +
        `${body.length} B body, ${Object.keys(same).length} headers (medians):\n` +
        lines.join("\n") + "\n" +
        `  ratio vs the same bytes: ${(rps[0] / rps[1]).toFixed(2)} (median of paired rounds ` +
        `${paired(1).toFixed(2)}; by CPU per request ${(cpu[1] / cpu[0]).toFixed(2)}) ` +
        `target >= 0.7 ${rps[0] / rps[1] >= 0.7 ? "ok" : "MISS"}\n` +
        `  ratio vs body + content-type + etag only: ${(rps[0] / rps[2]).toFixed(2)} ` +
        `(paired ${paired(2).toFixed(2)}; by CPU ${(cpu[2] / cpu[0]).toFixed(2)})`,
    );
  } finally {
    await bareSame.shutdown();
    await bareMinimal.shutdown();
    await daemon.stop({ haproxy: true });
    await Deno.remove(dataDir, { recursive: true });
  }
}

/** Mean microseconds per cached verification with `stored` tokens in the table. */
async function verifyTime(stored: number): Promise<{ firstMs: number; cachedUs: number }> {
  const db = openDatabase(":memory:");
  const auth = new Auth(db, parseConfig("auth: {bcryptCost: 12}"));
  try {
    auth.users.create("bench", "unused", "admin");
    // Filler rows: the count is what matters, so insert them without paying bcrypt 999 times.
    const insert = db.prepare(
      `INSERT INTO auth_tokens (key_id, name, role, secret_hash, created_by, created_at)
       VALUES (?, ?, 'viewer', '$2a$12$filler', 'bench', ?)`,
    );
    for (let i = 0; i < stored - 1; i++) {
      insert.run((0xf0000000 + i).toString(16), `filler-${i}`, new Date().toISOString());
    }
    const { wire } = await auth.tokens.mint("measured", "viewer", "bench", null);
    let t = performance.now();
    if (!(await auth.tokens.verify(wire))) throw new Error("token did not verify");
    const firstMs = performance.now() - t;
    const n = 20_000;
    t = performance.now();
    for (let i = 0; i < n; i++) await auth.tokens.verify(wire);
    return { firstMs, cachedUs: ((performance.now() - t) / n) * 1000 };
  } finally {
    db.close();
  }
}

/** Runs the authentication benchmark and prints its figures. */
export default async function benchAuth(): Promise<void> {
  await throughput();
  for (const stored of [1, 1000]) {
    const { firstMs, cachedUs } = await verifyTime(stored);
    console.log(
      `auth: token verification with ${stored} token(s) stored: ${cachedUs.toFixed(2)} µs ` +
        `(cached digest); first use ${firstMs.toFixed(0)} ms (bcrypt cost 12)`,
    );
  }
}

if (import.meta.main) await benchAuth();
