/**
 * Where everything lives in the data directory. One function derives every
 * path, so no module invents its own and a test's temp dir moves all of them.
 *
 * @module
 */
import { join } from "node:path";

/** Every path patchpanel reads or writes, derived from the data directory. */
export interface DataPaths {
  dataDir: string;
  state: string;
  cfg: string;
  cfgBackup: string;
  cfgCandidate: string;
  masterSocket: string;
  adminSocket: string;
  serverStateFile: string;
  haproxyPid: string;
  database: string;
  acls: string;
  certs: string;
  byoCerts: string;
  trustedCas: string;
  trustedCrls: string;
  lua: string;
  tls: string;
}

/** Derives the layout described in ARCHITECTURE.md ("Data directory"). */
export function dataPaths(dataDir: string, overrides: { cfg?: string } = {}): DataPaths {
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
    database: p("audit.sqlite"),
    acls: p("acls"),
    certs: p("certs"),
    byoCerts: p("byo-certs"),
    trustedCas: p("trusted-cas"),
    trustedCrls: p("trusted-crls"),
    lua: p("lua"),
    tls: p("tls"),
  };
}
