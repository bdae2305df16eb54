/**
 * Path confinement: every file or socket path a state document hands to
 * HAProxy must resolve inside the data directory, `..` and symbolic links
 * resolved, so a state cannot make HAProxy (which reads its config as root)
 * serve `/etc/shadow`, match patterns against a private key, or bind a
 * socket over one of patchpanel's own files.
 *
 * Inside the data directory, patchpanel's own files are reserved too:
 * `state.json`, `config.yaml`, the database, the cfg and its siblings, the
 * master and admin sockets, the backup copies, and the key material in
 * `tls/`, `certs/` and `byo-certs/`. TLS material (a `crt`, `ca-file`,
 * `crl-file` …) may name the certificate directories, since HAProxy only
 * uses it to speak TLS; anything else (a response payload, a pattern or map
 * file, a socket, a log socket) may not, since its content can reach a
 * client or be probed through a match.
 *
 * @module
 */
import { dirname, isAbsolute, join, relative, resolve, sep as SEPARATOR } from "node:path";
import type { DataPaths } from "../paths.ts";

/**
 * How a path is used, which decides where it may point. `tls`: certificate,
 * key, CA or CRL material that HAProxy loads to speak TLS. `file`: any other
 * file or socket (payloads, patterns, maps, sockets, pid files).
 */
export type PathUse = "tls" | "file";

/**
 * Unix log sockets a `log` target may name outside the data directory: the
 * system's syslog sockets. HAProxy only sends datagrams to them.
 */
export const LOG_SOCKET_ALLOWLIST: ReadonlySet<string> = new Set([
  "/dev/log",
  "/run/systemd/journal/dev-log",
]);

/** Where paths may point: the data directory, minus patchpanel's own files. */
export class Confinement {
  readonly dataDir: string;
  /** Reserved for patchpanel: no `file` path may be one of these or inside one. */
  readonly #reserved: string[];
  /** Reserved even for `tls` paths: patchpanel's bookkeeping, never TLS material. */
  readonly #bookkeeping: string[];
  /** Key material: reserved for `file` paths only. */
  readonly #keyDirs: string[];

  /**
   * @param paths the data layout whose directory confines every path
   * @param extraReserved more files to keep out of reach (patchpanel's own
   *   HTTPS key pair when config.yaml puts it inside the data directory)
   */
  constructor(paths: DataPaths, extraReserved: string[] = []) {
    this.dataDir = resolve(paths.dataDir);
    const cfg = resolve(paths.cfg);
    this.#bookkeeping = [
      paths.state,
      `${paths.state}.tmp`,
      join(paths.dataDir, "config.yaml"),
      paths.database,
      `${paths.database}-wal`,
      `${paths.database}-shm`,
      cfg,
      `${cfg}.bak`,
      `${cfg}.candidate`,
      `${cfg}.plan`,
      paths.masterSocket,
      paths.adminSocket,
      paths.serverStateFile,
      paths.haproxyPid,
      paths.applyLock,
      paths.backupMarker,
      paths.backupDir,
      // The runtime apply's in-flight marker (core/apply/runtime_marker.ts).
      join(paths.dataDir, "runtime-apply.pending"),
    ].map((p) => resolve(p));
    const pluginKeys = paths.pluginDirs.filter((d) => d.keys).map((d) => paths.plugin(d.name));
    this.#keyDirs = [paths.tls, ...pluginKeys, ...extraReserved].map((p) => resolve(p));
    this.#reserved = [...this.#bookkeeping, ...this.#keyDirs];
  }

  /**
   * Why `path` may not be used as `use`, or null when it may. The path must
   * be absolute (HAProxy would resolve a relative one against its working
   * directory); it is normalized, and symbolic links are followed as far as
   * the path exists, so a link inside the data directory pointing out of it
   * is refused.
   */
  problem(path: string, use: PathUse): string | null {
    if (!isAbsolute(path)) {
      return `path '${path}' must be absolute and inside the data directory ${this.dataDir}`;
    }
    const root = realOrSelf(this.dataDir);
    const real = realPath(resolve(path));
    if (!isInside(real, root)) {
      return `path '${path}' resolves outside the data directory ${this.dataDir}`;
    }
    const reserved = use === "tls" ? this.#bookkeeping : this.#reserved;
    for (const r of reserved) {
      const rr = realPath(r);
      if (real === rr || isInside(real, rr)) {
        return `path '${path}' is one of patchpanel's own files (${relative(root, rr) || rr})`;
      }
    }
    return null;
  }

  /** Why a unix `log` target may not be used, or null: the syslog allowlist or a confined path. */
  logProblem(path: string): string | null {
    if (LOG_SOCKET_ALLOWLIST.has(path)) return null;
    const problem = this.problem(path, "file");
    if (!problem) return null;
    return `${problem}; outside it only ${[...LOG_SOCKET_ALLOWLIST].join(", ")} are allowed`;
  }
}

function isInside(path: string, dir: string): boolean {
  return path.startsWith(dir.endsWith(SEPARATOR) ? dir : dir + SEPARATOR);
}

function realOrSelf(path: string): string {
  try {
    return Deno.realPathSync(path);
  } catch {
    return path;
  }
}

/**
 * The real path of `path`: the deepest existing ancestor resolved through
 * its links, with the part that does not exist yet appended.
 */
function realPath(path: string): string {
  let head = path;
  const tail: string[] = [];
  for (;;) {
    try {
      const real = Deno.realPathSync(head);
      return tail.length ? join(real, ...tail.reverse()) : real;
    } catch {
      const parent = dirname(head);
      if (parent === head) return path;
      tail.push(head.slice(parent.length).replace(/^\/+/, ""));
      head = parent;
    }
  }
}
