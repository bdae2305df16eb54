/**
 * The transactional apply pipeline: validate → render → `haproxy -c` →
 * atomic swap → reload confirmed through the master CLI → the new worker's
 * servers checked against the state (verify.ts) → persist state, snapshot,
 * audit. Serialized; a failure at any step leaves HAProxy running the old
 * config and `state.json` untouched. A candidate identical to what runs is
 * a no-op (unchanged.ts) — unless a file the state references (a
 * certificate, a CA) changed since HAProxy last loaded it, which only a
 * reload picks up (`files`, core/state_files.ts). What does not need the check's
 * verdict (staging `state.json` and the snapshot, the server-state dump) runs
 * while `haproxy -c` does (swap.ts), so an apply costs little more than
 * HAProxy's own check and reload; `Server-Timing` on the response says where
 * the time went.
 *
 * @module
 */
import { HttpError } from "../errors.ts";
import type { State } from "../state/schema.ts";
import type { Rendered } from "../render/render.ts";
import type { ReloadResult } from "../haproxy/client.ts";
import type { ApplyFailedStage } from "../events.ts";
import { PluginError, type PluginFailureSite } from "../plugin_error.ts";
import { readTextOrNull, syncDir, writeFileAtomic } from "../fsutil.ts";
import { writeGenerated } from "./files.ts";
import { unchangedApply } from "./unchanged.ts";
import { Mutex } from "./mutex.ts";
import { ApplyGates } from "./gate.ts";
import { oneChangeAtATime } from "./exclusive.ts";
import type { ApplyOptions, ApplyResult } from "./types.ts";
import { StageClock } from "./stage_clock.ts";
import { runtimeApply, type RuntimeOutcome } from "./runtime_apply.ts";
import { reloadApply } from "./reload_apply.ts";
import { adoptRendered, planCandidate } from "./plan_adopt.ts";
import { detectSupport, type RuntimeSupport } from "./runtime_support.ts";
import type { GuardedAction } from "../security/state_guard.ts";
import { assertWithinLimits } from "../state/limits.ts";
import { type StateChanges, stateChanges } from "../state/changes.ts";

/** The core's own render, named when it (not a plugin's hook) throws. */
const CORE_RENDER: PluginFailureSite = { plugin: "core", kind: "render hook" };

export type { PipelineDeps } from "./pipeline_deps.ts";
import type { PipelineDeps } from "./pipeline_deps.ts";

/** Outcome of a dry run: would it pass, and what would change in the cfg. */
// Declared with the other apply shapes, so the plugin contract needs no implementation file.
export type { AdoptResult, PlanResult } from "./types.ts";
import type { AdoptResult, PlanResult } from "./types.ts";
import { CheckMemo } from "./check_memo.ts";
import { LiveCfg } from "./live_cfg.ts";
import type { CheckResult } from "../haproxy/check.ts";

/**
 * Owns every change to the running configuration.
 *
 * Core machinery, reachable from a `Daemon` for tests and embedders;
 * not part of the plugin API (hence `@internal`: `deno doc` does not list it).
 *
 * @internal
 */
export class ApplyPipeline {
  #mutex = new Mutex();
  #support: RuntimeSupport | null = null;
  /** Candidates `haproxy -c` just accepted (a plan's, a peer's prepare), by content. */
  readonly #checked = new CheckMemo();
  /**
   * The refusals applies a plugin starts pass under the lock ({@link applyGated},
   * {@link exclusiveApply}): the commit-confirmed window installs its 409 here.
   */
  readonly gates = new ApplyGates();
  /** The digest of the referenced files HAProxy last loaded; null: not known (so reload). */
  #loadedFiles: string | null = null;
  /** The live cfg's text, remembered while the file is unchanged (live_cfg.ts). */
  readonly #live: LiveCfg;
  constructor(private deps: PipelineDeps) {
    this.#live = new LiveCfg(deps.paths.cfg);
  }

  /**
   * Records that HAProxy has just (re)loaded the files `state` references,
   * as they are on disk now: start-up calls it once HAProxy runs.
   */
  async filesLoaded(state: State | null): Promise<void> {
    this.#loadedFiles = await this.#filesDigest(state);
  }

