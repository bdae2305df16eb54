/**
 * Start-up's reconciliation: state.json read into the store, then HAProxy
 * brought in line with it (the cfg rendered and installed, the embedded
 * master started or attached to, an attached one reloaded), and what was
 * found and done audited. Split from the daemon's assembly (daemon.ts),
 * which calls these once, in order.
 *
 * @module
 */
import { StartupError } from "./errors.ts";
import type { Logger } from "./log.ts";
import type { DataPaths } from "./paths.ts";
import type { composeStateSchema } from "./state/schema.ts";
import type { StateStore } from "./state/store.ts";
import type { ApplyPipeline } from "./apply/pipeline.ts";
import type { AuditLog } from "./store/audit.ts";
import type { HaproxyClient } from "./haproxy/client.ts";
import { type EmbeddedHaproxy, HaproxyStartError, type StartInfo } from "./haproxy/process.ts";
import { seedState } from "./seed.ts";
import { readTextOrNull, writeFileAtomic } from "./fsutil.ts";
import { runtimeInterrupted } from "./apply/runtime_marker.ts";

/**
 * Reads state.json into the store: a missing one becomes the seed state (or
 * an empty one), one that is not JSON or does not validate leaves the state
 * uninitialized (every change answers 409 until it is fixed) and says why.
 */
export async function loadInitialState(
  store: StateStore,
  schema: ReturnType<typeof composeStateSchema>,
  seed: boolean,
  log: Logger,
): Promise<void> {
  const loaded = await store.load();
  if (loaded.kind === "missing") {
    const initial = schema.safeParse(seed ? seedState() : {});
    if (!initial.success) {
      throw new StartupError("STATE_CORRUPT", `initial state is invalid: ${initial.error.message}`);
    }
    await store.save(initial.data);
    return;
  }
  if (loaded.kind === "corrupt") {
    log.error(`state.json is not valid JSON (${loaded.message}); state is not initialized`);
    return;
  }
  const parsed = schema.safeParse(loaded.raw);
  if (!parsed.success) {
    log.error("state.json does not validate; state is not initialized", {
      issues: parsed.error.issues.slice(0, 5),
    });
    return;
  }
  store.adopt(parsed.data);
}

/** What start-up needs to bring HAProxy in line with state.json, and to audit it. */
export interface StartHaproxyDeps {
  store: StateStore;
  pipeline: ApplyPipeline;
  embedded: EmbeddedHaproxy | null;
  haproxy: HaproxyClient;
  log: Logger;
  audit: AuditLog;
  paths: DataPaths;
}

/**
 * Makes HAProxy run what state.json says: render, check and install the cfg
 * (a crash between swap and persist may have left a newer one), then start
 * the embedded master — or attach to the one a previous run left serving —
 * or reload the attached one. An attached master may run a cfg that was
 * never committed (a daemon killed mid-apply), so it is reloaded onto
 * state.json's. What start-up found and did goes to the audit log.
 */
export async function startHaproxy(deps: StartHaproxyDeps): Promise<void> {
  const { store, pipeline, embedded, haproxy, log, audit, paths } = deps;
  const found: string[] = [];
  const did: string[] = [];
  let outcome: "success" | "failure" = "success";
  // A runtime apply killed midway: HAProxy's runtime server state is neither the cfg's nor
  // state.json's, so none of it is carried over (core/apply/runtime_marker.ts).
  const interrupted = await runtimeInterrupted(paths);
  if (interrupted) {
    found.push("a runtime apply interrupted midway");
    did.push("started HAProxy's servers from the cfg, carrying no runtime state");
  }
  const state = store.current();
  if (state) {
    const candidate = await readTextOrNull(paths.cfgCandidate);
    const before = await readTextOrNull(paths.cfg);
    const out = await pipeline.materialize(state);
    if (!out.ok) {
      log.error("the state's render fails haproxy -c; keeping the cfg on disk", {
        output: out.output,
      });
      found.push("state.json's render fails haproxy -c");
      did.push("kept the haproxy.cfg on disk");
      outcome = "failure";
    } else if (before !== null && before !== await readTextOrNull(paths.cfg)) {
      found.push(
        "haproxy.cfg on disk was not the render of state.json " +
          "(an apply interrupted between its swap and its commit)",
      );
      did.push("rewrote haproxy.cfg from state.json");
    }
    if (candidate !== null) found.push("a staged haproxy.cfg.candidate of an interrupted apply");
  }
  if (embedded) {
    let info: StartInfo;
    try {
      info = await embedded.start();
    } catch (error) {
      // HAProxy's own alerts say why (a port already bound, a missing file): show them.
      const output = error instanceof HaproxyStartError ? error.output : "";
      const alerts = output.split("\n").filter((l) => l.startsWith("[ALERT]")).join("\n");
      const message = String((error as Error).message ?? error);
      throw new StartupError("HAPROXY_START_FAILED", alerts ? `${message}\n${alerts}` : message);
    }
    if (info.replaced !== null) {
      found.push(`HAProxy master ${info.replaced} of a previous run, not answering its socket`);
      did.push(`ended it and started master ${info.pid}`);
    }
    if (info.attached) {
      found.push(`HAProxy master ${info.pid} still serving from a previous run`);
      // Its runtime server state (drains, weights set since the last apply) survives the
      // reload the way an apply's does: dumped where the next worker loads it.
      const dump = interrupted ? null : await haproxy.admin("show servers state");
      if (dump?.ok && dump.output.startsWith("1\n")) {
        await writeFileAtomic(paths.serverStateFile, dump.output);
      }
      const reload = await haproxy.reload();
      if (reload.ok) {
        did.push(`attached to it and reloaded it onto state.json (worker ${reload.workerPid})`);
      } else {
        did.push(`attached to it; its reload onto state.json failed: ${reload.message}`);
        log.error("reloading the attached HAProxy at start-up failed", {
          message: reload.message,
        });
        outcome = "failure";
      }
    }
  } else {
    const reload = await haproxy.reload();
    if (!reload.ok) {
      log.error("attached HAProxy did not reload at start-up", { message: reload.message });
    }
  }
  // HAProxy has just read every file the state references: the baseline a later replaced
  // certificate is measured against (an apply whose cfg is unchanged still reloads then).
  await pipeline.filesLoaded(state);
  // What the running HAProxy can change without a reload (core/apply/runtime_support.ts).
  const support = await pipeline.detectRuntime();
  if (support) {
    log.info("runtime applies", {
      version: support.version,
      dynamicServers: support.dynamicServers,
      aclVersions: support.aclVersions,
    });
  }
  if (found.length > 0) {
    audit.record({
      actor: "system",
      category: "haproxy",
      action: "startup",
      target: null,
      details: { found, did },
      outcome,
    });
  }
}
