/**
 * `patchpanel stop`: the explicit way to take the load balancer down.
 *
 * A daemon that stops (SIGTERM, an upgrade) leaves its embedded HAProxy
 * serving for the next start to attach to. To stop both, this ends the
 * daemon named by `<data>/patchpanel.pid` (SIGTERM, so it shuts down
 * cleanly) and then the embedded HAProxy master named by `<data>/haproxy.pid`
 * with its workers — each only if it is really ours (a pid file can outlive
 * its process, and the pid be recycled).
 *
 * @module
 */
import type { DataPaths } from "./paths.ts";
import { cmdline, isAlive, killStaleHaproxy, signalPid } from "./haproxy/stale.ts";

/** What {@link stopAll} ended (null: it was not running). */
export interface StopReport {
  /** The daemon's pid, if one was running. */
  daemon: number | null;
  /** The HAProxy master's pid, if one was running (never in attach mode). */
  haproxy: number | null;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function readPid(file: string): Promise<number | null> {
  try {
    const pid = Number((await Deno.readTextFile(file)).trim().split(/\s+/)[0]);
    return Number.isInteger(pid) && pid > 1 && pid !== Deno.pid ? pid : null;
  } catch {
    return null;
  }
}

/** The pid of the daemon serving `paths`, if its pid file names a live `serve` process. */
export async function runningDaemon(paths: DataPaths): Promise<number | null> {
  const pid = await readPid(paths.daemonPid);
  if (pid === null || !(await isAlive(pid))) return null;
  const argv = await cmdline(pid);
  return argv?.includes("serve") ? pid : null;
}

/**
 * Stops the daemon (waiting up to `graceMs` for it, then SIGKILL) and, with
 * `haproxy`, the embedded HAProxy running `paths.cfg`.
 */
export async function stopAll(
  paths: DataPaths,
  opts: { haproxy: boolean; graceMs?: number },
): Promise<StopReport> {
  const grace = opts.graceMs ?? 15_000;
  const daemon = await runningDaemon(paths);
  if (daemon !== null) {
    signalPid(daemon, "SIGTERM");
    const deadline = Date.now() + grace;
    while (Date.now() < deadline && await isAlive(daemon)) await sleep(50);
    if (await isAlive(daemon)) signalPid(daemon, "SIGKILL");
    while (await isAlive(daemon)) await sleep(50);
  }
  const haproxy = opts.haproxy ? await killStaleHaproxy(paths.haproxyPid, paths.cfg, 5000) : null;
  return { daemon, haproxy };
}
