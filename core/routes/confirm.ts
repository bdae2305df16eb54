/**
 * The routes of commit-confirmed applies: the pending window
 * (`GET /api/state/pending`, viewer), confirm and cancel (operator, the
 * role that may apply), and the wrapper PUT, PATCH and snapshot restore
 * run their apply through (`?confirm=`, `supersede=`, guard overrides).
 * The window owner is a background service: it resumes a persisted window
 * once the daemon serves and stops checking on shutdown.
 *
 * @module
 */
import type { PluginHost } from "../plugin.ts";
import type { CoreDeps } from "./deps.ts";
import { ConfirmWindows } from "../apply/confirm.ts";
import { ConfirmConfig, confirmRequest } from "../apply/confirm_params.ts";
import { WindowStore } from "../apply/confirm_store.ts";
import type { ApplyOptions, ApplyResult } from "../apply/types.ts";
import type { State } from "../state/schema.ts";
import type { WindowRecord } from "../apply/confirm_types.ts";

/**
 * How PUT, PATCH and restore apply: under the window rules of the request's
 * query. `apply` reports the state it replaces through `atLock`, called
 * under the apply lock (pass it on with {@link lockedGuard}).
 */
export type ConfirmedApply = (
  url: URL,
  actor: string,
  apply: (atLock: (current: State) => void) => Promise<ApplyResult>,
) => Promise<{ result: ApplyResult; window: WindowRecord | null }>;

/**
 * A pipeline guard that runs `guard` (the destructive-change refusal) and
 * then tells the window which state the apply replaces, both under the
 * apply lock: a refused apply opens no window and writes no baseline.
 */
export function lockedGuard(
  atLock: (current: State) => void,
  guard?: ApplyOptions["guard"],
): NonNullable<ApplyOptions["guard"]> {
  return (current, next) => {
    guard?.(current, next);
    atLock(current);
  };
}

/** The `patchpanel-confirm` header of an apply that opened or continued a window. */
export function confirmHeaders(window: WindowRecord | null): Record<string, string> {
  if (!window) return {};
  return { "patchpanel-confirm": `${window.id}; until=${new Date(window.endsAt).toISOString()}` };
}

/** Builds the window owner, registers its routes and service; returns the apply wrapper. */
export function confirmRoutes(host: PluginHost, deps: CoreDeps): ConfirmedApply {
  const config = ConfirmConfig.parse(host.config.confirm ?? {});
  const windows = new ConfirmWindows({
    apply: (state, opts) => deps.pipeline.apply(state, opts),
    store: deps.store,
    snapshots: deps.snapshots,
    audit: host.audit,
    emit: (payload) => host.emit("apply:rolled-back", payload),
    traffic: () => host.use("traffic"),
    windows: new WindowStore(host.paths),
    config,
    log: host.log,
  });
  // Every apply a plugin starts passes the window's refusal under the apply lock.
  deps.pipeline.gates.add(windows);
  host.service({
    name: "confirm-window",
    start: () => windows.resume(),
    stop: () => windows.stop(),
  });

  host.route("GET", "/api/state/pending", {
    role: "viewer",
    tier: "read",
    summary: "The commit-confirmed window: baseline, live guard readings, time left; the last one",
  }, async () => {
    await windows.ready();
    return windows.view();
  });

  host.route("POST", "/api/state/confirm", {
    role: "operator",
    tier: "write",
    summary: "End the commit-confirmed window now and keep the change",
  }, async (ctx) => ({ window: await windows.confirm(ctx.actor) }));

  host.route("POST", "/api/state/cancel", {
    role: "operator",
    tier: "write",
    summary: "Roll the commit-confirmed window's change back now",
  }, async (ctx) => ({
    // The restore is authorized with the caller's role, like a snapshot restore.
    window: await windows.cancel(ctx.actor, ctx.principal?.role ?? "viewer"),
  }));

  return (url, actor, apply) => windows.around(confirmRequest(url, config), actor, apply);
}
