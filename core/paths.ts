/**
 * Where everything lives in the data directory. One function derives every
 * path, so no module invents its own and a test's temp dir moves all of them.
 *
 * @module
 */
import { join } from "node:path";

/** Every path patchpanel reads or writes, derived from the data directory. */
export interface DataPaths {
  /** The data directory itself (absolute). */
  dataDir: string;
  /** `state.json`: the last state HAProxy was confirmed to run. */
  state: string;
  /** `haproxy.cfg`: the file HAProxy loads (attach mode: wherever the config says). */
  cfg: string;
  /** The previous cfg, kept for rollback when a reload fails. */
  cfgBackup: string;
  /** The rendered cfg being checked with `haproxy -c` before it is swapped in. */
  cfgCandidate: string;
  /** The master CLI socket of the embedded HAProxy (reloads, `show proc`). */
  masterSocket: string;
  /** The admin (stats) socket for runtime commands: weights, drains, ACL entries. */
  adminSocket: string;
  /** Where server state is dumped before a reload so workers keep it. */
  serverStateFile: string;
  /** The embedded HAProxy master's pid file. */
  haproxyPid: string;
  /** The embedded HAProxy's stdout and stderr (a file, so HAProxy outlives a daemon restart). */
  haproxyLog: string;
  /** The running daemon's pid, for `patchpanel stop`. */
  daemonPid: string;
  /** The SQLite database: audit, users, sessions, tokens, snapshots. */
  database: string;
  /** Directory of file-backed ACL pattern files (`<name>.lst`). */
  acls: string;
  /** Directory of state maps (`<name>.map`), read by `map*()` converters that name `@<name>`. */
  maps: string;
  /** Directory of custom error pages (`<code>.http`), loaded with `errorfile`. */
  errorPages: string;
  /** Directory of patchpanel's own HTTPS key pair. */
  tls: string;
  /** Lock file the apply pipeline and `backup-pre` take in turn (flock), so a backup waits for an apply. */
  applyLock: string;
  /** Present while a host backup runs (`backup-pre` … `backup-post`): changes are refused meanwhile. */
  backupMarker: string;
  /** Consistent copies `backup-pre` makes for the backup tool (database, state, cfg). */
  backupDir: string;
  /** The directories loaded plugins declared (`dataDirs`), which the core keeps states out of. */
  pluginDirs: readonly PluginDataDir[];
  /**
   * A plugin's directory, `<data>/<name>`: the one place plugins' own files go (uploaded
   * certificates under `plugin("byo-certs")`, Lua scripts under `plugin("lua")`).
   */
  plugin(name: string): string;
}

/**
 * A directory under the data directory that a plugin declared in its
 * `dataDirs`: the core names no plugin's directory itself, but must know
 * them all to keep a state's paths out of them (collisions.ts, confine.ts).
 */
export interface PluginDataDir {
  /** One path segment under the data directory, e.g. `byo-certs`. */
  name: string;
  /** The plugin that declared it. */
  plugin: string;
  /** What it holds, for messages ("uploaded certificates"). */
  holds: string;
  /** Holds private keys: HAProxy may read it only as TLS material, never serve it as a file. */
  keys: boolean;
}

/** A plugin directory's name: one kebab-case path segment. */
export const PLUGIN_DIR_NAME = /^[a-z][a-z0-9-]*$/;

/** Derives the layout described in ARCHITECTURE.md ("Data directory"). */
export function dataPaths(
  dataDir: string,
  overrides: { cfg?: string; pluginDirs?: readonly PluginDataDir[] } = {},
): DataPaths {
  const p = (name: string) => join(dataDir, name);
  const cfg = overrides.cfg ?? p("haproxy.cfg");
  return {
    dataDir,
    state: p("state.json"),
    cfg,
    cfgBackup: `${cfg}.bak`,
    cfgCandidate: `${cfg}.candidate`,
    masterSocket: p("master.sock"),
    adminSocket: p("admin.sock"),
    serverStateFile: p("server-state"),
    haproxyPid: p("haproxy.pid"),
    haproxyLog: p("haproxy.log"),
    daemonPid: p("patchpanel.pid"),
    database: p("audit.sqlite"),
    acls: p("acls"),
    maps: p("maps"),
    errorPages: p("error-pages"),
    tls: p("tls"),
    applyLock: p("apply.lock"),
    backupMarker: p("backup-in-progress"),
    backupDir: p("backup"),
    pluginDirs: overrides.pluginDirs ?? [],
    plugin: (name) => {
      // One segment, as `dataDirs` names are: never a way out of the data directory.
      if (!PLUGIN_DIR_NAME.test(name)) throw new Error(`'${name}' is not a plugin directory name`);
      return p(name);
    },
  };
}
