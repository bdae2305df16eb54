/**
 * Inputs and outputs of the apply pipeline, shared by the core routes and
 * by plugins that apply state (snapshot restore, peer sync, cert renewal).
 *
 * @module
 */
import type { State } from "../state/schema.ts";
import type { RenderWarning } from "../render/model.ts";

/** Who applies, and why (`restore:<id>`, `peer:<name>`, or null). */
export interface ApplyOptions {
  actor: string;
  reason: string | null;
  /** The ETag the caller last read; a mismatch is a 412. */
  ifMatch?: string | null;
}

/** What a successful apply returns. */
export interface ApplyResult {
  state: State;
  etag: string;
  snapshotId: string;
  /** Non-fatal observations, e.g. an admin socket exposed on every interface. */
  warnings: RenderWarning[];
  /** The new worker's pid, confirmed through the master CLI. */
  workerPid: number;
}

export type { Hint } from "../haproxy/hints.ts";
