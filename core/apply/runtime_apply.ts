/**
 * The apply that does not reload. When the candidate differs from the live
 * cfg only in what the Runtime API can set (runtime_diff.ts), the pipeline
 * calls {@link runtimeApply} under the apply lock, after validation:
 *
 * 1. the generated files and the candidate cfg are written, and
 *    `haproxy -c` of the candidate starts in its own process;
 * 2. meanwhile the plan's commands (runtime_plan.ts) run on the admin
 *    socket, each answer checked (runtime_exec.ts), except deletions;
 * 3. once the check passed, servers to delete are deleted (each waits for
 *    its sessions to end, up to a bound); until then they are only in
 *    maintenance, which an undo takes back without loss;
 * 4. HAProxy's `show servers state` is compared with the candidate, as the
 *    reload path's verification does, accepting the same runtime overrides
 *    a reload would carry over;
 * 5. the candidate is swapped in as the live cfg, `state.json` and a
 *    snapshot (staged while the check ran, with the server-state file
 *    rewritten for the candidate, so a later reload or restart starts with
 *    the same weights and admin states) are committed, an audit entry
 *    (`applied: "runtime"`) is written and `apply:succeeded` is emitted.
 *
 * Any difference it cannot make, a command that fails or answers something
 * unexpected, a refused check or a failed verification: what was applied is
 * undone, the files are put back and it returns `fallback`, and the
 * pipeline runs the reload path in the same request.
 *
 * @module
 */
import type { CheckResult } from "../haproxy/check.ts";
import { checkIsProven } from "./check_proof.ts";
import type { State } from "../state/schema.ts";
import type { Rendered } from "../render/render.ts";
import type { AuditLog } from "../store/audit.ts";
import type { EventBus } from "../events.ts";
import type { Logger } from "../log.ts";
import { readTextOrNull } from "../fsutil.ts";
import {
  ADMIN,
  adminStateOf,
  COL,
  parseServerStateDump,
  runningServers,
  type ServerStateDump,
} from "../haproxy/server_state.ts";
import { declaredServersIn } from "../haproxy/declared_servers.ts";
import { filterServerState } from "../haproxy/server_state_filter.ts";
import { compareServers } from "../haproxy/server_state_compare.ts";
import type { StageClock } from "./stage_clock.ts";
import type { ApplyOptions, ApplyResult } from "./types.ts";
import { writeGenerated } from "./files.ts";
import { prepareSwap, saveServerState, type SwapDeps, swapIn } from "./swap.ts";
import { spliceServerState } from "../haproxy/server_state_splice.ts";
import { diffRenders, type RuntimeChanges } from "./runtime_diff.ts";
import { planSteps, type RunningView, type RuntimeStep } from "./runtime_plan.ts";
import { RuntimeRun } from "./runtime_exec.ts";
import { clearRuntimeApply, markRuntimeApply } from "./runtime_marker.ts";
import type { RuntimeSupport } from "./runtime_support.ts";
import type { StateChanges } from "../state/changes.ts";

/** What a runtime apply touches: the swap's dependencies plus audit, events and logs. */
export interface RuntimeApplyDeps extends SwapDeps {
  audit: AuditLog;
  events: EventBus;
  log: Logger;
}

/** The apply in question. */
export interface RuntimeApplyInput {
  state: State;
  rendered: Rendered;
  /** The live cfg's text. */
  live: string;
  opts: ApplyOptions;
  clock: StageClock;
  /** `performance.now()` when the request's apply began, for `durationMs`. */
  started: number;
  support: RuntimeSupport;
  /** How long a deletion waits for sessions to end. */
  drainMs?: number;
  /** Whether a provably passing candidate (check_proof.ts) skips `haproxy -c` (default true). */
  proveChecks?: boolean;
  /** `haproxy -c` of the candidate (the pipeline's, which may know it passed already). */
  check: (path: string) => Promise<CheckResult>;
  /** What the apply changes in the state, for its audit entry (changes.ts). */
  changes?: StateChanges;
  /** Told the candidate's text once it is the live cfg (live_cfg.ts: no re-read next time). */
  swapped?: (text: string) => Promise<void>;
}

/** Applied without a reload, or why the reload path must run. */
export type RuntimeOutcome =
  | { kind: "applied"; result: ApplyResult }
  | { kind: "fallback"; reason: string };

