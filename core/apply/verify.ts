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
import { DumpScanner, runningServerAt } from "../haproxy/server_state.ts";
import { declaredServers } from "../haproxy/declared_servers.ts";
import type { CarriedOverride } from "../haproxy/server_state_filter.ts";
import { ServerComparer, type ServerDifference } from "../haproxy/server_state_compare.ts";

/** The verdict on a new worker. */
export type Verdict =
  | { ok: true; overrides: ServerDifference[] }
  | { ok: false; message: string; output: string; mismatches: ServerDifference[] };

/** Compares the servers worker `workerPid` runs with those `cfg` declares. */
export async function verifyServers(
  haproxy: HaproxyClient,
  workerPid: number,
  cfg: string,
  carried: CarriedOverride[],
): Promise<Verdict> {
  // Each line is compared as it arrives: at 10,000 servers HAProxy takes ~25 ms to write the
  // dump, and parsing and comparing it afterwards would add another 10 to 20.
  const comparer = new ServerComparer(declaredServers(cfg), { kind: "carried", carried });
  const scanner = new DumpScanner((row) => comparer.add(runningServerAt(row)));
  const answer = await haproxy.master(
    `@!${workerPid} show servers state`,
    undefined,
    (text) => scanner.push(text),
  );
  if (!answer.ok || !scanner.end()) {
    return {
      ok: false,
      message: "could not read the new worker's servers (show servers state)",
      output: answer.ok ? answer.output : answer.error.message,
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
