/**
 * The two pipeline steps that change no running config: a plan (render a
 * validated state, `haproxy -c` it on a scratch file, diff it against the
 * live cfg) and the adoption of a change HAProxy already made at run time
 * (record it in state.json when it renders byte-identical to the live cfg).
 * The pipeline calls them under its lock, after validation and
 * authorization.
 *
 * @module
 */
import { HttpError } from "../errors.ts";
import type { State } from "../state/schema.ts";
import type { Rendered } from "../render/render.ts";
import type { CheckResult } from "../haproxy/check.ts";
import type { DataPaths } from "../paths.ts";
import { readTextOrNull } from "../fsutil.ts";
import { writeGenerated } from "./files.ts";
import type { AdoptResult, ApplyOptions, PlanResult } from "./types.ts";
import { stateChanges } from "../state/changes.ts";
import { candidateHints } from "./reload_apply.ts";
import type { PipelineDeps } from "./pipeline_deps.ts";

/**
 * `haproxy -c` of a rendered candidate on a scratch file beside the live
 * cfg (its generated files written for the check and put back after), with
 * the diff against the live cfg and the hints.
 */
export async function planCandidate(
  paths: DataPaths,
  rendered: Rendered,
  check: (path: string) => Promise<CheckResult>,
): Promise<PlanResult> {
  const live = (await readTextOrNull(paths.cfg)) ?? "";
  const undo = await writeGenerated(rendered.files);
  const scratch = `${paths.cfg}.plan`;
  try {
    await Deno.writeTextFile(scratch, rendered.text);
    const checked = await check(scratch);
    const { createTwoFilesPatch } = await import("diff");
    return {
      ok: checked.ok,
      diff: createTwoFilesPatch(
        "haproxy.cfg",
        "haproxy.cfg",
        live,
        rendered.text,
        "live",
        "candidate",
      ),
      hints: candidateHints(checked.output, scratch, rendered),
      output: checked.output,
      warnings: rendered.warnings,
    };
  } finally {
    await Deno.remove(scratch).catch(() => {});
    await undo.restore();
  }
}

/**
 * Records `state` (derived from `current` by a runtime change) when it
 * renders byte-identical to the live cfg (409 otherwise: it needs a real
 * apply): its generated files written, `run` (the runtime command) run,
 * then state.json, a snapshot, the audit entry and `apply:succeeded`. A
 * failing `run` puts the files back and persists nothing.
 */
export async function adoptRendered(
  deps: Pick<
    PipelineDeps,
    "render" | "store" | "snapshots" | "audit" | "events" | "paths" | "secrets"
  >,
  current: State,
  state: State,
  run: () => Promise<void>,
  opts: ApplyOptions,
): Promise<AdoptResult> {
  const { store, paths, audit } = deps;
  const rendered = deps.render(state);
  if (rendered.text !== await readTextOrNull(paths.cfg)) {
    throw new HttpError(
      "Conflict",
      "this change alters haproxy.cfg; apply it through PUT /api/state",
    );
  }
  const files = await writeGenerated(rendered.files);
  try {
    await run();
  } catch (error) {
    await files.restore();
    throw error;
  }
  await store.save(state);
  const snap = deps.snapshots.write(state, { actor: opts.actor, reason: opts.reason });
  audit.record({
    actor: opts.actor,
    category: "state",
    action: "adopt-runtime",
    target: snap.id,
    details: { reason: opts.reason },
    outcome: "success",
    changes: stateChanges(current, state, { secrets: deps.secrets }),
  });
  await deps.events.emit("apply:succeeded", {
    actor: opts.actor,
    reason: opts.reason,
    snapshotId: snap.id,
    state,
    durationMs: 0,
  });
  return { state, etag: store.etag(), snapshotId: snap.id };
}
