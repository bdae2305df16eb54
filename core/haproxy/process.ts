/**
 * The embedded HAProxy: patchpanel starts `haproxy -W -S <masterSocket>` itself
 * and keeps it alive — and leaves it serving when the daemon itself stops.
 *
 * The master writes its output to a file in the data directory (log_tail.ts),
 * not to a pipe, so it outlives the daemon that started it: a daemon restart
 * (an upgrade, SIGTERM) does not take the load balancer down. The next start
 * finds the running master through its pid file and master socket and
 * attaches to it instead of starting another; only an explicit stop
 * ({@link EmbeddedHaproxy.stop}, `patchpanel stop`) ends HAProxy.
 *
 * Supervision: a master that exits is restarted with exponential backoff;
 * one that stops answering its master socket for `unresponsiveMs` (SIGSTOP,
 * a wedged process) is killed and restarted the same way. In HAProxy 2.6 a
 * worker that dies (even kill -9) takes the master with it ("exit-on-failure"
 * — and `master-worker no-exit-on-failure` is lost when the master re-execs in
 * wait mode), so worker death usually surfaces as a master exit; if a master
 * ever survives without workers we ask it to `reload`, which forks a new one.
 *
 * @module
 */

import { dirname } from "node:path";
import { LogRing } from "./log_ring.ts";
import { LogTail } from "./log_tail.ts";
import { MasterClient, type ProcInfo } from "./master.ts";
import { childrenOf, killStaleHaproxy, reapPids, signalPid } from "./stale.ts";
import {
  adopted,
  findRunningMaster,
  launchMaster,
  type Master,
  spawned,
} from "./master_process.ts";

/** What the supervisor tells the daemon (which audits it). */
export interface HaproxyEvent {
  kind: "restarted" | "exited" | "worker-died" | "unresponsive";
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

/**
 * What {@link EmbeddedHaproxy.start} found and did, so start-up can audit it:
 * attached to a master a previous daemon left running, or started a new one
 * (after ending an orphan that did not answer, `replaced`).
 */
export interface StartInfo {
  /** True when an already running master was adopted (no new process). */
  attached: boolean;
  /** The master's pid. */
  pid: number;
  /** The pid of a previous run's master that was ended because it did not answer. */
  replaced: number | null;
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
  /** Where the master's stdout and stderr go (default `haproxy.log` beside the pid file). */
  logFile?: string;
  onEvent?: (event: HaproxyEvent) => void;
  /** Lines of output kept for {@link EmbeddedHaproxy.logSince} (default 2000). */
  logCapacity?: number;
  /** How long start-up may take before it counts as failed (default 15000 ms). */
  startTimeoutMs?: number;
  /** Grace between SIGTERM and SIGKILL on stop (default 5000 ms). */
  stopTimeoutMs?: number;
  /**
   * A master that does not answer `show proc` for this long is killed and
   * restarted (default 15000 ms, the reload confirmation budget).
   */
  unresponsiveMs?: number;
  /** How often the master is probed (default 1000 ms). */
  probeMs?: number;
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
  #tail: LogTail;
  #logFile: string;
  #state: State = "idle";
  #current: Master | null = null;
  #readyAt = 0;
  #delay: number;
  #restartTimer: ReturnType<typeof setTimeout> | undefined;
  #workerTimer: ReturnType<typeof setTimeout> | undefined;
  #probeTimer: ReturnType<typeof setTimeout> | undefined;
  #lastAnswer = 0;
  #lastProc: ProcInfo | null = null;

  /** Nothing runs until {@link start}; `opts.onEvent` receives supervision events. */
  constructor(opts: EmbeddedOptions) {
    this.#opts = opts;
    this.#backoff = { ...DEFAULT_BACKOFF, ...opts.backoff };
    this.#delay = this.#backoff.initialMs;
    this.#log = new LogRing(opts.logCapacity);
    this.#logFile = opts.logFile ?? `${dirname(opts.pidFile)}/haproxy.log`;
    this.#tail = new LogTail(this.#logFile, (line) => this.#onLine(line));
    this.master = new MasterClient(opts.masterSocket);
  }

