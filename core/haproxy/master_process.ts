/**
 * The embedded master as a process: launching one that outlives the daemon,
 * finding one a previous daemon left serving, and watching either kind for
 * its exit. The supervision policy (restarts, probes, backoff) is
 * process.ts's; this module only knows processes.
 *
 * @module
 */
import type { MasterClient, ProcInfo } from "./master.ts";
import { cmdline, isAlive, signalPid } from "./stale.ts";

/** The master being supervised: our child, or one adopted from a previous daemon. */
export interface Master {
  /** The master's process id. */
  pid: number;
  /** Resolves with the exit code (null for an adopted master, whose status is not ours). */
  exited: Promise<number | null>;
  /** Sends a signal, unless it is known to be gone (its pid may be someone else's by then). */
  signal(sig: Deno.Signal): void;
  /** Stops watching it without touching the process. */
  release(): void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Runs the binary with its output appended to $PP_HAPROXY_LOG, in a session of its own
 * (`setsid`, when installed), so a Ctrl-C or hang-up meant for the daemon's terminal does
 * not reach HAProxy. `exec` all the way keeps the pid: the child (never a process group
 * leader) is the master.
 */
const LAUNCHER =
  'command -v setsid >/dev/null 2>&1 && exec setsid "$0" "$@" >>"$PP_HAPROXY_LOG" 2>&1; ' +
  'exec "$0" "$@" >>"$PP_HAPROXY_LOG" 2>&1';

/**
 * Spawns `binary args` as the master: output appended to `logFile`, its own
 * session, the returned child's pid being the master's.
 */
export function launchMaster(binary: string, args: string[], logFile: string): Deno.ChildProcess {
  return new Deno.Command("/bin/sh", {
    args: ["-c", LAUNCHER, binary, ...args],
    env: { PP_HAPROXY_LOG: logFile },
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
}

/** What {@link findRunningMaster} found. */
export interface RunningMaster {
  /** The pid of a master to attach to: ours, alive, answering with a worker. */
  adopt: number | null;
  /** True when our master is alive but did not answer: it must be ended. */
  unanswering: boolean;
  /** Its `show proc`, when it answered. */
  proc: ProcInfo | null;
}

/**
 * The master a previous run left, named by `pidFile`: adopt it if it is a
 * live haproxy running `cfgPath` that answers `show proc` on `master` within
 * 3 s (it may be mid-reload, a daemon having been killed during an apply).
 */
export async function findRunningMaster(
  pidFile: string,
  cfgPath: string,
  master: MasterClient,
): Promise<RunningMaster> {
  const none = { adopt: null, unanswering: false, proc: null };
  let pid: number;
  try {
    pid = Number((await Deno.readTextFile(pidFile)).trim().split(/\s+/)[0]);
  } catch {
    return none;
  }
  if (!Number.isInteger(pid) || pid <= 1 || pid === Deno.pid || !(await isAlive(pid))) {
    return none;
  }
  const argv = await cmdline(pid);
  const ours = !!argv && (argv[0] ?? "").split("/").pop()!.includes("haproxy") &&
    argv.includes(cfgPath);
  if (!ours) return none;
  const deadline = Date.now() + 3000;
  while (Date.now() < deadline && await isAlive(pid)) {
    const proc = await master.showProc();
    if (proc && proc.masterPid === pid && proc.workers.length > 0) {
      return { adopt: pid, unanswering: false, proc };
    }
    await sleep(50);
  }
  return { adopt: null, unanswering: true, proc: null };
}

/** A master we spawned: its exit status is ours to read. */
export function spawned(child: Deno.ChildProcess): Master {
  let exited = false;
  return {
    pid: child.pid,
    exited: child.status.then((s) => {
      exited = true;
      return s.code;
    }),
    signal(sig) {
      // child.kill (not kill(pid)) cannot hit a recycled pid once the child is reaped.
      if (exited) return;
      try {
        child.kill(sig);
      } catch { /* already exited */ }
    },
    release() {
      child.unref();
    },
  };
}

/** A master a previous daemon started: watched through /proc, since it is not our child. */
export function adopted(pid: number): Master {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let gone = false;
  const done = Promise.withResolvers<number | null>();
  const poll = async () => {
    if (gone) return;
    if (!(await isAlive(pid))) {
      gone = true;
      done.resolve(null);
      return;
    }
    timer = setTimeout(poll, 100);
  };
  timer = setTimeout(poll, 100);
  return {
    pid,
    exited: done.promise,
    signal(sig) {
      if (!gone) signalPid(pid, sig);
    },
    release() {
      clearTimeout(timer);
      gone = true;
    },
  };
}
