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
  /** What HAProxy printed, for the operator and `parseHints`. */
  output: string;
}

async function run(binary: string, args: string[]): Promise<CheckResult> {
  try {
    const out = await new Deno.Command(binary, {
      args,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    const dec = new TextDecoder();
    return { ok: out.success, output: dec.decode(out.stdout) + dec.decode(out.stderr) };
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    return { ok: false, output: `cannot run ${binary}: ${msg}` };
  }
}

/**
 * Checks a configuration file with `haproxy -c -f cfgPath`. `ok` is the exit
 * status; a binary that cannot be started yields ok false with the reason.
 */
export function checkConfig(binary: string, cfgPath: string): Promise<CheckResult> {
  return run(binary, ["-c", "-f", cfgPath]);
}

/**
 * The HAProxy version as "major.minor.patch" (e.g. "2.6.12"), or null when
 * the binary cannot be run. Callers pick 2.6 or 2.7+ reload semantics from it.
 */
export async function haproxyVersion(binary: string): Promise<string | null> {
  const res = await run(binary, ["-v"]);
  return /version (\d+\.\d+(?:\.\d+)?)/i.exec(res.output)?.[1] ?? null;
}