  /** The digest of the files `state` references, or "" without a file registry. */
  async #filesDigest(state: State | null): Promise<string> {
    if (!this.deps.files) return "";
    return state ? await this.deps.files.digest(state) : "";
  }

  /**
   * Validates input against the composed schema; a failure is the spec's 422.
   * The state limits are counted first, so an apply a plugin starts (a peer's
   * push, a Lua re-apply) is bounded like a PUT.
   */
  validate(input: unknown): State {
    if (this.deps.limits) assertWithinLimits(input, this.deps.limits);
    const parsed = this.deps.schema().safeParse(input);
    if (!parsed.success) {
      throw new HttpError("ValidationError", "state failed validation", {
        error: "ValidationError",
        issues: parsed.error.issues,
      });
    }
    return parsed.data;
  }

  /** A document that sends a secret's redaction marker back keeps the stored secret. */
  #restoreSecrets(input: unknown): unknown {
    return this.deps.secrets?.restore(input, this.deps.store.current()) ?? input;
  }

  /** Runs the whole pipeline, one apply at a time. */
  apply(input: unknown, opts: ApplyOptions): Promise<ApplyResult> {
    return this.#exclusive(() => {
      input = this.#restoreSecrets(input);
      this.#authorize("apply", input, opts);
      return this.#apply(input, opts);
    });
  }

  /**
   * {@link apply} for a plugin: the installed gates (a pending commit-confirmed
   * window: 409 `{error, pending}`) are asked under the lock first, so a peer's
   * push or a certificate install cannot slip into a window.
   */
  async applyGated(input: unknown, opts: ApplyOptions): Promise<ApplyResult> {
    await this.gates.ready();
    return await this.#exclusive(() => {
      this.gates.admit();
      input = this.#restoreSecrets(input);
      this.#authorize("apply", input, opts);
      return this.#apply(input, opts);
    });
  }

  /**
   * Runs `fn` under the apply lock once the gates admit it, handing it an
   * `apply` that does not take the lock again: for a plugin that changes
   * files the render reads and re-applies as one step (certbot installs
   * issued certificates so), with no other apply or reload in between.
   */
  async exclusiveApply<T>(
    fn: (apply: (input: unknown, opts: ApplyOptions) => Promise<ApplyResult>) => Promise<T>,
  ): Promise<T> {
    await this.gates.ready();
    return await this.#exclusive(() => {
      this.gates.admit();
      // The plugin changes files the render reads but a check's key may not cover.
      this.#checked.clear();
      return fn((input, opts) => {
        input = this.#restoreSecrets(input);
        this.#authorize("apply", input, opts);
        return this.#apply(input, opts);
      });
    });
  }

  /** Validate → render → `haproxy -c` on a scratch file, and the diff against the live cfg. */
  plan(
    input: unknown,
    opts: Pick<ApplyOptions, "role" | "actor"> = { actor: "system" },
  ): Promise<PlanResult> {
    return this.#exclusive(async () => {
      input = this.#restoreSecrets(input);
      this.#authorize("plan", input, { ...opts, reason: null });
      const state = this.validate(input);
      const rendered = this.deps.render(state);
      return await planCandidate(
        this.deps.paths,
        rendered,
        (path) =>
          this.#check(path, async () => this.#keyOf(rendered, await this.#filesDigest(state))),
      );
    });
  }

  /**
   * Records a state change that HAProxy makes at run time, without a reload
   * (a runtime entry in a file-backed ACL: HAProxy already matches it, and
   * state.json must list it too, or the next apply would rewrite the file
   * without it). Under the apply mutex: derive the next state from the
   * current one, validate it, require that it renders byte-identical to the
   * live cfg (anything else needs a real apply: 409), write its generated
   * files, run the runtime command, then persist state.json, a snapshot and
   * an audit entry. If the command fails the files are put back and nothing
   * is persisted.
   */
  adoptRuntime(
    change: (current: State) => unknown,
    run: () => Promise<void>,
    opts: ApplyOptions,
  ): Promise<AdoptResult> {
    return this.#exclusive(async () => {
      const current = this.deps.store.current();
      if (current === null) throw new HttpError("NotInitialized", "state not initialized");
      const next = change(structuredClone(current));
      this.#authorize("adopt-runtime", next, opts);
      const state = this.validate(next);
      return await adoptRendered(this.deps, current, state, run, opts);
    });
  }

  /**
   * Reloads HAProxy onto the cfg on disk, as one change among the others:
   * under the apply lock, so a reload asked for during an apply waits for it
   * (and never reloads a half-swapped cfg), and refused (503) while a backup
   * holds changes. `POST /api/haproxy/reload` and plugins' `host.haproxy.reload` use it.
   */
  reload(): Promise<ReloadResult> {
    return this.#exclusive(() => this.deps.haproxy.reload());
  }

  /**
   * Brings HAProxy's files in line with a state at start-up (a crash between
   * swap and persist left a newer cfg than state.json). Does not reload.
   */
  async materialize(state: State): Promise<{ ok: boolean; output: string }> {
    const rendered = this.deps.render(state);
    if (await readTextOrNull(this.deps.paths.cfg) !== rendered.text) {
      // The server-state dump on disk was filtered for another cfg: a worker started on
      // this one must not load its addresses or weights.
      await Deno.remove(this.deps.paths.serverStateFile).catch(() => {});
    }
    await writeGenerated(rendered.files);
    await writeFileAtomic(this.deps.paths.cfgCandidate, rendered.text);
    const check = await this.deps.haproxy.check(this.deps.paths.cfgCandidate);
    if (!check.ok) return check;
    await Deno.rename(this.deps.paths.cfgCandidate, this.deps.paths.cfg);
    await syncDir(this.deps.paths.dataDir);
    return check;
  }

  async #apply(input: unknown, opts: ApplyOptions): Promise<ApplyResult> {
    const started = performance.now();
    const clock = new StageClock();
    const { store, audit } = this.deps;
    // What this apply changes, for its audit entry, failed or not (known once validated).
    let changes: StateChanges | null = null;
    const fail = async (stage: ApplyFailedStage, error: HttpError) => {
      // A plugin's render hook or check that threw: the entry and the event name it.
      const plugin = error instanceof PluginError ? { plugin: error.plugin } : {};
      audit.record({
        actor: opts.actor,
        category: "state",
        action: "apply",
        target: null,
        details: { reason: opts.reason, stage, error: error.message, ...plugin },
        outcome: "failure",
        changes,
      });
      await this.deps.events.emit("apply:failed", {
        actor: opts.actor,
        reason: opts.reason,
        stage,
        message: error.message,
        durationMs: performance.now() - started,
        ...plugin,
      });
      return error;
    };

    if (store.current() === null) {
      throw new HttpError("NotInitialized", "state not initialized");
    }
    if (opts.ifMatch && opts.ifMatch !== "*" && opts.ifMatch !== store.etag()) {
      throw new HttpError("PreconditionFailed", "state changed since it was read", {
        error: "state changed since it was read (If-Match does not match the current ETag)",
        etag: store.etag(),
      });
    }
    let state: State;
    try {
      state = this.validate(input);
      opts.guard?.(store.current()!, state);
    } catch (e) {
      throw await fail("validate", e as HttpError);
    }
    changes = stateChanges(store.current(), state, { secrets: this.deps.secrets });
    clock.lap("validate");

    // Render and check a candidate beside the live file.
    let rendered: Rendered;
    try {
      rendered = this.deps.render(state);
    } catch (e) {
      // Nothing is written yet: a throwing render hook leaves HAProxy and state.json as they were.
      throw await fail("render", e instanceof HttpError ? e : new PluginError(CORE_RENDER, e));
    }
    clock.lap("render");
    const live = await this.#live.read();
    // A referenced file replaced under the same name leaves the cfg as it was; HAProxy only
    // reads the new bytes on a reload, so neither the no-op nor the runtime path may serve.
    const filesDigest = await this.#filesDigest(state);
    const filesCurrent = !this.deps.files || filesDigest === this.#loadedFiles;
    // Hashed only when a check is about to run (a proven or unchanged apply needs none).
    const checkKey = () => this.#keyOf(rendered, filesDigest);
    if (live === rendered.text && filesCurrent) {
      const same = await unchangedApply(this.deps, state, rendered, opts, clock);
      if (same) return same;
    }
    // Runtime path (runtime_apply.ts): server-level changes without a reload; it undoes
    // itself and answers `fallback` when the reload path below must run instead.
    let runtimeFallback: string | undefined;
    if (!filesCurrent) runtimeFallback = "a file the state references changed";
    else if (live !== null) {
      const quick = await this.#runtime(state, rendered, live, opts, clock, started, {
        checkKey,
        changes,
      });
      if (quick.kind === "applied") return quick.result;
      runtimeFallback = quick.reason;
    }
    return reloadApply(this.deps, {
      state,
      rendered,
      live,
      opts,
      clock,
      started,
      changes,
      runtimeFallback,
      filesDigest,
      check: (path) => this.#check(path, checkKey),
      fail,
      loadedFiles: (digest) => {
        this.#loadedFiles = digest;
      },
    });
  }

  /**
   * Asks the running HAProxy what it can change at run time (version, `add
   * server`, ACL versions); start-up calls it once HAProxy runs, and the
   * first apply again if it did not answer then. Null: no answer.
   */
  async detectRuntime(): Promise<RuntimeSupport | null> {
    this.#support ??= await detectSupport((c) => this.deps.haproxy.admin(c));
    return this.#support;
  }

  /** The runtime path, with what the running HAProxy supports (asked once, when it answers). */
  async #runtime(
    state: State,
    rendered: Rendered,
    live: string,
    opts: ApplyOptions,
    clock: StageClock,
    started: number,
    extra: { checkKey: () => string; changes: StateChanges },
  ): Promise<RuntimeOutcome> {
    this.#support ??= await detectSupport((c) => this.deps.haproxy.admin(c));
    if (!this.#support) {
      return { kind: "fallback", reason: "HAProxy's admin socket did not answer" };
    }
    return runtimeApply(this.deps, {
      state,
      rendered,
      live,
      opts,
      clock,
      started,
      support: this.#support,
      drainMs: this.deps.runtimeDrainMs,
      proveChecks: this.deps.proveChecks ?? true,
      check: (path) => this.#check(path, extra.checkKey),
      changes: extra.changes,
      swapped: (text) => this.#live.swapped(text),
    });
  }

  /**
   * Runs `fn` under the apply lock, between applies (process control: stopping or starting
   * HAProxy must not cut through an apply). Waits and refuses like an apply.
   */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    return this.#exclusive(() => {
      // A stopped and started HAProxy may be another binary (a package upgrade in between).
      this.#checked.clear();
      return fn();
    });
  }

  /**
   * `haproxy -c` of a candidate, or the pass of the same candidate a moment
   * ago (check_memo.ts); a pass is remembered for the next one. With a key
   * known synchronously (an apply's), the check is spawned before this
   * returns, so the staging that runs after the call overlaps it.
   */
  #check(path: string, keyOf: () => string | Promise<string>): Promise<CheckResult> {
    const run = (key: string) => this.#checked.through(key, () => this.deps.haproxy.check(path));
    const key = keyOf();
    return typeof key === "string" ? run(key) : key.then(run);
  }

  /** The check memo's key for a rendered candidate (its referenced files' digest known). */
  #keyOf(rendered: Rendered, filesDigest: string): string {
    return CheckMemo.key(rendered.text, rendered.files, filesDigest);
  }

  /** One change at a time (exclusive.ts). */
  #exclusive<T>(fn: () => Promise<T>): Promise<T> {
    return oneChangeAtATime(this.#mutex, this.deps.paths, this.deps.lockWaitMs, fn);
  }

  /** Step 1: a 403 for a path the caller's role may not change (no role: the daemon's own). */
  #authorize(action: GuardedAction, input: unknown, opts: ApplyOptions): void {
    if (!opts.role || !this.deps.guard) return;
    const { store } = this.deps;
    // A stale If-Match is a 412 before it is a 403: the paths it would refuse are someone
    // else's newer change, and the answer is to re-read, not to ask an admin.
    if (opts.ifMatch && opts.ifMatch !== "*" && opts.ifMatch !== store.etag()) {
      throw new HttpError("PreconditionFailed", "state changed since it was read", {
        error: "state changed since it was read (If-Match does not match the current ETag)",
        etag: store.etag(),
      });
    }
    const req = { role: opts.role, actor: opts.actor, action, reason: opts.reason };
    this.deps.guard.check(req, store.current(), input);
  }
}
