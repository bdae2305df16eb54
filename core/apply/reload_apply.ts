/**
 * The reload path of an apply, once the candidate is rendered and neither
 * the no-op nor the runtime path took it: write the candidate, `haproxy -c`
 * it while staging `state.json`, the snapshot and the server-state dump
 * (swap.ts), swap it in, reload through the master CLI, check the new
 * worker's servers against the state (verify.ts), and persist. A refusal
 * at any step leaves the old cfg and state in place; a reload or
 * verification that fails puts the old cfg back and reloads onto it.
 *
 * @module
 */
import { HttpError } from "../errors.ts";
import type { State } from "../state/schema.ts";
import type { Rendered } from "../render/render.ts";
import type { ReloadResult } from "../haproxy/client.ts";
import type { CheckResult } from "../haproxy/check.ts";
import { parseHints } from "../haproxy/hints.ts";
import type { ApplyFailedStage } from "../events.ts";
import { type FileUndo, writeGenerated } from "./files.ts";
import { prepareSwap, type ReadySwap, saveServerState, swapBack, swapIn } from "./swap.ts";
import { verifyServers } from "./verify.ts";
import type { ApplyOptions, ApplyResult, Hint } from "./types.ts";
import type { StageClock } from "./stage_clock.ts";
import type { StateChanges } from "../state/changes.ts";
import type { PipelineDeps } from "./pipeline_deps.ts";

/** What the reload path uses of the pipeline's dependencies. */
export type ReloadApplyDeps = Pick<
  PipelineDeps,
  "haproxy" | "store" | "snapshots" | "audit" | "events" | "paths" | "log"
>;

/** The apply in question, as the pipeline has it when the reload path runs. */
export interface ReloadApplyInput {
  state: State;
  rendered: Rendered;
  /** The live cfg's text (null: none yet). */
  live: string | null;
  opts: ApplyOptions;
  clock: StageClock;
  /** `performance.now()` when the request's apply began, for `durationMs`. */
  started: number;
  /** What the apply changes, for its audit entry. */
  changes: StateChanges | null;
  /** Why the runtime path did not take it, for the audit entry. */
  runtimeFallback?: string;
  /** The digest of the files the state references, which HAProxy runs once this succeeds. */
  filesDigest: string;
  /** `haproxy -c` of the candidate (the pipeline's, which may know it passed already). */
  check: (path: string) => Promise<CheckResult>;
  /** Audits and announces a failed stage; returns the error to throw. */
  fail: (stage: ApplyFailedStage, error: HttpError) => Promise<HttpError>;
  /** Tells the pipeline which files' digest HAProxy has loaded (null: unknown). */
  loadedFiles: (digest: string | null) => void;
}

