/**
 * The HAProxy master CLI: reading `show proc` and performing a confirmed
 * reload.
 *
 * A reload is only useful if we know whether it took. HAProxy 2.6 answers
 * `reload` with nothing, so the confirmation comes from `show proc`: the
 * master's reload counter moves, `[failed: N]` says whether loading the new
 * configuration worked, and a new worker pid appears. HAProxy 2.7+ answers
 * `reload` with `Success=1`/`Success=0`, which we trust when present. Both
 * paths end with a parsed `show proc` so the caller learns the new worker pid.
 *
 * @module
 */

import { sendCommand, type SocketResult } from "./socket.ts";

/** One worker line of `show proc`. */
export interface WorkerInfo {
  /** The worker's process id. */
  pid: number;
  /** Reloads this worker has lived through (0 for the newest worker). */
  reloads: number;
}

/** What `show proc` says about the master and its workers. */
export interface ProcInfo {
  /** The master's process id; it stays the same across reloads. */
  masterPid: number;
  /** Reloads since the master started. */
  reloads: number;
  /** The `[failed: N]` counter: non-zero after a reload whose config failed to load. */
  failed: number;
  /** The workers in `show proc` order; old ones linger while they drain connections. */
  workers: WorkerInfo[];
}

/** The result of {@link MasterClient.reload}. */
export type ReloadOutcome =
  | { ok: true; workerPid: number; before: ProcInfo; after: ProcInfo; reply?: string }
  | {
    ok: false;
    kind: "failed" | "timeout" | "unreachable";
    message: string;
    before?: ProcInfo;
    after?: ProcInfo;
    reply?: string;
  };

const ROW = /^(\d+)\s+(\S+)\s+(\d+)(?:\s+\[failed:\s*(\d+)\])?/;

/**
 * Parses the text of `show proc`. Returns null when there is no master line,
 * which is what HAProxy briefly answers (empty output) while it re-executes
 * during a reload.
 */
export function parseShowProc(text: string): ProcInfo | null {
  let master: { pid: number; reloads: number; failed: number } | null = null;
  const workers: WorkerInfo[] = [];
  let section: "master" | "workers" | "other" = "master";
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "") continue;
    if (line.startsWith("#")) {
      if (/^#\s*workers/i.test(line)) section = "workers";
      else if (/^#\s*\w/.test(line)) section = "other";
      continue;
    }
    const m = ROW.exec(line);
    if (!m) continue;
    const [pid, type, reloads] = [Number(m[1]), m[2], Number(m[3])];
    if (type === "master") {
      master = { pid, reloads, failed: Number(m[4] ?? 0) };
    } else if (type === "worker" && section !== "other") {
      workers.push({ pid, reloads });
    }
  }
  if (!master) return null;
  return { masterPid: master.pid, reloads: master.reloads, failed: master.failed, workers };
}

/** Options for {@link MasterClient.reload}. */
export interface ReloadOptions {
  /** How long to wait for the master to report the reload (default 15000 ms). */
  timeoutMs?: number;
  /** How often to poll `show proc` (default 5 ms). */
  pollMs?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A client for one master CLI socket. It holds no connection: each call is a
 * fresh one-shot command, so a re-executing master never leaves it stale.
 */
export class MasterClient {
  /** `socketPath` is the master socket given to `haproxy -S` (or an `ipv4@` address). */
  constructor(readonly socketPath: string) {}

  /** Sends one raw command to the master CLI (prefix `@1 ` to address worker 1). */
  command(command: string, timeoutMs = 5000): Promise<SocketResult> {
    return sendCommand(this.socketPath, command, { timeoutMs });
  }

  /** The parsed `show proc`, or null if the master is unreachable or mid re-exec. */
  async showProc(): Promise<ProcInfo | null> {
    const res = await this.command("show proc", 2000);
    return res.ok ? parseShowProc(res.output) : null;
  }

  /**
   * Reloads HAProxy and confirms the outcome: ok with the new worker's pid, or
   * "failed" (the new config did not load; the old worker keeps serving),
   * "timeout" (no confirmation in time) or "unreachable" (no master).
   */
  async reload(opts: ReloadOptions = {}): Promise<ReloadOutcome> {
    const timeoutMs = opts.timeoutMs ?? 15000;
    const pollMs = opts.pollMs ?? 5;
    const deadline = Date.now() + timeoutMs;
    const before = await this.showProc();
    if (!before) {
      return { ok: false, kind: "unreachable", message: `no show proc from ${this.socketPath}` };
    }
    const sent = await this.command("reload", timeoutMs);
    if (!sent.ok && sent.error.kind !== "io") {
      // A reset while the master re-execs is normal ("io"); anything else means it never got there.
      const kind = sent.error.kind === "timeout" ? "timeout" : "unreachable";
      return { ok: false, kind, message: sent.error.message, before };
    }
    const reply = sent.ok ? sent.output : "";
    const verdict = /Success=([01])/.exec(reply)?.[1];
    let after: ProcInfo | null = null;
    while (Date.now() < deadline) {
      const now = await this.showProc();
      if (now && now.reloads > before.reloads) {
        after = now;
        // Wait for the new worker too, unless the load already failed.
        if (settled(before, now, verdict)) break;
      }
      await sleep(pollMs);
    }
    if (!after) {
      return {
        ok: false,
        kind: "timeout",
        message: `master did not report the reload within ${timeoutMs} ms`,
        before,
        reply,
      };
    }
    return judge(before, after, verdict, reply);
  }
}

function freshWorkers(before: ProcInfo, after: ProcInfo): WorkerInfo[] {
  const known = new Set(before.workers.map((w) => w.pid));
  return after.workers.filter((w) => !known.has(w.pid));
}

function settled(before: ProcInfo, after: ProcInfo, verdict: string | undefined): boolean {
  const loaded = verdict !== undefined ? verdict === "1" : after.failed === 0;
  return !loaded || freshWorkers(before, after).length > 0;
}

function judge(
  before: ProcInfo,
  after: ProcInfo,
  verdict: string | undefined,
  reply: string,
): ReloadOutcome {
  const fresh = freshWorkers(before, after);
  const newest = fresh.find((w) => w.reloads === 0) ?? fresh[0];
  const loaded = verdict !== undefined ? verdict === "1" : after.failed === 0;
  if (!loaded) {
    const message = `HAProxy could not load the new configuration (failed: ${after.failed})`;
    return { ok: false, kind: "failed", message, before, after, reply };
  }
  if (!newest) {
    const message = "reload reported success but no new worker appeared";
    return { ok: false, kind: "failed", message, before, after, reply };
  }
  return { ok: true, workerPid: newest.pid, before, after, reply };
}