/** Tries the runtime path; see the module doc. Never leaves a partial change behind. */
export async function runtimeApply(
  deps: RuntimeApplyDeps,
  input: RuntimeApplyInput,
): Promise<RuntimeOutcome> {
  const { haproxy, paths } = deps;
  const { state, rendered, live, clock, opts } = input;
  const changedFiles = [];
  for (const f of rendered.files) {
    if (await readTextOrNull(f.path) !== f.content) changedFiles.push(f);
  }
  const verdict = diffRenders({
    liveCfg: live,
    nextCfg: rendered.text,
    changedFiles,
    aclDir: paths.acls,
    support: input.support,
  });
  if (!verdict.ok) return { kind: "fallback", reason: verdict.reason };
  const changes = verdict.changes;
  const before = await runningView(deps, changes);
  if (typeof before === "string") return { kind: "fallback", reason: before };
  let steps: RuntimeStep[];
  try {
    steps = planSteps(changes, before.view);
  } catch (error) {
    return { kind: "fallback", reason: (error as Error).message };
  }
  const workerPid = haproxy.showProc().then((p) =>
    p?.workers.find((w) => w.reloads === 0)?.pid ?? p?.workers[0]?.pid ?? 0
  );
  clock.lap("plan");

  const files = await writeGenerated(rendered.files);
  await Deno.writeTextFile(paths.cfgCandidate, rendered.text);
  const checkStart = performance.now();
  let checkMs = 0;
  // Weights and drains only: the candidate passes haproxy -c exactly when the live cfg did.
  const proven = input.proveChecks !== false && checkIsProven(changes, changedFiles.length);
  const checked = proven
    ? Promise.resolve<CheckResult>({ ok: true, output: "", proven: true })
    : input.check(paths.cfgCandidate);
  const checking = checked.then((c) => {
    checkMs = performance.now() - checkStart;
    return c;
  });
  const run = new RuntimeRun({ admin: (c) => haproxy.admin(c), drainMs: input.drainMs });
  const back = async (reason: string): Promise<RuntimeOutcome> => {
    const problems = await run.undo();
    await clearRuntimeApply(paths);
    await checking.catch(() => {});
    await Deno.remove(paths.cfgCandidate).catch(() => {});
    await files.restore();
    if (problems.length) deps.log.warn("runtime apply: undo incomplete", { problems });
    deps.log.info("runtime apply fell back to a reload", { reason });
    return { kind: "fallback", reason };
  };

  await markRuntimeApply(paths);
  const commandStart = performance.now();
  try {
    await run.run(steps, "change");
  } catch (error) {
    return back((error as Error).message);
  }
  const commandsMs = performance.now() - commandStart;
  clock.lap("runtime");
  // While haproxy -c still runs: the server-state file rewritten for this cfg (a later reload
  // or restart starts with the same weights and admin states; servers about to be deleted
  // are not in it), state.json and the snapshot staged, the candidate made durable.
  // The server-state file is brought up to date after the verification, for the touched
  // backends only (recordServerState), so staging dumps nothing.
  // No `.bak` of the live cfg: only the reload path's rollback reads it; this path swaps
  // the candidate in last, once everything passed, or removes it.
  const meta = { actor: opts.actor, reason: opts.reason };
  const preparing = prepareSwap(deps, state, meta, null, { backUp: false });
  const [check, prepared] = await Promise.all([checking, preparing]);
  clock.lap(check.proven ? "check-proven" : check.cached ? "check-memo" : "check");
  const discard = async (reason: string) => {
    if (prepared.ok) await prepared.value.discard();
    return back(reason);
  };
  if (!check.ok) return discard("haproxy -c rejected the candidate");
  if (!prepared.ok) {
    deps.log.error("staging a runtime apply failed", { error: String(prepared.error) });
    return back("could not stage the apply");
  }
  try {
    await run.run(steps, "delete");
  } catch (error) {
    return discard((error as Error).message);
  }
  clock.lap("delete");
  let after: ServerStateDump | null = null;
  if (changes.servers.length) {
    const verified = await verifyRuntime(deps, changes, before.dump, live, rendered.text);
    if (typeof verified === "string") return discard(verified);
    after = verified;
  }
  clock.lap("verify");
  try {
    const { durable } = await swapIn(paths);
    await durable;
  } catch (error) {
    return discard(`could not swap the cfg in: ${(error as Error).message}`);
  }
  await input.swapped?.(rendered.text);
  if (after) await recordServerState(deps, touchedBackends(changes), after, rendered.text);
  const snap = await prepared.value.commit();
  await clearRuntimeApply(paths);
  const pid = await workerPid;
  deps.audit.record({
    actor: opts.actor,
    category: "state",
    action: "apply",
    target: snap.id,
    details: {
      reason: opts.reason,
      applied: "runtime",
      workerPid: pid,
      commands: run.sent,
      checkMs: Math.round(checkMs),
      commandsMs: Math.round(commandsMs),
    },
    outcome: "success",
    changes: input.changes,
  });
  clock.lap("persist");
  await deps.events.emit("apply:succeeded", {
    actor: opts.actor,
    reason: opts.reason,
    snapshotId: snap.id,
    state,
    durationMs: performance.now() - input.started,
  });
  clock.lap("events");
  return {
    kind: "applied",
    result: {
      state,
      etag: deps.store.etag(),
      snapshotId: snap.id,
      warnings: rendered.warnings,
      workerPid: pid,
      timings: clock.stages,
      outcome: "runtime",
    },
  };
}

