/**
 * What the apply pipeline is built from: its dependencies, injected so
 * tests and plugins share one instance, and typed apart from the pipeline
 * so its reload and plan halves can name them without importing it.
 *
 * @module
 */
import type { z } from "zod";
import type { State } from "../state/schema.ts";
import type { StateStore } from "../state/store.ts";
import type { Rendered } from "../render/render.ts";
import type { HaproxyClient } from "../haproxy/client.ts";
import type { AuditLog } from "../store/audit.ts";
import type { SnapshotStore } from "../store/snapshots.ts";
import type { EventBus } from "../events.ts";
import type { DataPaths } from "../paths.ts";
import type { Logger } from "../log.ts";
import type { StateGuard } from "../security/state_guard.ts";
import type { SecretRedactor } from "../state/redact.ts";
import type { StateLimits } from "../state/limits.ts";
import type { StateFiles } from "../state_files.ts";

/** Everything the pipeline touches, injected so tests and plugins share one instance. */
export interface PipelineDeps {
  schema: () => z.ZodType<State>;
  render: (state: State) => Rendered;
  haproxy: HaproxyClient;
  store: StateStore;
  snapshots: SnapshotStore;
  audit: AuditLog;
  events: EventBus;
  paths: DataPaths;
  log: Logger;
  /** How long a change may wait for the one in flight before it is refused (config `apply.lockWaitMs`). */
  lockWaitMs?: number;
  /** Field-level authorization (step 1), for writes whose options carry a role. */
  guard?: StateGuard;
  /** Puts stored secrets back where a document sends the redaction marker. */
  secrets?: SecretRedactor;
  /** config.yaml `limits`: every validated document is counted against them first. */
  limits?: StateLimits;
  /** How long a runtime apply's `del server` waits for sessions to end (default 10 s). */
  runtimeDrainMs?: number;
  /** Spare `haproxy -c` where the runtime change provably passes it (config `apply.proveChecks`). */
  proveChecks?: boolean;
  /**
   * The files states reference (the plugins' `host.files`): an apply whose
   * cfg is unchanged still reloads when one of them changed since the last
   * reload. Absent, only the cfg and generated files are compared.
   */
  files?: StateFiles;
}
