/**
 * The last step of every apply: the new worker is confirmed, but does it run
 * what the state says? Its `show servers state` (asked of that worker by pid
 * through the master CLI, so an old worker still draining cannot answer) is
 * compared with the candidate cfg, accepting only the runtime values the
 * reload carried over. Any other difference fails the apply, which then
 * rolls back.
 *
 * @module
 */
import type { HaproxyClient } from "../haproxy/client.ts";
import { DumpScanner } from "../haproxy/server_state.ts";
import type { DeclaredServer } from "../haproxy/declared_servers.ts";
import type { CarriedOverride } from "../haproxy/server_state_filter.ts";
import { ServerComparer, type ServerDifference } from "../haproxy/server_state_compare.ts";

/** The verdict on a new worker. */
export type Verdict =
  | { ok: true; overrides: ServerDifference[] }
  | { ok: false; message: string; output: string; mismatches: ServerDifference[] };

/** How much of an answer that is not a dump the verdict quotes. */
const QUOTED = 4096;

/**
 * Compares the servers worker `workerPid` runs with those the candidate cfg
 * declares (`declared`: its `declaredServers()`, read before the reload,
 * while `haproxy -c` ran).
 */
export async function verifyServers(
  haproxy: HaproxyClient,
  workerPid: number,
  declared: ReadonlyMap<string, DeclaredServer>,
  carried: CarriedOverride[],
): Promise<Verdict> {
  // Each line is compared as it arrives, in place (ServerComparer.addRow): HAProxy takes
  // 11 to 20 ms to write a 10,000-server dump, and reading it takes ~3 ms more.
  const comparer = new ServerComparer(declared, { kind: "carried", carried });
  const scanner = new DumpScanner((row) => comparer.addRow(row));
  let head = "";
  const answer = await haproxy.master(`@!${workerPid} show servers state`, undefined, (text) => {
    if (head.length < QUOTED) head += text.slice(0, QUOTED - head.length);
    scanner.push(text);
  });
  if (!answer.ok || !scanner.end()) {
    return {
      ok: false,
      message: "could not read the new worker's servers (show servers state)",
      output: answer.ok ? head : answer.error.message,
      mismatches: [],
    };
  }
  const result = comparer.result();
  if (result.mismatches.length === 0) return { ok: true, overrides: result.overrides };
  return {
    ok: false,
    message: "the new worker does not run what the state declares",
    output: result.mismatches
      .map((m) =>
        `${m.backend}/${m.server} ${m.field}: declared ${m.declared}, running ${m.running}`
      )
      .join("\n"),
    mismatches: result.mismatches,
  };
}
