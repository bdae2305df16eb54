/**
 * The embedded HAProxy: patchpanel starts `haproxy -W -S <masterSocket>` itself
 * and keeps it alive.
 *
 * HAProxy runs in the foreground (no `-D`) so its stderr, where load errors go,
 * is ours to capture into a {@link LogRing}. If the master exits while we
 * supervise it, it is restarted with exponential backoff. In HAProxy 2.6 a
 * worker that dies (even kill -9) takes the master with it ("exit-on-failure"
 * — and `master-worker no-exit-on-failure` is lost when the master re-execs in
 * wait mode), so worker death usually surfaces as a master exit; if a master
 * ever survives without workers we ask it to `reload`, which forks a new one.
 *
 * @module
 */

import { LogRing, pumpLines } from "./log_ring.ts";
import { MasterClient, type ProcInfo } from "./master.ts";
import { killStaleHaproxy, reapPids } from "./stale.ts";

/** What the supervisor tells the daemon (which audits it). */
export interface HaproxyEvent {
  kind: "restarted" | "exited" | "worker-died";
  detail: string;
  pid?: number;
  code?: number;
}

/** Why {@link EmbeddedHaproxy.start} failed. */
export type StartErrorKind = "exited" | "timeout" | "spawn" | "stopped";

/** Thrown by {@link EmbeddedHaproxy.start}; `output` is HAProxy's own stderr/stdout. */
export class HaproxyStartError extends Error {
  /** `kind` tells callers what happened without parsing `message`. */
  constructor(
    readonly kind: StartErrorKind,
    message: string,
    readonly output: string,
    readonly code?: number,
  ) {
    super(message);
    this.name = "HaproxyStartError";
  }
}

/** Restart pacing: doubling from `initialMs` to `maxMs`, reset after `resetAfterMs` up. */
export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  resetAfterMs: number;
}

/** The defaults the daemon uses: 250 ms doubling to 30 s, reset after 60 s healthy. */
export const DEFAULT_BACKOFF: BackoffOptions = {
  initialMs: 250,
  maxMs: 30_000,
  resetAfterMs: 60_000,
};

/** How to run the embedded HAProxy. */
export interface EmbeddedOptions {
  binary: string;
  cfgPath: string;
  masterSocket: string;
  pidFile: string;
  onEvent?: (event: HaproxyEvent) => void;
  /** Lines of output kept for {@link EmbeddedHaproxy.logSince} (default 2000). */
  logCapacity?: number;
  /** How long start-up may take before it counts as failed (default 15000 ms). */
  startTimeoutMs?: number;
  /** Grace between SIGTERM and SIGKILL on stop (default 5000 ms). */
  stopTimeoutMs?: number;
  backoff?: Partial<BackoffOptions>;
}

type State = "idle" | "starting" | "running" | "stopping";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const WORKER_DIED = /(?:Current|Former) worker \((\d+)\) exited with code (\d+)/;

/**
 * Supervises one embedded HAProxy master (and through it, its workers).
 *
 * Core machinery, reachable from a `Daemon` for tests and embedders;
 * not part of the plugin API (hence `@internal`: `deno doc` does not list it).
 *
 * @internal
 */
export class EmbeddedHaproxy {
  readonly master: MasterClient;
  #opts: EmbeddedOptions;
  #backoff: BackoffOptions;
  #log: LogRing;
  #state: State = "idle";
  #child: Deno.ChildProcess | null = null;
  #exited: Promise<void> = Promise.resolve();
  #pumps: Promise<void>[] = [];
  #readyAt = 0;
  #delay: number;
  #restartTimer: ReturnType<typeof setTimeout> | undefined;
  #workerTimer: ReturnType<typeof setTimeout> | undefined;
  #lastProc: ProcInfo | null = null;

  /** Nothing runs until {@link start}; `opts.onEvent` receives supervision events. */
  constructor(opts: EmbeddedOptions) {
    this.#opts = opts;
    this.#backoff = { ...DEFAULT_BACKOFF, ...opts.backoff };
    this.#delay = this.#backoff.initialMs;
    this.#log = new LogRing(opts.logCapacity);
    this.master = new MasterClient(opts.masterSocket);
  }

  /** The master's pid while one runs. */
  get pid(): number | null {
    return this.#child?.pid ?? null;
  }

  /** The sequence number of the newest captured line; pass it to {@link logSince}. */
  logMark(): number {
    return this.#log.mark();
  }

  /** Everything HAProxy printed after `mark` (bounded by the ring's capacity). */
  logSince(mark: number): string {
    return this.#log.since(mark);
  }