/** Runs the reload path; see the module doc. Throws the failed stage's error. */
export async function reloadApply(
  deps: ReloadApplyDeps,
  input: ReloadApplyInput,
): Promise<ApplyResult> {
  const { store, haproxy, paths, audit } = deps;
  const { state, rendered, live, opts, clock, started, changes, fail } = input;
  const files = await writeGenerated(rendered.files);
  await Deno.writeTextFile(paths.cfgCandidate, rendered.text);
  clock.lap("write");

  // haproxy -c runs in its own process; meanwhile do all that can precede the reload.
  // From the server-state dump until the new worker runs, runtime changes sent through
  // patchpanel wait (RuntimeFence), so the reload cannot forget one.
  const reopen = haproxy.fence.close();
  let ready: ReadySwap;
  let reload: ReloadResult;
  try {
    // Spawn the check first: prepareSwap serializes the state synchronously before it yields.
    const checking = input.check(paths.cfgCandidate);
    const readying = prepareSwap(deps, state, { actor: opts.actor, reason: opts.reason }, {
      live,
      next: rendered.text,
    });
    const check = await checking;
    clock.lap(check.cached ? "check-memo" : "check");
    const prepared = await readying;
    clock.lap("ready");
    if (!check.ok || !prepared.ok) {
      if (prepared.ok) await prepared.value.discard();
      await Deno.remove(paths.cfgCandidate).catch(() => {});
      await files.restore();
      if (check.ok && !prepared.ok) {
        // A disk error while staging is ours (500), but still a failed apply to audit.
        deps.log.error("staging the apply failed", { error: String(prepared.error) });
        throw await fail("check", new HttpError("InternalError", "could not stage the apply"));
      }
      // A check that ran out of time did not judge the config: say so, not "rejected".
      const error = check.timedOut
        ? "haproxy -c did not finish in time (haproxy.checkTimeoutMs); nothing was changed"
        : "haproxy -c rejected the rendered config";
      throw await fail(
        "check",
        new HttpError("HaproxyRejected", error, {
          error,
          output: check.output,
          hints: check.timedOut ? [] : candidateHints(check.output, paths.cfgCandidate, rendered),
        }),
      );
    }
    ready = prepared.value;
    let durable: Promise<void>;
    try {
      ({ durable } = await swapIn(paths));
    } catch (error) {
      await ready.discard();
      await Deno.remove(paths.cfgCandidate).catch(() => {});
      await files.restore();
      throw error;
    }
    clock.lap("swap");
    // Until this reload is known to have loaded them, the files HAProxy runs are unknown.
    input.loadedFiles(null);
    // state.json's successor goes in place while HAProxy reloads (a failure puts it back).
    const placing = ready.place();
    reload = await haproxy.reload();
    await Promise.all([durable, placing]);
    clock.lap("reload");
    if (!reload.ok) {
      await ready.discard();
      throw await fail(
        "reload",
        await rollBack(deps, reload, ready, files, rendered, opts, { live, next: rendered.text }),
      );
    }
    // The new worker runs: does it run what the state says?
    const verdict = await verifyServers(haproxy, reload.workerPid, ready.declared, ready.carried);
    clock.lap("verify");
    if (!verdict.ok) {
      await ready.discard();
      const failed = { ok: false as const, message: verdict.message, output: verdict.output };
      const error = await rollBack(deps, failed, ready, files, rendered, opts, {
        live,
        next: rendered.text,
        workerPid: reload.workerPid,
      });
      throw await fail(
        "verify",
        new HttpError("ReloadFailed", verdict.message, {
          ...error.body,
          error: `${verdict.message}; rolled back`,
          mismatches: verdict.mismatches,
        }),
      );
    }
  } finally {
    reopen();
  }

  input.loadedFiles(input.filesDigest);
  const snap = await ready.commit();
  audit.record({
    actor: opts.actor,
    category: "state",
    action: "apply",
    target: snap.id,
    details: {
      reason: opts.reason,
      workerPid: reload.workerPid,
      applied: "reload",
      runtimeFallback: input.runtimeFallback,
    },
    outcome: "success",
    changes,
  });
  clock.lap("persist");
  await deps.events.emit("apply:succeeded", {
    actor: opts.actor,
    reason: opts.reason,
    snapshotId: snap.id,
    state,
    durationMs: performance.now() - started,
  });
  clock.lap("events");
  return {
    state,
    etag: store.etag(),
    snapshotId: snap.id,
    warnings: rendered.warnings,
    workerPid: reload.workerPid,
    timings: clock.stages,
    outcome: "reload",
  };
}

/**
 * The new config did not load: the old worker still serves, so put the old
 * cfg and generated files back and reload onto them, so the next reload
 * (a supervisor restart, another apply) does not meet the broken file.
 */
async function rollBack(
  deps: ReloadApplyDeps,
  reload: { ok: false; message: string; output: string },
  ready: ReadySwap,
  files: FileUndo,
  rendered: Rendered,
  opts: ApplyOptions,
  carry: { live: string | null; next: string; workerPid?: number },
): Promise<HttpError> {
  const { paths, haproxy, audit } = deps;
  const output = reload.output || reload.message;
  await swapBack(paths, ready.hadLive);
  await files.restore();
  // The dump on disk was filtered for the refused cfg. Carry the runtime state of the
  // worker that runs now (the old one, or the new one a verification refused) onto the
  // old cfg instead.
  const pid = carry.workerPid;
  await saveServerState(
    deps,
    pid === undefined ? carry.live : carry.next,
    carry.live ?? "",
    pid === undefined ? undefined : (c) => haproxy.master(`@!${pid} ${c}`),
  ).catch(() => {});
  const back = await haproxy.reload();
  audit.record({
    actor: opts.actor,
    category: "state",
    action: "rollback",
    target: null,
    details: { reason: opts.reason, reloadError: reload.message, restoredReloadOk: back.ok },
    outcome: back.ok ? "success" : "failure",
  });
  return new HttpError("ReloadFailed", "HAProxy failed to load the new config; rolled back", {
    error: "HAProxy failed to load the new config; rolled back",
    output,
    hints: candidateHints(output, paths.cfg, rendered),
  });
}

/**
 * HAProxy's output as hints on the state's entities: `rendered.lines` maps
 * each cfg line back to its entity, and a proxy HAProxy names to its
 * frontend or backend.
 */
export function candidateHints(output: string, cfgPath: string, rendered: Rendered): Hint[] {
  // The contract's envelope names an entity `{kind, name}`; the issue and our model say
  // `{kind, id}`. Hints carry both, so clients written against either read it.
  const named = (e: { kind: string; id: string } | null) => e && { ...e, name: e.id };
  return parseHints(output, cfgPath, (line) => named(rendered.lines[line] ?? null), (proxy) => {
    for (const e of rendered.lines) {
      if (e && (e.kind === "frontend" || e.kind === "backend") && e.id === proxy) return named(e);
    }
    return null;
  });
}
