/**
 * The half of an apply around the reload: what can be done while
 * `haproxy -c` runs, the atomic swap of the live cfg, and putting the old
 * one back when the new config does not load.
 *
 * `haproxy -c` runs in its own process for most of an apply's wall time, so
 * everything that does not depend on its verdict happens meanwhile: the
 * candidate is made durable, the live cfg is kept as `.bak`, `state.json` is
 * serialized and written beside itself, the snapshot is stored as pending,
 * and HAProxy's runtime server state is dumped, filtered for the candidate
 * cfg, for the next worker (server_state_filter.ts). While the reload runs,
 * `state.json`'s successor is renamed into place, the old file kept to put
 * back (`place`); after it only the store's adoption and a flag flip remain.
 *
 * @module
 */
import { copyFile } from "node:fs/promises";
import type { State } from "../state/schema.ts";
import type { PlacedState, PreparedState, StateStore } from "../state/store.ts";
import type { SnapshotMeta, SnapshotStore, StagedSnapshot } from "../store/snapshots.ts";
import type { HaproxyClient } from "../haproxy/client.ts";
import type { SocketResult } from "../haproxy/socket.ts";
import type { DataPaths } from "../paths.ts";
import { syncDir, writeFileAtomic } from "../fsutil.ts";
import { type DeclaredServer, declaredServers } from "../haproxy/declared_servers.ts";
import { type CarriedOverride, filterServerState } from "../haproxy/server_state_filter.ts";

/** What {@link prepareSwap} needs. */
export interface SwapDeps {
  haproxy: HaproxyClient;
  store: StateStore;
  snapshots: SnapshotStore;
  paths: DataPaths;
}

/**
 * An apply ready to swap in: the live cfg backed up, `state.json`'s
 * successor and the snapshot written but not yet in effect.
 */
export interface ReadySwap {
  /** Whether there was a live cfg, kept as `.bak`, to roll back to (false when not backed up). */
  hadLive: boolean;
  /** Runtime admin states and weights the new worker will start with (server_state_filter.ts). */
  carried: CarriedOverride[];
  /**
   * The servers the candidate declares (empty without `cfgs`), read while
   * `haproxy -c` ran, for the post-reload check (verify.ts).
   */
  declared: ReadonlyMap<string, DeclaredServer>;
  /**
   * Puts `state.json`'s successor in place on disk while the reload runs
   * (the store's current state is unchanged until `commit`), so its rename
   * and fsync are not paid after the reload, and a crash meanwhile leaves
   * the new cfg beside the new state. Never rejects: when it cannot, the
   * file stays staged and `commit` renames it as before.
   */
  place(): Promise<void>;
  /** After a confirmed reload: puts `state.json` in place and makes the snapshot visible. */
  commit(): Promise<SnapshotMeta>;
  /** After a refusal or a failed reload: removes what was staged (a placed file: the old one put back). */
  discard(): Promise<void>;
}

/** An outcome as a value, so a failure that lands before anyone awaits it is never unhandled. */
export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** The cfg the running worker loaded and the one the reload will load, for the server-state filter. */
export interface CfgPair {
  /** The live cfg's text (null: none yet). */
  live: string | null;
  /** The candidate's text. */
  next: string;
}

/**
 * Everything before the swap that does not need the check's verdict. The
 * candidate must already be at `paths.cfgCandidate`. Never rejects: a disk
 * error comes back as `{ok: false}`, with nothing staged left behind.
 * `cfgs` null: no server-state dump (a runtime apply updates the file itself).
 * `backUp: false`: the live cfg is not copied to `.bak` (`hadLive` is then
 * false): only the reload path's rollback (swapBack) reads it, and a runtime
 * apply never swaps back, it removes its candidate before the swap or keeps it.
 */
