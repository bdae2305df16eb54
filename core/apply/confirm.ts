/**
 * Commit-confirmed applies: one watch window at a time after an apply that
 * asked for it (`?confirm=<duration>`). The window's baseline is the
 * minute of samples before the apply, for the frontends and backends the
 * change touched (confirm_touched.ts); on every check the live readings
 * since the apply are judged by the guards (confirm_guards.ts). A tripped
 * guard restores the snapshot from before the window through the apply
 * pipeline, audits `rollback:auto` with both readings and emits
 * `apply:rolled-back`. Confirm ends the window and keeps the change;
 * cancel rolls back at once; a window that runs out with no guard tripped
 * keeps the change. The window is persisted (confirm_store.ts), so a
 * restarted daemon resumes it, or keeps the change and audits that when it
 * expired meanwhile.
 *
 * @module
 */
import { conflict } from "../errors.ts";
import type { Role } from "../plugin.ts";
import type { Events } from "../events.ts";
import type { Logger } from "../log.ts";
import type { State } from "../state/schema.ts";
import type { StateStore } from "../state/store.ts";
import type { AuditLog } from "../store/audit.ts";
import type { SnapshotStore } from "../store/snapshots.ts";
import type { ApplyOptions, ApplyResult } from "./types.ts";
import type { ConfirmConfig, ConfirmRequest } from "./confirm_params.ts";
import type { WindowFile, WindowStore } from "./confirm_store.ts";
import type { Reading, TrafficSource, WindowRecord, WindowStatus } from "./confirm_types.ts";
import { proxyKey, readings } from "./confirm_readings.ts";
import { judge } from "./confirm_guards.ts";
import { mergeTouched, type Touched, touched } from "./confirm_touched.ts";

/** What the windows need: the pipeline to roll back through, stores, the sampler's samples. */
export interface ConfirmDeps {
  apply: (state: unknown, opts: ApplyOptions) => Promise<ApplyResult>;
  store: StateStore;
  snapshots: SnapshotStore;
  audit: AuditLog;
  emit: (payload: Events["apply:rolled-back"]) => Promise<void>;
  /** The stats plugin's samples, asked per use (undefined when it is not loaded). */
  traffic: () => TrafficSource | undefined;
  windows: WindowStore;
  config: ConfirmConfig;
  log: Logger;
  now?: () => number;
}

/** `GET /api/state/pending`: the window (with the time left) and the last one that ended. */
export interface PendingView {
  pending: (WindowRecord & { timeLeftMs: number }) | null;
  last: WindowRecord | null;
}

/** Owns the one pending window. */
export class ConfirmWindows {
  #file: WindowFile = { pending: null, last: null };
  #timer: ReturnType<typeof setTimeout> | undefined;
  #running = false;
  /** An apply that opens or continues the window is in flight. */
  #starting = false;
  /** A check or a rollback is in flight. */
  #busy: Promise<unknown> | null = null;
  #now: () => number;
  #ready: Promise<void> | null = null;

  /** Builds the owner; {@link resume} loads what a previous run left. */
  constructor(private deps: ConfirmDeps) {
    this.#now = deps.now ?? Date.now;
  }

