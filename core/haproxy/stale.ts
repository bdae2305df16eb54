/**
 * Finding and ending a HAProxy left behind by a previous daemon run.
 *
 * A daemon that stops (or crashes) leaves its embedded HAProxy serving, with
 * the ports and the master socket. The next start reads the pid file: a live
 * haproxy whose command line mentions our config file is ours — attached to
 * if it answers its master socket (process.ts), ended here if it does not,
 * and ended here by `patchpanel stop`. Anything else named by the pid file
 * (recycled pid, another program) is left alone.
 *
 * @module
 */

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** True while `pid` exists and is not a zombie (a zombie no longer holds anything). */
export async function isAlive(pid: number): Promise<boolean> {
  try {
    const stat = await Deno.readTextFile(`/proc/${pid}/stat`);
    const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    return state !== "Z" && state !== "X";
  } catch {
    return false;
  }
}

/** The argv of `pid` (from /proc), or null if it is gone. */
export async function cmdline(pid: number): Promise<string[] | null> {
  try {
    const raw = await Deno.readTextFile(`/proc/${pid}/cmdline`);
    return raw.split("\0").filter((a) => a !== "");
  } catch {
    return null;
  }
}

/** Sends `signal` to `pid`, ignoring "no such process". */
export function signalPid(pid: number, signal: Deno.Signal): void {
  try {
    Deno.kill(pid, signal);
  } catch { /* already gone */ }
}

/**
 * Waits until every pid in `pids` is gone, sending SIGKILL to survivors after
 * `graceMs`. Resolves true if all exited before the SIGKILL.
 */
export async function reapPids(pids: number[], graceMs: number): Promise<boolean> {
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    const alive = await Promise.all(pids.map(isAlive));
    if (!alive.includes(true)) return true;
    await sleep(25);
  }
  for (const pid of pids) signalPid(pid, "SIGKILL");
  const hard = Date.now() + 2000;
  while (Date.now() < hard && (await Promise.all(pids.map(isAlive))).includes(true)) {
    await sleep(25);
  }
  return false;
}

/** Pids whose parent is `pid` (a master's workers), read from /proc. */
export async function childrenOf(pid: number): Promise<number[]> {
  const out: number[] = [];
  for await (const entry of Deno.readDir("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    try {
      const stat = await Deno.readTextFile(`/proc/${entry.name}/stat`);
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === pid) out.push(Number(entry.name));
    } catch { /* exited while we looked */ }
  }
  return out;
}

/**
 * Stops the haproxy named by `pidFile` if it is a live haproxy running
 * `cfgPath`, together with its workers. Returns the pid it stopped, or null.
 */
export async function killStaleHaproxy(
  pidFile: string,
  cfgPath: string,
  graceMs = 3000,
): Promise<number | null> {
  let pid: number;
  try {
    pid = Number((await Deno.readTextFile(pidFile)).trim().split(/\s+/)[0]);
  } catch {
    return null;
  }
  if (!Number.isInteger(pid) || pid <= 1 || pid === Deno.pid || !(await isAlive(pid))) return null;
  const argv = await cmdline(pid);
  if (!argv || !(argv[0] ?? "").split("/").pop()!.includes("haproxy") || !argv.includes(cfgPath)) {
    return null;
  }
  const victims = [pid, ...(await childrenOf(pid))];
  signalPid(pid, "SIGTERM");
  await reapPids(victims, graceMs);
  return pid;
}