/** What runs now, for the undo commands and the verification; a string: why not. */
async function runningView(
  deps: RuntimeApplyDeps,
  changes: RuntimeChanges,
): Promise<{ view: RunningView; dump: ServerStateDump | null } | string> {
  const acls = new Map<string, string[]>();
  for (const a of changes.acls) {
    const shown = await deps.haproxy.admin(`show acl ${a.file}`);
    if (!shown.ok || /Unknown ACL/i.test(shown.output)) return `show acl ${a.file} failed`;
    acls.set(a.file, aclEntries(shown.output));
  }
  const servers = new Map<
    string,
    { address: string; port: number; weight: number; admin: ReturnType<typeof adminStateOf> }
  >();
  if (changes.servers.length === 0) return { view: { servers, acls }, dump: null };
  const dump = await touchedDump(deps, changes);
  if (!dump) return "could not read show servers state";
  for (const r of dump.rows) {
    servers.set(`${r[COL.be_name]}/${r[COL.srv_name]}`, {
      address: r[COL.srv_addr],
      port: Number(r[COL.srv_port]),
      weight: Number(r[COL.srv_uweight]),
      admin: adminStateOf(Number(r[COL.srv_admin_state]) & ~ADMIN.CMAINT),
    });
  }
  return { view: { servers, acls }, dump };
}

/** `show acl <file>` lines are `<pointer> <pattern>`. */
function aclEntries(output: string): string[] {
  const out: string[] = [];
  for (const line of output.split("\n")) {
    const at = line.indexOf(" ");
    if (line.startsWith("0x") && at > 0) out.push(line.slice(at + 1));
  }
  return out;
}

/**
 * HAProxy now runs the candidate's servers, with exactly the runtime
 * overrides a reload onto it would have carried over. Returns the touched
 * backends' dump taken after the commands when it does, why not otherwise.
 */
async function verifyRuntime(
  deps: RuntimeApplyDeps,
  changes: RuntimeChanges,
  before: ServerStateDump | null,
  liveCfg: string,
  nextCfg: string,
): Promise<ServerStateDump | string> {
  const backends = touchedBackends(changes);
  const after = await touchedDump(deps, changes);
  const running = after ? runningServers(after) : null;
  if (!running || !before) return "could not read show servers state after the commands";
  const live = declaredServersIn(liveCfg, backends);
  const next = declaredServersIn(nextCfg, backends);
  const filtered = filterServerState(dumpText(before), live, next);
  if (!filtered) return "could not read show servers state before the commands";
  const carried = filtered.carried;
  const result = compareServers(running, next, { kind: "carried", carried });
  if (result.mismatches.length === 0) return after!;
  return "HAProxy does not run what the candidate declares: " + result.mismatches
    .slice(0, 5)
    .map((m) => `${m.backend}/${m.server} ${m.field} declared ${m.declared}, running ${m.running}`)
    .join("; ");
}

/**
 * The server-state file a later restart loads says what the touched
 * backends run now (server_state_splice.ts); without a file to update, the
 * whole dump is written as before. A failure removes the file: a worker
 * started from the cfg alone is right, one started from stale rows is not.
 */
async function recordServerState(
  deps: RuntimeApplyDeps,
  backends: ReadonlySet<string>,
  after: ServerStateDump,
  cfg: string,
): Promise<void> {
  const file = deps.paths.serverStateFile;
  try {
    const declared = declaredServersIn(cfg, backends);
    const fresh = filterServerState(dumpText(after), declared, declared);
    if (fresh && await spliceServerState(file, backends, fresh.text)) return;
    await saveServerState(deps, cfg, cfg);
  } catch (error) {
    deps.log.warn("runtime apply: server-state file not updated", { error: String(error) });
    await Deno.remove(file).catch(() => {});
  }
}

/** The backends a change touches. */
function touchedBackends(changes: RuntimeChanges): Set<string> {
  return new Set(changes.servers.map((s) => s.backend));
}

/**
 * `show servers state` of the touched backends only, as one dump: with
 * 100,000 servers elsewhere, a change to one backend reads one backend.
 */
async function touchedDump(
  deps: RuntimeApplyDeps,
  changes: RuntimeChanges,
): Promise<ServerStateDump | null> {
  let merged: ServerStateDump | null = null;
  for (const backend of touchedBackends(changes)) {
    const answer = await deps.haproxy.admin(`show servers state ${backend}`);
    const dump = answer.ok ? parseServerStateDump(answer.output) : null;
    if (!dump) return null;
    if (merged) merged.rows.push(...dump.rows);
    else merged = dump;
  }
  return merged;
}

/** A parsed dump as the text `show servers state` wrote (the filter scans text). */
function dumpText(dump: ServerStateDump): string {
  const lines = [String(dump.version), `# ${dump.columns.join(" ")}`];
  for (const row of dump.rows) lines.push(row.join(" "));
  return lines.join("\n") + "\n";
}
