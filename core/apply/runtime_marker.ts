/**
 * A runtime apply in flight, as a file in the data directory. Between its
 * first Runtime API command and its commit, HAProxy runs something neither
 * the cfg on disk nor `state.json` says (a server already in maintenance
 * before its deletion, a weight already set). A daemon killed meanwhile
 * must not carry that runtime state onto the cfg at its next start (the
 * start-up reload would keep the half-removed server in maintenance), so
 * start-up asks {@link runtimeInterrupted} and then starts HAProxy's
 * servers from the cfg alone.
 *
 * @module
 */
import type { DataPaths } from "../paths.ts";

/** Where the marker lives: inside the data directory, beside the cfg. */
export function runtimeMarkerPath(paths: DataPaths): string {
  return `${paths.dataDir}/runtime-apply.pending`;
}

/**
 * Written before the first command of a runtime apply. Its presence is what
 * counts, so it is written in place (a rename would leave a temp file behind
 * a kill) and not fsynced: a power loss restarts HAProxy from its cfg anyway.
 */
export async function markRuntimeApply(paths: DataPaths): Promise<void> {
  await Deno.writeTextFile(runtimeMarkerPath(paths), `${new Date().toISOString()} ${Deno.pid}\n`);
}

/** Removed once the apply committed, or once it was undone. */
export async function clearRuntimeApply(paths: DataPaths): Promise<void> {
  await Deno.remove(runtimeMarkerPath(paths)).catch(() => {});
}

/**
 * At start-up: whether a runtime apply was interrupted (the marker is
 * there). Removes the marker, and the server-state file, whose runtime
 * values may be those of the interrupted apply: HAProxy's next worker then
 * starts every server as the cfg says.
 */
export async function runtimeInterrupted(paths: DataPaths): Promise<boolean> {
  try {
    await Deno.stat(runtimeMarkerPath(paths));
  } catch {
    return false;
  }
  await Deno.remove(paths.serverStateFile).catch(() => {});
  await clearRuntimeApply(paths);
  return true;
}