  /**
   * Starts HAProxy and resolves once the master answers `show proc` with a
   * worker. Ends a stale HAProxy from a crashed run first. Rejects with a
   * {@link HaproxyStartError} (carrying HAProxy's output) if it exits or
   * does not come up in time; nothing is left running in that case.
   */
  async start(): Promise<void> {
    if (this.#state !== "idle") throw new Error(`EmbeddedHaproxy.start: already ${this.#state}`);
    this.#state = "starting";
    try {
      await killStaleHaproxy(this.#opts.pidFile, this.#opts.cfgPath);
      await this.#launch();
      this.#state = "running";
    } catch (err) {
      this.#state = "idle";
      throw err;
    }
  }

  /** Stops supervising, then stops master and workers (SIGTERM, SIGKILL after the grace). */
  async stop(): Promise<void> {
    if (this.#state === "idle") return;
    this.#state = "stopping";
    clearTimeout(this.#restartTimer);
    clearTimeout(this.#workerTimer);
    await this.#terminate();
    this.#state = "idle";
  }

  async #launch(): Promise<void> {
    const { binary, cfgPath, masterSocket, pidFile } = this.#opts;
    await Deno.remove(masterSocket).catch(() => {});
    const mark = this.#log.mark();
    if (this.#isStopping()) throw new HaproxyStartError("stopped", "stopped", "");
    let child: Deno.ChildProcess;
    try {
      child = new Deno.Command(binary, {
        args: ["-W", "-S", masterSocket, "-f", cfgPath, "-p", pidFile],
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      }).spawn();
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      throw new HaproxyStartError("spawn", `cannot start ${binary}: ${msg}`, "");
    }
    this.#child = child;
    const onLine = (line: string) => this.#onLine(child, line);
    this.#pumps = [pumpLines(child.stdout, onLine), pumpLines(child.stderr, onLine)];
    let exitCode: number | null = null;
    this.#exited = child.status.then((s) => {
      exitCode = s.code;
      this.#onExit(child, s.code);
    });
    const deadline = Date.now() + (this.#opts.startTimeoutMs ?? 15_000);
    while (true) {
      if (exitCode !== null) {
        if (this.#child === child) this.#child = null;
        await Promise.all(this.#pumps);
        const output = this.#log.since(mark);
        throw new HaproxyStartError(
          "exited",
          `haproxy exited with code ${exitCode} during start-up`,
          output,
          exitCode,
        );
      }
      if (this.#isStopping()) {
        await this.#terminate();
        throw new HaproxyStartError("stopped", "stopped during start-up", this.#log.since(mark));
      }
      const proc = await this.master.showProc();
      if (proc && proc.masterPid === child.pid && proc.workers.length > 0) {
        this.#lastProc = proc;
        this.#readyAt = Date.now();
        return;
      }
      if (Date.now() > deadline) {
        await this.#terminate();
        throw new HaproxyStartError("timeout", "haproxy did not come up", this.#log.since(mark));
      }
      await sleep(30);
    }
  }

  /** A method, not an inline comparison: the state changes across awaits. */
  #isStopping(): boolean {
    return this.#state === "stopping";
  }

  #onLine(child: Deno.ChildProcess, line: string): void {
    this.#log.push(line);
    const m = WORKER_DIED.exec(line);
    if (!m || !line.includes("Current worker") || this.#state !== "running") return;
    const [pid, code] = [Number(m[1]), Number(m[2])];
    this.#emit({ kind: "worker-died", detail: line.replace(/^\S+\s+/, ""), pid, code });
    // Normally the 2.6 master follows its worker out; if it does not, ask it for a new worker.
    clearTimeout(this.#workerTimer);
    this.#workerTimer = setTimeout(() => this.#respawnWorker(child), 500);
  }

  async #respawnWorker(child: Deno.ChildProcess): Promise<void> {
    if (this.#child !== child || this.#state !== "running") return;
    const proc = await this.master.showProc();
    if (proc && proc.masterPid === child.pid && proc.workers.length === 0) {
      await this.master.reload();
    }
  }

  #onExit(child: Deno.ChildProcess, code: number): void {
    if (this.#child !== child || this.#state !== "running") return;
    this.#child = null;
    const lastLine = this.#log.tail(1);
    this.#emit({
      kind: "exited",
      detail: `haproxy master ${child.pid} exited with code ${code}: ${lastLine}`,
      pid: child.pid,
      code,
    });
    if (this.#readyAt > 0 && Date.now() - this.#readyAt >= this.#backoff.resetAfterMs) {
      this.#delay = this.#backoff.initialMs;
    }
    const delay = this.#delay;
    this.#delay = Math.min(this.#delay * 2, this.#backoff.maxMs);
    this.#readyAt = 0;
    this.#restartTimer = setTimeout(() => this.#restart(), delay);
  }

  async #restart(): Promise<void> {
    if (this.#state !== "running") return;
    await Promise.all(this.#pumps);
    if (this.#state !== "running") return;
    try {
      await this.#launch();
    } catch {
      // The failed attempt's exit (or its termination after a timeout) has gone
      // through #onExit, which already reported it and scheduled the next try.
      return;
    }
    const worker = this.#lastProc?.workers[0]?.pid;
    this.#emit({
      kind: "restarted",
      detail: `haproxy master ${this.#child?.pid} restarted with worker ${worker}`,
      pid: this.#child?.pid,
    });
  }

  async #terminate(): Promise<void> {
    const child = this.#child;
    if (!child) {
      await Promise.all(this.#pumps);
      return;
    }
    const proc = await this.master.showProc();
    const workers = proc?.workers.map((w) => w.pid) ?? this.#lastProc?.workers.map((w) => w.pid);
    // child.kill (not kill(pid)) cannot hit a recycled pid once the child is reaped.
    const kill = (sig: Deno.Signal) => {
      try {
        child.kill(sig);
      } catch { /* already exited */ }
    };
    kill("SIGTERM");
    const grace = this.#opts.stopTimeoutMs ?? 5000;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<false>((r) => timer = setTimeout(() => r(false), grace));
    const done = await Promise.race([this.#exited.then(() => true), late]);
    clearTimeout(timer);
    if (!done) kill("SIGKILL");
    await this.#exited;
    await reapPids(workers ?? [], grace);
    await Promise.all(this.#pumps);
    if (this.#child === child) this.#child = null;
    await Deno.remove(this.#opts.masterSocket).catch(() => {});
  }

  #emit(event: HaproxyEvent): void {
    try {
      this.#opts.onEvent?.(event);
    } catch { /* a faulty listener must not break supervision */ }
  }
}
