/**
 * A daemon in its own process, for benchmarks that measure the daemon's
 * memory (RSS of a process that holds nothing but patchpanel) and time it
 * from curl, as a CI job sees it. `patchpanel serve` with the bench config
 * (HTTPS, its self-signed pair, bcrypt cost 12), an admin created with
 * `user-add`, and an API token minted over a cookie session.
 *
 * @module
 */
import { freePort } from "../../tests/support/daemon.ts";
import { type DataPaths, dataPaths } from "../../core/paths.ts";
import { benchConfig, caArgs } from "./_util.ts";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;

/**
 * The V8 flags the daemon runs with, as `deno task start`, `scripts/start` and the compiled
 * binary pass them (deno.json); `BENCH_V8_FLAGS=` (empty) measures the daemon without them.
 */
export const DAEMON_V8_FLAGS = Deno.env.get("BENCH_V8_FLAGS") ?? "--optimize-for-size";
const PASSWORD = "bench-admin-password";

/** A running daemon process and what a benchmark needs to drive it. */
export interface DaemonProcess {
  url: string;
  dataDir: string;
  paths: DataPaths;
  pid: number;
  token: string;
  /** The daemon's resident set size now, in MiB (from /proc). */
  rssMiB(): Promise<number>;
  /** Stops the daemon and its HAProxy, removes the data directory. */
  stop(): Promise<void>;
}

/** curl with the daemon's CA; resolves to stdout, throws with stderr on failure. */
export async function curl(d: { paths: DataPaths }, args: string[]): Promise<string> {
  const out = await new Deno.Command("curl", {
    args: ["-sS", ...caArgs(d.paths.tls), ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) throw new Error(`curl failed: ${new TextDecoder().decode(out.stderr)}`);
  return new TextDecoder().decode(out.stdout);
}

async function run(args: string[], stdin?: string): Promise<void> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, ...args],
    stdin: stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (stdin !== undefined) {
    const w = child.stdin.getWriter();
    await w.write(new TextEncoder().encode(stdin));
    await w.close();
  }
  const out = await child.output();
  if (!out.success) {
    throw new Error(`patchpanel ${args[0]} failed: ${new TextDecoder().decode(out.stderr)}`);
  }
}

/** Starts `patchpanel serve` (seeded state) with `config` merged over the bench config. */
export async function startDaemonProcess(
  config: Record<string, unknown> = {},
): Promise<DaemonProcess> {
  const dataDir = await Deno.makeTempDir({ prefix: "pp-bench-proc-" });
  const port = freePort();
  const file = `${dataDir}/config.yaml`;
  // JSON is YAML.
  await Deno.writeTextFile(
    file,
    JSON.stringify(benchConfig({ dataDir, listen: `127.0.0.1:${port}`, ...config })),
  );
  const common = ["--config", file, "--data-dir", dataDir];
  await run(["user-add", "admin", "--role", "admin", ...common], PASSWORD + "\n");
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      ...(DAEMON_V8_FLAGS ? [`--v8-flags=${DAEMON_V8_FLAGS}`] : []),
      // e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`, to see where a figure's time goes.
      ...(Deno.env.get("BENCH_DENO_FLAGS")?.split(" ").filter(Boolean) ?? []),
      MAIN,
      "serve",
      ...common,
    ],
    stdin: "null",
    // BENCH_DAEMON_STDOUT=inherit shows what V8 flags such as --trace-gc print.
    stdout: Deno.env.get("BENCH_DAEMON_STDOUT") === "inherit" ? "inherit" : "null",
    stderr: "inherit",
    // As scripts/start and the systemd unit run it; BENCH_DAEMON_ENV='{"MALLOC_ARENA_MAX":""}' not.
    env: { MALLOC_ARENA_MAX: "2", ...JSON.parse(Deno.env.get("BENCH_DAEMON_ENV") ?? "{}") },
  }).spawn();
  const paths = dataPaths(dataDir);
  const url = `https://127.0.0.1:${port}`;
  const stop = async () => {
    await run(["stop", ...common]).catch(() => {});
    try {
      child.kill("SIGKILL");
    } catch { /* already gone */ }
    await child.status;
    await Deno.remove(dataDir, { recursive: true }).catch(() => {});
  };
  try {
    const started = Date.now();
    for (;;) {
      const ok = await curl({ paths }, ["-o", "/dev/null", "-w", "%{http_code}", `${url}/health`])
        .then((s) => s === "200", () => false);
      if (ok) break;
      if (Date.now() - started > 60_000) throw new Error("daemon did not become healthy");
      await new Promise((r) => setTimeout(r, 200));
    }
    const jar = `${dataDir}/bench-cookies.txt`;
    const login = JSON.parse(
      await curl({ paths }, [
        "-c",
        jar,
        "-H",
        "content-type: application/json",
        "-d",
        JSON.stringify({ username: "admin", password: PASSWORD }),
        `${url}/api/auth/login`,
      ]),
    );
    const minted = JSON.parse(
      await curl({ paths }, [
        "-b",
        jar,
        "-H",
        "content-type: application/json",
        "-H",
        `x-csrf-token: ${login.csrfToken}`,
        "-d",
        JSON.stringify({ name: "bench" }),
        `${url}/api/api-tokens`,
      ]),
    );
    if (typeof minted.wire !== "string") throw new Error(`no token: ${JSON.stringify(minted)}`);
    return {
      url,
      dataDir,
      paths,
      pid: child.pid,
      token: minted.wire,
      rssMiB: async () => {
        const status = await Deno.readTextFile(`/proc/${child.pid}/status`);
        return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? NaN) / 1024;
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
