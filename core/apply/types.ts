/**
 * Inputs and outputs of the apply pipeline, shared by the core routes and
 * by plugins that apply state (snapshot restore, peer sync, cert renewal).
 *
 * @module
 */
import type { State } from "../state/schema.ts";
import type { RenderWarning } from "../render/model.ts";
import type { StageTiming } from "./stage_clock.ts";
import type { Role } from "../plugin.ts";

/** Who applies, and why (`restore:<id>`, `peer:<name>`, or null). */
export interface ApplyOptions {
  /** Who the audit entry and snapshot name as the author of the change. */
  actor: string;
  /** Why it happens, recorded with the snapshot and audit entry; null for an ordinary edit. */
  reason: string | null;
  /** The ETag the caller last read; a mismatch is a 412. */
  ifMatch?: string | null;
  /**
   * Runs under the apply lock after validation, with the current and the
   * validated next state; throwing refuses the apply (audited as a failed
   * validation). The destructive-change guard (`destructive.ts`) uses it.
   */
  guard?: (current: State, next: State) => void;
  /**
   * The caller's role, for field-level authorization (403 `{error, paths}`
   * for a path it may not change). Absent for the daemon's own applies.
   */
  role?: Role;
}

/** What a successful apply returns. */
export interface ApplyResult {
  /** The state as stored after defaults were filled in. */
  state: State;
  /** The new state's ETag, for the caller's next `If-Match`. */
  etag: string;
  /** The snapshot recorded for this apply, the target of a later restore. */
  snapshotId: string;
  /** Non-fatal observations, e.g. an admin socket exposed on every interface. */
  warnings: RenderWarning[];
  /** The new worker's pid, confirmed through the master CLI. */
  workerPid: number;
  /** Where the time went, stage by stage (the `Server-Timing` of `PUT /api/state`). */
  timings: StageTiming[];
  /**
   * `reload`: HAProxy now runs the new config. `unchanged`: the config,
   * its files and the state were byte-identical to the live ones, so nothing
   * was reloaded or snapshotted (`snapshotId` is the newest snapshot).
   * `runtime`: applied through the Runtime API without a reload
   * (runtime_apply.ts); `workerPid` is the worker that was already running.
   */
  outcome: "reload" | "unchanged" | "runtime";
}

export type { Hint } from "../haproxy/hints.ts";
import type { Hint } from "../haproxy/hints.ts";

/** What `ApplyPipeline.adoptRuntime` returns: the persisted state, its ETag and snapshot. */
export interface AdoptResult {
  /** The state as persisted, now matching what HAProxy runs. */
  state: State;
  /** The new state's ETag, for the caller's next `If-Match`. */
  etag: string;
  /** The snapshot recorded for it, so the adoption can be rolled back. */
  snapshotId: string;
}

/**
 * What a plan answers (`POST /api/state/plan`, `host.plan`): whether
 * `haproxy -c` accepts the candidate, the cfg diff against the live file,
 * the hints and HAProxy's output, and the render's warnings.
 */
export interface PlanResult {
  ok: boolean;
  diff: string;
  hints: Hint[];
  output: string;
  warnings: RenderWarning[];
}
