/**
 * What the core's own routes need beyond the plugin host: the pipeline and
 * stores they front.
 *
 * @module
 */
import type { ApplyPipeline } from "../apply/pipeline.ts";
import type { StateStore } from "../state/store.ts";
import type { SnapshotStore } from "../store/snapshots.ts";
import type { Rendered } from "../render/render.ts";
import type { State } from "../state/schema.ts";
import type { z } from "zod";
import type { CoreConfig } from "../config.ts";
import type { SecretRedactor } from "../state/redact.ts";
import type { EmbeddedHaproxy } from "../haproxy/process.ts";

/** How the daemon controls HAProxy, for the process-control routes. */
export interface ProcessControl {
  /** The supervised master in embedded mode; null in attach mode. */
  embedded: EmbeddedHaproxy | null;
  /** The master CLI socket patchpanel uses. */
  masterSocket: string;
  /** Attach mode: the systemd unit that owns HAProxy (named in 409 answers). */
  systemdUnit: string;
}

/** The core services its routes use. */
export interface CoreDeps {
  pipeline: ApplyPipeline;
  store: StateStore;
  snapshots: SnapshotStore;
  render: (state: State) => Rendered;
  /** The composed state schema (core + plugin fragments). */
  schema: () => z.ZodType<State>;
  version: string;
  /** config.yaml `limits`: state size ceilings and the destructive-change share. */
  limits: CoreConfig["limits"];
  /** Redacts plugins' secret fields in every state an answer carries. */
  secrets: SecretRedactor;
  /** The route table as data: method, path, role, tier, plugin. */
  routes: () => { method: string; path: string; role: string; tier: string; plugin: string }[];
  /** Embedded or attached HAProxy, for stop/start and the control strategy. */
  control: ProcessControl;
}