export async function prepareSwap(
  deps: SwapDeps,
  state: State,
  meta: { actor: string; reason: string | null },
  cfgs: CfgPair | null,
  opts: { backUp?: boolean } = {},
): Promise<Settled<ReadySwap>> {
  const { paths, store } = deps;
  // Start the I/O first; serializing the state is CPU work that runs while it is in flight.
  const dumped = cfgs ? saveServerState(deps, cfgs.live, cfgs.next) : Promise.resolve([]);
  // `backUp: false` (a runtime apply, which never rolls back with swapBack): no 5 MB copy.
  const backedUp = opts.backUp === false ? Promise.resolve(false) : backUpLive(paths);
  const durable = fsyncFile(paths.cfgCandidate);
  let prepared: PreparedState;
  try {
    prepared = store.prepare(state);
  } catch (error) {
    await Promise.allSettled([dumped, backedUp, durable]);
    return { ok: false, error };
  }
  // The snapshot (SQLite, ~10 ms at 100,000 servers) is staged while state.json's fsync runs.
  let snapshot: Settled<StagedSnapshot> | null = null;
  const stageSnapshot = () => {
    try {
      snapshot = {
        ok: true,
        value: deps.snapshots.stage(state, {
          ...meta,
          // The store's digest names it, and its parts are stored a backend at a time.
          digest: prepared.digest,
          parts: prepared.parts,
        }),
      };
    } catch (error) {
      snapshot = { ok: false, error };
    }
  };
  const results = await Promise.allSettled([
    store.stage(prepared, stageSnapshot),
    backedUp,
    durable,
    dumped,
  ]);
  const [staged, hadLive, , carried] = results;
  const failure = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  const snap = snapshot as Settled<StagedSnapshot> | null;
  if (
    failure || staged.status !== "fulfilled" || hadLive.status !== "fulfilled" || !snap?.ok
  ) {
    if (staged.status === "fulfilled") await staged.value.discard();
    if (snap?.ok) snap.value.discard();
    return { ok: false, error: failure?.reason ?? (snap && !snap.ok ? snap.error : undefined) };
  }
  const staging = snap.value;
  const file = staged.value;
  let placed: Promise<PlacedState | null> | null = null;
  return {
    ok: true,
    value: {
      hadLive: hadLive.value,
      carried: carried.status === "fulfilled" ? carried.value : [],
      // The dump's filter read them already (declaredServers remembers the last cfg).
      declared: cfgs ? declaredServers(cfgs.next) : new Map(),
      place() {
        placed ??= file.place().catch(() => null);
        return placed.then(() => {});
      },
      async commit() {
        const onDisk = await placed;
        if (onDisk) await onDisk.adopt();
        else await file.commit();
        return staging.commit();
      },
      async discard() {
        staging.discard();
        const onDisk = await placed;
        if (onDisk) await onDisk.undo();
        else await file.discard();
      },
    },
  };
}

/**
 * Renames the checked candidate over the live cfg: HAProxy reads the new
 * file from the moment this resolves. `durable` settles once the rename is
 * fsynced, which can overlap the reload (a crash before it leaves the old
 * cfg with the old `state.json`, a consistent pair).
 */
export async function swapIn(paths: DataPaths): Promise<{ durable: Promise<void> }> {
  await Deno.rename(paths.cfgCandidate, paths.cfg);
  return { durable: syncDir(paths.dataDir) };
}

/**
 * Puts the `.bak` copy back as the live cfg. Without a previous cfg (a first
 * apply on an empty data directory) there is nothing to put back.
 */
export async function swapBack(paths: DataPaths, hadLive: boolean): Promise<void> {
  if (!hadLive) return;
  await copyFile(paths.cfgBackup, paths.cfgCandidate);
  await Deno.rename(paths.cfgCandidate, paths.cfg);
  await syncDir(paths.dataDir);
}

/** Copies the live cfg to `.bak`; false when there is no live cfg yet. */
async function backUpLive(paths: DataPaths): Promise<boolean> {
  try {
    await copyFile(paths.cfg, paths.cfgBackup);
    return true;
  } catch (e) {
    if ((e as { code?: string }).code === "ENOENT") return false;
    throw e;
  }
}

async function fsyncFile(path: string): Promise<void> {
  const file = await Deno.open(path, { read: true });
  try {
    await file.sync();
  } finally {
    file.close();
  }
}

/**
 * Dumps the runtime server state where the next worker's `server-state-file`
 * reads it, filtered for the cfg that worker will load: only what an
 * operator set at run time on a server whose definition did not change
 * carries over, never an address, a port or anything the cfg now says
 * differently (server_state_filter.ts). Without a usable dump (HAProxy busy
 * or down) the file is removed, so the next worker starts from its cfg
 * rather than from a stale dump. `dump` picks the worker (default: whichever
 * holds the admin socket). Returns what carries over.
 */
export async function saveServerState(
  { haproxy, paths }: Pick<SwapDeps, "haproxy" | "paths">,
  liveCfg: string | null,
  nextCfg: string,
  dump: (command: string) => Promise<SocketResult> = (c) => haproxy.admin(c),
): Promise<CarriedOverride[]> {
  const answer = await dump("show servers state");
  const live = liveCfg === null ? new Map() : declaredServers(liveCfg);
  const filtered = answer.ok
    ? filterServerState(answer.output, live, declaredServers(nextCfg))
    : null;
  if (!filtered) {
    await Deno.remove(paths.serverStateFile).catch(() => {});
    return [];
  }
  await writeFileAtomic(paths.serverStateFile, filtered.text);
  return filtered.carried;
}