  /**
   * Loads the persisted window once. Requests await it too, so one that
   * arrives before the service has resumed still sees a pending window.
   */
  ready(): Promise<void> {
    this.#ready ??= this.deps.windows.load().then((f) => {
      this.#file = f;
    });
    return this.#ready;
  }

  /** Loads the persisted window and resumes it (or keeps an expired one, audited). */
  async resume(): Promise<void> {
    await this.ready();
    this.#running = true;
    const w = this.#file.pending;
    if (w && this.#now() >= w.endsAt) {
      await this.#end(w, "kept", "the window ended while patchpanel was down; the change is kept");
      this.deps.audit.record({
        actor: "system",
        category: "state",
        action: "confirm:kept",
        target: w.appliedSnapshot,
        details: { window: w.id, whileDown: true, endsAt: new Date(w.endsAt).toISOString() },
        outcome: "success",
      });
    } else if (w) {
      this.deps.log.info("resuming a commit-confirmed window", { window: w.id });
    }
    this.#schedule();
  }

  /** Stops checking (the window stays persisted for the next start). */
  async stop(): Promise<void> {
    this.#running = false;
    clearTimeout(this.#timer);
    await this.#busy?.catch(() => {});
  }

  /** The pending window with its time left, and the last window that ended. */
  view(): PendingView {
    const p = this.#file.pending;
    return {
      pending: p ? { ...p, timeLeftMs: Math.max(0, p.endsAt - this.#now()) } : null,
      last: this.#file.last,
    };
  }

  /**
   * Runs one apply under the window rules: refused (409 `{error, pending}`)
   * while a window is pending unless it supersedes; a window opened when
   * the request asks for one, or continued (same rollback target and
   * baseline) when it supersedes.
   *
   * `apply` must call its `atLock` with the live state once it holds the
   * apply lock (through {@link ApplyOptions.guard}): the rollback target is
   * the state this change replaces, not whatever was live when the request
   * arrived, so an apply that lands in between is never undone with it.
   */
  async around(
    req: ConfirmRequest,
    actor: string,
    apply: (atLock: (current: State) => void) => Promise<ApplyResult>,
  ): Promise<{ result: ApplyResult; window: WindowRecord | null }> {
    await this.ready();
    // A check or rollback in flight settles first (a rollback may end the window).
    while (this.#busy) await this.#busy.catch(() => {});
    const open = this.#file.pending;
    if (this.#starting || (open && !req.supersede)) {
      throw conflict(
        this.#starting
          ? "a commit-confirmed window is being opened; retry"
          : "a commit-confirmed window is pending: confirm or cancel it, or send supersede=true",
        { pending: this.view().pending },
      );
    }
    if (!open && req.durationMs === null) return { result: await apply(() => {}), window: null };
    if (!this.deps.store.current()) {
      throw conflict("there is no applied state yet to roll back to: apply once without confirm");
    }
    this.#starting = true;
    try {
      const startedAt = this.#now();
      let replaced: { state: State; snapshot: string } | null = null;
      const result = await apply((current) => {
        replaced = {
          state: current,
          snapshot: open?.rollbackTo ?? this.#snapshotOf(current, actor),
        };
      });
      if (!replaced) throw new Error("confirm: the apply never reported the state it replaced");
      const { state: prev, snapshot: rollbackTo } = replaced as { state: State; snapshot: string };
      if (!open && result.outcome === "unchanged") return { result, window: null };
      const seen = touched(prev, result.state);
      const all = open ? mergeTouched(open.touched, seen) : seen;
      const w: WindowRecord = {
        id: open?.id ?? crypto.randomUUID(),
        status: "pending",
        actor: open?.actor ?? actor,
        startedAt: open?.startedAt ?? startedAt,
        watchFrom: this.#now(),
        endsAt: req.durationMs !== null ? this.#now() + req.durationMs : open!.endsAt,
        rollbackTo,
        appliedSnapshot: result.snapshotId,
        superseded: open ? open.superseded + 1 : 0,
        touched: all,
        guards: req.guards,
        baseline: { ...this.#baseline(open?.startedAt ?? startedAt, all), ...open?.baseline },
        live: {},
        verdicts: [],
        endedAt: null,
        why: null,
        restoredSnapshot: null,
      };
      this.#file.pending = w;
      await this.deps.windows.save(this.#file);
      this.deps.audit.record({
        actor,
        category: "state",
        action: open ? "confirm:superseded" : "confirm:opened",
        target: result.snapshotId,
        details: { window: w.id, endsAt: new Date(w.endsAt).toISOString(), touched: all },
        outcome: "success",
      });
      this.#schedule();
      return { result, window: w };
    } finally {
      this.#starting = false;
    }
  }

  /**
   * The refusal of an apply a plugin starts (a peer's push, a certificate
   * install): 409 `{error, pending}` while a window is pending or being
   * opened. Called under the apply lock (gate.ts), after {@link ready}.
   * Plugins never supersede: that stays an operator's explicit choice.
   */
  admit(): void {
    if (!this.#starting && !this.#file.pending) return;
    throw conflict(
      this.#starting
        ? "a commit-confirmed window is being opened; retry once it is confirmed or ended"
        : "a commit-confirmed window is pending: this change waits until it is confirmed or ends",
      { pending: this.view().pending },
    );
  }

  /** Ends the window early and keeps the change (409 without one). */
  async confirm(actor: string): Promise<WindowRecord> {
    const w = await this.#requirePending();
    const ended = await this.#end(w, "confirmed", `confirmed by ${actor}`);
    this.deps.audit.record({
      actor,
      category: "state",
      action: "confirm:confirmed",
      target: w.appliedSnapshot,
      details: { window: w.id, timeLeftMs: Math.max(0, w.endsAt - this.#now()) },
      outcome: "success",
    });
    return ended;
  }

  /**
   * Rolls the window's change back now (409 without a window). The restore
   * is authorized field by field with the caller's `role`, like a snapshot
   * restore: an operator cannot undo an admin's change this way. A refused
   * or failed restore is the caller's error and leaves the window pending.
   */
  async cancel(actor: string, role?: Role): Promise<WindowRecord> {
    const w = await this.#requirePending();
    return await this.#track(
      this.#rollBack(w, actor, "cancelled", `cancelled by ${actor}`, role),
    );
  }

  /** One check now (the timer calls it; tests may too): expiry, then the guards. */
  check(): Promise<void> {
    if (this.#starting || this.#busy) return Promise.resolve();
    return this.#track(this.#check());
  }

  async #check(): Promise<void> {
    const w = this.#file.pending;
    if (!w) return;
    const keys = keysOf(w.touched);
    const source = this.deps.traffic();
    const samples = source ? source.samples(w.watchFrom) : [];
    w.live = readings(samples, keys);
    w.verdicts = judge(keys, w.baseline, w.live, w.guards);
    if (!source) {
      w.verdicts.unshift({
        guard: "servers",
        proxy: "*",
        kind: "backend",
        status: "insufficient",
        detail: "no sampler: the stats plugin is not loaded",
      });
    }
    const tripped = w.verdicts.filter((v) => v.status === "tripped");
    if (tripped.length > 0) {
      const why = tripped.map((v) => `${v.guard} on ${v.kind} ${v.proxy}: ${v.detail}`).join("; ");
      await this.#rollBack(w, "system", "rolled-back", why);
      return;
    }
    if (this.#now() >= w.endsAt) {
      this.deps.audit.record({
        actor: "system",
        category: "state",
        action: "confirm:kept",
        target: w.appliedSnapshot,
        details: { window: w.id, baseline: w.baseline, live: w.live, verdicts: w.verdicts },
        outcome: "success",
      });
      await this.#end(w, "kept", "the window ended with no guard tripped; the change is kept");
      return;
    }
    await this.deps.windows.save(this.#file);
  }

  async #rollBack(
    w: WindowRecord,
    actor: string,
    status: "rolled-back" | "cancelled",
    why: string,
    role?: Role,
  ): Promise<WindowRecord> {
    const action = status === "rolled-back" ? "rollback:auto" : "rollback:cancel";
    const snap = this.deps.snapshots.get(w.rollbackTo);
    let restored: string | null = null;
    let error: string | null = null;
    if (!snap) error = `snapshot ${w.rollbackTo} is gone`;
    else {
      try {
        restored = (await this.deps.apply(snap.state, { actor, reason: action, role }))
          .snapshotId;
      } catch (e) {
        // A cancel's refusal (403, 412, a failed check) is answered; the window goes on.
        if (status === "cancelled") throw e;
        error = (e as Error)?.message ?? String(e);
      }
    }
    const ok = error === null;
    w.restoredSnapshot = restored;
    // Audited before the window reads as ended, so whoever sees it ended finds the entry.
    this.deps.audit.record({
      actor,
      category: "state",
      action,
      target: w.rollbackTo,
      details: {
        window: w.id,
        why,
        error,
        restoredSnapshot: restored,
        baseline: w.baseline,
        live: w.live,
        verdicts: w.verdicts,
      },
      outcome: ok ? "success" : "failure",
    });
    const ended = await this.#end(
      w,
      ok ? status : "rollback-failed",
      ok ? why : `${why}; the rollback failed: ${error}`,
    );
    await this.deps.emit({
      actor,
      windowId: w.id,
      trigger: status === "rolled-back" ? "guard" : "cancel",
      rollbackTo: w.rollbackTo,
      snapshotId: restored,
      ok,
      message: ended.why ?? why,
    });
    return ended;
  }

  async #end(w: WindowRecord, status: WindowStatus, why: string): Promise<WindowRecord> {
    const ended = { ...w, status, why, endedAt: this.#now() };
    this.#file = { pending: null, last: ended };
    await this.deps.windows.save(this.#file);
    return ended;
  }

  /** The pending window once a check in flight has settled (409 without one). */
  async #requirePending(): Promise<WindowRecord> {
    await this.ready();
    while (this.#busy) await this.#busy.catch(() => {});
    const w = this.#file.pending;
    if (!w) throw conflict("no commit-confirmed window is pending", { last: this.#file.last });
    if (this.#starting) {
      throw conflict("the window is being opened, checked or rolled back; retry", {
        pending: this.view().pending,
      });
    }
    return w;
  }

  #track<T>(p: Promise<T>): Promise<T> {
    const tracked = p.finally(() => {
      if (this.#busy === tracked) this.#busy = null;
    });
    this.#busy = tracked;
    return tracked;
  }

  /** The readings of the minute (config `baselineMs`) before `at`. */
  #baseline(at: number, t: Touched): Record<string, Reading> {
    const source = this.deps.traffic();
    if (!source) return {};
    const samples = source.samples(at - this.deps.config.baselineMs).filter((s) => s.at <= at);
    return readings(samples, keysOf(t));
  }

  /** The newest snapshot when it holds `state`; otherwise one taken now, to roll back to. */
  #snapshotOf(state: State | null, actor: string): string {
    const latest = this.deps.snapshots.latest();
    if (latest && JSON.stringify(latest.state) === JSON.stringify(state)) return latest.id;
    return this.deps.snapshots.write(state, { actor, reason: "confirm:baseline" }).id;
  }

  /** Checks once per sample (at most every second) while a window is pending. */
  #schedule(): void {
    clearTimeout(this.#timer);
    if (!this.#running || !this.#file.pending) return;
    const every = Math.min(this.deps.traffic()?.intervalMs ?? 1000, 1000);
    this.#timer = setTimeout(async () => {
      try {
        await this.check();
      } catch (error) {
        this.deps.log.error("checking the commit-confirmed window failed", {
          error: String(error),
        });
      }
      this.#schedule();
    }, every);
  }
}

function keysOf(t: Touched): string[] {
  return [
    ...t.frontends.map((n) => proxyKey("frontend", n)),
    ...t.backends.map((n) => proxyKey("backend", n)),
  ];
}
