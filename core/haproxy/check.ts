/**
 * Running the HAProxy binary for checks: `haproxy -c` and `haproxy -v`.
 *
 * `haproxy -c` is the gate of the apply pipeline: nothing reaches the live
 * file unless the binary that will load it accepts it. The output is kept
 * verbatim because operators read it and `parseHints` (hints.ts) maps it to
 * entities.
 *
 * @module
 */

/** The verdict of `haproxy -c`: `output` is stdout followed by stderr, verbatim. */
export interface CheckResult {
  /** Whether HAProxy accepted the file (exit status 0). */
  ok: boolean;
  /** What HAProxy printed, for the operator and `parseHints`; on a timeout, what happened. */
  output: string;
  /** True when the binary did not finish in time and was stopped (ok is false). */
  timedOut?: boolean;
  /** True when the same candidate passed a moment ago and HAProxy was not run again. */
  cached?: boolean;
  /** True when the candidate provably passes (check_proof.ts) and HAProxy was not run. */
  proven?: boolean;
}

async function run(binary: string, args: string[], timeoutMs?: number): Promise<CheckResult> {
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(binary, {
      args,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    return { ok: false, output: `cannot run ${binary}: ${msg}` };
  }
  const output = child.output();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = timeoutMs === undefined
    ? null
    : new Promise<null>((r) => timer = setTimeout(() => r(null), timeoutMs));
  const out = await (late ? Promise.race([output, late]) : output);
  clearTimeout(timer);
  if (out === null) {
    try {
      child.kill("SIGKILL");
    } catch { /* exited just now */ }
    // The pipes close with the process (unless a grandchild holds them: don't wait for that).
    let t: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([output.catch(() => {}), new Promise((r) => t = setTimeout(r, 1000))]);
    clearTimeout(t);
    const what = [binary, ...args].join(" ");
    return {
      ok: false,
      timedOut: true,
      output: `${what} did not finish within ${timeoutMs} ms (haproxy.checkTimeoutMs); ` +
        `it was stopped and nothing was changed`,
    };
  }
  const dec = new TextDecoder();
  return { ok: out.success, output: dec.decode(out.stdout) + dec.decode(out.stderr) };
}

/**
 * Checks a configuration file with `haproxy -c -f cfgPath`. `ok` is the exit
 * status; a binary that cannot be started yields ok false with the reason,
 * and one still running after `timeoutMs` is killed (ok false, `timedOut`),
 * so a hung check cannot hold the apply lock forever.
 */
export function checkConfig(
  binary: string,
  cfgPath: string,
  timeoutMs?: number,
): Promise<CheckResult> {
  return run(binary, ["-c", "-f", cfgPath], timeoutMs);
}

/**
 * The HAProxy version as "major.minor.patch" (e.g. "2.6.12"), or null when
 * the binary cannot be run. Callers pick 2.6 or 2.7+ reload semantics from it.
 */
export async function haproxyVersion(binary: string): Promise<string | null> {
  const res = await run(binary, ["-v"], 10_000);
  return /version (\d+\.\d+(?:\.\d+)?)/i.exec(res.output)?.[1] ?? null;
}
