/**
 * The apply that changes nothing. PUTting the document that already runs
 * (a CI pipeline re-applying, a restore of the live snapshot) used to reload
 * HAProxy and write a snapshot each time; when the candidate is
 * byte-identical to what runs, the pipeline answers at once instead, with
 * one audit entry (`outcome: unchanged`) and no reload, no snapshot.
 * `POST /api/haproxy/reload` remains the way to force a reload.
 *
 * @module
 */
import type { State } from "../state/schema.ts";
import type { StateStore } from "../state/store.ts";
import type { Rendered } from "../render/render.ts";
import type { HaproxyClient } from "../haproxy/client.ts";
import type { AuditLog } from "../store/audit.ts";
import type { SnapshotStore } from "../store/snapshots.ts";
import type { StageClock } from "./stage_clock.ts";
import type { ApplyOptions, ApplyResult } from "./types.ts";
import { generatedMatch } from "./files.ts";

/** What {@link unchangedApply} reads. */
export interface UnchangedDeps {
  store: StateStore;
  snapshots: SnapshotStore;
  haproxy: HaproxyClient;
  audit: AuditLog;
}

/**
 * For a candidate whose cfg is byte-identical to the live one: when its
 * generated files and the state document are too, a snapshot of it exists
 * and HAProxy runs a worker, records the no-op and returns its result.
 * Otherwise null, and the apply proceeds as usual.
 */
export async function unchangedApply(
  deps: UnchangedDeps,
  state: State,
  rendered: Rendered,
  opts: ApplyOptions,
  clock: StageClock,
): Promise<ApplyResult | null> {
  const { store, snapshots, haproxy, audit } = deps;
  if (!await generatedMatch(rendered.files)) return null;
  if (store.prepare(state).body !== store.body()) return null;
  const latest = snapshots.list(1)[0];
  if (!latest) return null;
  const proc = await haproxy.showProc();
  // The current worker has not been through a reload yet; older ones are draining.
  const worker = proc?.workers.find((w) => w.reloads === 0) ?? proc?.workers[0];
  if (!worker) return null;
  clock.lap("unchanged");
  audit.record({
    actor: opts.actor,
    category: "state",
    action: "apply",
    target: latest.id,
    details: { reason: opts.reason },
    outcome: "unchanged",
  });
  return {
    state: store.current()!,
    etag: store.etag(),
    snapshotId: latest.id,
    warnings: rendered.warnings,
    workerPid: worker.pid,
    timings: clock.stages,
    outcome: "unchanged",
  };
}