  /** The master's pid while one runs. */
  get pid(): number | null {
    return this.#current?.pid ?? null;
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
   * Makes a master run and resolves once it answers `show proc` with a
   * worker. A master left running by a previous daemon (named by the pid
   * file, running our cfg, answering on our master socket) is attached to as
   * it is; one that does not answer is ended first. Rejects with a
   * {@link HaproxyStartError} (carrying HAProxy's output) if a new master
   * exits or does not come up in time; nothing is left running in that case.
   */
  async start(): Promise<StartInfo> {
    if (this.#state !== "idle") throw new Error(`EmbeddedHaproxy.start: already ${this.#state}`);
    this.#state = "starting";
    try {
      const found = await findRunningMaster(this.#opts.pidFile, this.#opts.cfgPath, this.master);
      if (found.proc) this.#lastProc = found.proc;
      let info: StartInfo;
      if (found.adopt) {
        await this.#tail.follow(true);
        this.#current = adopted(found.adopt);
        this.#watch(this.#current);
        info = { attached: true, pid: found.adopt, replaced: null };
      } else {
        let replaced: number | null = null;
        if (found.unanswering) {
          replaced = await killStaleHaproxy(this.#opts.pidFile, this.#opts.cfgPath);
        }
        info = { attached: false, pid: await this.#launch(), replaced };
      }
      this.#readyAt = Date.now();
      this.#lastAnswer = Date.now();
      this.#state = "running";
      this.#probe();
      return info;
    } catch (err) {
      this.#state = "idle";
      await this.#tail.stop();
      throw err;
    }
  }

  /** Stops supervising, then stops master and workers (SIGTERM, SIGKILL after the grace). */
  async stop(): Promise<void> {
    if (this.#state === "idle") return;
    this.#state = "stopping";
    this.#clearTimers();
    await this.#terminate();
    await this.#tail.stop();
    this.#state = "idle";
  }

  /**
   * Stops supervising and leaves HAProxy serving, for the next daemon to
   * attach to (what a daemon restart does).
   */
  async detach(): Promise<void> {
    if (this.#state === "idle") return;
    this.#state = "stopping";
    this.#clearTimers();
    this.#current?.release();
    this.#current = null;
    await this.#tail.stop();
    this.#state = "idle";
  }

  /**
   * Checks the master now and, if it has not answered for `unresponsiveMs`,
   * kills it to be restarted, without waiting for the next probe
   * (`HaproxyClient.reload` calls this after a reload went unconfirmed).
   * Resolves once the check is done.
   */
  async checkResponsive(): Promise<void> {
    const master = this.#current;
    if (this.#state !== "running" || !master) return;
    const proc = await this.master.showProc();
    if (proc && proc.masterPid === master.pid) {
      this.#lastAnswer = Date.now();
      return;
    }
    // #recover ignores a master that is no longer the current one (it exited meanwhile).
    if (Date.now() - this.#lastAnswer > this.#unresponsiveMs()) this.#recover(master);
  }

  #clearTimers(): void {
    clearTimeout(this.#restartTimer);
    clearTimeout(this.#workerTimer);
    clearTimeout(this.#probeTimer);
  }

  #unresponsiveMs(): number {
    return this.#opts.unresponsiveMs ?? 15_000;
  }

  /** Spawns a master and resolves with its pid once it answers with a worker. */
  async #launch(): Promise<number> {
    const { binary, cfgPath, masterSocket, pidFile } = this.#opts;
    await Deno.remove(masterSocket).catch(() => {});
    if (this.#isStopping()) throw new HaproxyStartError("stopped", "stopped", "");
    // A fresh master starts a fresh output file (the tail rereads it from the start).
    await Deno.writeTextFile(this.#logFile, "", { mode: 0o600 });
    await this.#tail.follow(false);
    const mark = this.#log.mark();
    let child: Deno.ChildProcess;
    try {
      child = launchMaster(
        binary,
        ["-W", "-S", masterSocket, "-f", cfgPath, "-p", pidFile],
        this.#logFile,
      );
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      throw new HaproxyStartError("spawn", `cannot start ${binary}: ${msg}`, "");
    }
    const master = spawned(child);
    this.#current = master;
    this.#lastAnswer = Date.now(); // a starting master gets the whole grace before the probe judges
    let exitCode: number | null | undefined;
    master.exited.then((code) => exitCode = code);
    this.#watch(master);
    const deadline = Date.now() + (this.#opts.startTimeoutMs ?? 15_000);
    while (true) {
      if (exitCode !== undefined) {
        if (this.#current === master) this.#current = null;
        await this.#tail.drain();
        const output = this.#log.since(mark);
        throw new HaproxyStartError(
          "exited",
          `haproxy exited with code ${exitCode} during start-up`,
          output,
          exitCode ?? undefined,
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
        this.#lastAnswer = Date.now();
        return child.pid;
      }
      if (Date.now() > deadline) {
        await this.#terminate();
        await this.#tail.drain();
        throw new HaproxyStartError("timeout", "haproxy did not come up", this.#log.since(mark));
      }
      await sleep(30);
    }
  }

  /** A method, not an inline comparison: the state changes across awaits. */
  #isStopping(): boolean {
    return this.#state === "stopping";
  }

  #watch(master: Master): void {
    master.exited.then((code) => this.#onExit(master, code));
  }

  #onLine(line: string): void {
    this.#log.push(line);
    const m = WORKER_DIED.exec(line);
    if (!m || !line.includes("Current worker") || this.#state !== "running") return;
    const [pid, code] = [Number(m[1]), Number(m[2])];
    this.#emit({ kind: "worker-died", detail: line.replace(/^\S+\s+/, ""), pid, code });
    // Normally the 2.6 master follows its worker out; if it does not, ask it for a new worker.
    const master = this.#current;
    clearTimeout(this.#workerTimer);
    this.#workerTimer = setTimeout(() => this.#respawnWorker(master), 500);
  }

  async #respawnWorker(master: Master | null): Promise<void> {
    if (!master || this.#current !== master || this.#state !== "running") return;
    const proc = await this.master.showProc();
    if (proc && proc.masterPid === master.pid && proc.workers.length === 0) {
      await this.master.reload();
    }
  }

  /** Probes the master every `probeMs`; one silent for `unresponsiveMs` is restarted. */
  #probe(): void {
    clearTimeout(this.#probeTimer);
    if (this.#state !== "running") return;
    this.#probeTimer = setTimeout(async () => {
      await this.checkResponsive();
      this.#probe();
    }, this.#opts.probeMs ?? 1000);
  }

  #recover(master: Master): void {
    if (this.#current !== master) return;
    const silent = Date.now() - this.#lastAnswer;
    this.#emit({
      kind: "unresponsive",
      detail: `haproxy master ${master.pid} did not answer its master socket for ${silent} ms; ` +
        `killing it to restart`,
      pid: master.pid,
    });
    // Its workers would keep the ports and old connections: they go too (the new master's
    // listeners bind beside them with SO_REUSEPORT until they are gone).
    void childrenOf(master.pid).then((workers) => {
      master.signal("SIGKILL");
      for (const w of workers) signalPid(w, "SIGKILL");
    });
  }

  #onExit(master: Master, code: number | null): void {
    if (this.#current !== master || this.#state !== "running") return;
    this.#current = null;
    const lastLine = this.#log.tail(1);
    this.#emit({
      kind: "exited",
      detail: `haproxy master ${master.pid} exited with code ${code ?? "unknown"}: ${lastLine}`,
      pid: master.pid,
      code: code ?? undefined,
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
      detail: `haproxy master ${this.#current?.pid} restarted with worker ${worker}`,
      pid: this.#current?.pid,
    });
  }

  async #terminate(): Promise<void> {
    const master = this.#current;
    if (!master) return;
    const proc = await this.master.showProc();
    const workers = proc?.workers.map((w) => w.pid) ?? this.#lastProc?.workers.map((w) => w.pid);
    const orphans = await childrenOf(master.pid);
    master.signal("SIGTERM");
    const grace = this.#opts.stopTimeoutMs ?? 5000;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<false>((r) => timer = setTimeout(() => r(false), grace));
    const done = await Promise.race([master.exited.then(() => true), late]);
    clearTimeout(timer);
    if (!done) master.signal("SIGKILL");
    await master.exited;
    await reapPids([...new Set([...(workers ?? []), ...orphans])], grace);
    if (this.#current === master) this.#current = null;
    await Deno.remove(this.#opts.masterSocket).catch(() => {});
  }

  #emit(event: HaproxyEvent): void {
    try {
      this.#opts.onEvent?.(event);
    } catch { /* a faulty listener must not break supervision */ }
  }
}
