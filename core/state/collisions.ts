/**
 * Checks that a state leaves patchpanel's own places alone, and that no two
 * of its listeners share an address.
 *
 * HAProxy creates what the state tells it to bind: a `stats socket` at
 * patchpanel's `<data>/admin.sock` replaces patchpanel's own admin socket
 * (at a lower level, so runtime operations fail with "Permission denied",
 * and removing it later removes the file), a `pidfile` over `state.json`
 * overwrites it, and a `bind` on patchpanel's HTTPS port fails the reload.
 * What HAProxy only reads (`errorfile`, `crt`, `http-request return file`)
 * must not be patchpanel's state, database or TLS key either, or HAProxy
 * would serve them. Two listeners on one address and port both bind (HAProxy
 * sets SO_REUSEPORT) and split the traffic between them at random.
 *
 * The check is pure: {@link ownPlaces} says where patchpanel lives, and
 * {@link collisionIssues} reports each collision as a schema issue at the
 * offending field (`haproxy.global.statsSockets.0.path`), so a PUT gets the
 * schema's 422 `{error, issues}`. Raw directives are scanned too: `stats
 * socket <path>`, `bind <path|unix@path|host:port>`, `pidfile <path>`,
 * `log <path>`, and any absolute path among their words.
 *
 * @module
 */
import { posix } from "node:path";
import type { DataPaths } from "../paths.ts";
import type { RefIssue, State, StateCheck } from "./schema.ts";
import { type BackendFact, backendsWith } from "./backend_facts.ts";

/** A backend's raw directives, the only part of it the scan reads. */
const RAW_DIRECTIVES: BackendFact<readonly string[]> = {
  name: "raw directives",
  compute: (backend) => backend.rawDirectives,
};

/** Where patchpanel itself lives: its data directory layout, cwd and own listener. */
export interface OwnPlaces {
  /** The data directory layout (absolute). */
  paths: DataPaths;
  /** The directory HAProxy resolves relative paths against (the daemon's cwd). */
  cwd: string;
  /** patchpanel's own HTTPS listener, `host:port` (config `listen`), if any. */
  listen?: string;
  /** The master CLI socket when it is not the data directory's (attach mode). */
  masterSocket?: string;
}

/** One thing of patchpanel's: a file, or a directory everything inside of which is its own. */
interface Own {
  path: string;
  what: string;
  dir: boolean;
  /** Whether HAProxy must not even read it (private data), not only not create it. */
  secret: boolean;
}

/** How HAProxy uses a path: creates or writes it (sockets, pid file, logs), or reads it. */
type Use = "create" | "read";

/** Where a listener address was found, and what to call it. */
interface Listener {
  key: string;
  path: (string | number)[];
  what: string;
}

function owned(paths: DataPaths): Own[] {
  const file = (path: string, what: string, secret = true): Own => ({
    path,
    what,
    dir: false,
    secret,
  });
  const dir = (path: string, what: string, secret: boolean): Own => ({
    path,
    what,
    dir: true,
    secret,
  });
  return [
    file(paths.adminSocket, "patchpanel's admin socket"),
    file(paths.masterSocket, "HAProxy's master CLI socket"),
    file(paths.state, "patchpanel's state.json"),
    file(paths.cfg, "the haproxy.cfg patchpanel renders"),
    file(paths.cfgBackup, "patchpanel's backup of haproxy.cfg"),
    file(paths.cfgCandidate, "patchpanel's candidate haproxy.cfg"),
    file(paths.serverStateFile, "patchpanel's server-state file", false),
    file(paths.haproxyPid, "HAProxy's pid file"),
    file(paths.database, "patchpanel's database"),
    file(`${paths.database}-wal`, "patchpanel's database log"),
    file(`${paths.database}-shm`, "patchpanel's database index"),
    file(`${paths.database}-journal`, "patchpanel's database journal"),
    file(paths.applyLock, "patchpanel's apply lock"),
    file(paths.backupMarker, "patchpanel's backup marker"),
    dir(paths.tls, "patchpanel's TLS key pair directory", true),
    dir(paths.backupDir, "patchpanel's backup directory", true),
    // HAProxy reads the files patchpanel keeps for it here, but must create nothing in them.
    dir(paths.acls, "patchpanel's ACL file directory", false),
    ...paths.pluginDirs.map((d) =>
      dir(paths.plugin(d.name), `the ${d.plugin} plugin's directory of ${d.holds}`, false)
    ),
  ];
}

const inside = (path: string, dir: string) => path === dir || path.startsWith(`${dir}/`);

/**
 * What of patchpanel's `path` would hit when HAProxy uses it as `use`, or
 * null. Created paths may not be any of patchpanel's files or lie in the
 * directories it keeps for itself (elsewhere in the data directory is where
 * confine.ts wants them); read paths may not be its private files or be in
 * its TLS or backup directories.
 */
export function ownerOf(raw: string, use: Use, own: OwnPlaces): string | null {
  const path = posix.normalize(posix.isAbsolute(raw) ? raw : posix.join(own.cwd, raw))
    .replace(/\/+$/, "") || "/";
  const extra: Own[] = own.masterSocket
    ? [{ path: own.masterSocket, what: "HAProxy's master CLI socket", dir: false, secret: true }]
    : [];
  for (const o of [...extra, ...owned(own.paths)]) {
    const target = posix.normalize(o.path).replace(/\/+$/, "");
    if (use === "read" && !o.secret) continue;
    if (o.dir ? inside(path, target) : path === target) return `${o.what} (${o.path})`;
  }
  return null;
}

/** The listener key of `host:port` (wildcards and IPv6 brackets folded), or null if it is none. */
export function listenerKey(address: string): string | null {
  const prefix = /^(ipv4|ipv6|tcp|tcp4|tcp6)@/.exec(address)?.[1];
  const rest = prefix ? address.slice(prefix.length + 1) : address;
  const bracketed = /^\[([^\]]*)\]:(\d{1,5})$/.exec(rest);
  const colon = rest.lastIndexOf(":");
  const [host, port] = bracketed
    ? [bracketed[1], bracketed[2]]
    : colon < 0
    ? ["", ""]
    : [rest.slice(0, colon), rest.slice(colon + 1)];
  if (!/^\d{1,5}$/.test(port) || /[\s/@]/.test(host)) return null;
  const v6 = prefix === "ipv6" || prefix === "tcp6" || host.includes(":");
  let h = host.toLowerCase();
  if (h === "" || h === "*" || h === "0.0.0.0") h = v6 ? "::" : "0.0.0.0";
  if (v6 && /^[0:]+$/.test(h)) h = "::";
  return `${h}:${Number(port)}`;
}

/** The unix path of a bind/socket address (`/p`, `unix@/p`, `./p`), or null for a network one. */
function unixPath(address: string): string | null {
  const a = address.replace(/^["']|["']$/g, "");
  if (a.startsWith("unix@")) return a.slice(5);
  if (/^(ipv4|ipv6|tcp|tcp4|tcp6|udp|udp4|udp6|abns|fd|sockpair|quic4|quic6)@/.test(a)) return null;
  if (a.startsWith("/") || a.startsWith("./") || a.startsWith("../")) return a;
  return null;
}

/** The words of a raw directive, quotes stripped (HAProxy's own splitting, simplified). */
function words(line: string): string[] {
  return line.trim().split(/\s+/).filter(Boolean).map((w) => w.replace(/^["']|["']$/g, ""));
}

/** Collects collisions and listeners over one state. */
class Scan {
  readonly issues: RefIssue[] = [];
  readonly listeners: Listener[] = [];
  constructor(private own: OwnPlaces) {}

  /** A path HAProxy creates (`use` create) or reads, found at `path` in the state. */
  place(raw: string, use: Use, at: (string | number)[], what: string): void {
    const owner = ownerOf(raw, use, this.own);
    if (!owner) return;
    const verb = use === "create"
      ? "HAProxy would create it there, replacing or shadowing patchpanel's own file"
      : "HAProxy would read and could serve patchpanel's private data";
    this.issues.push({
      path: at,
      message: `${what} uses '${raw}', which is ${owner}: ${verb}; choose another path`,
    });
  }

  /** A network listener at `address`, found at `path`. */
  listener(address: string, at: (string | number)[], what: string): void {
    const key = listenerKey(address);
    if (key) this.listeners.push({ key, path: at, what });
  }

  /** The bind/socket addresses of one raw directive, and any absolute path among its words. */
  raw(line: string, at: (string | number)[], what: string): void {
    const w = words(line);
    const keyword = w[0] ?? "";
    const created = new Set<number>();
    const address = (i: number, kind: string) => {
      for (const part of (w[i] ?? "").split(",")) {
        if (!part) continue;
        const unix = unixPath(part);
        if (unix) this.place(unix, "create", at, `${what} (${kind} ${part})`);
        else if (kind !== "log") this.listener(part, at, `${what} (${kind} ${part})`);
      }
      created.add(i);
    };
    if (keyword === "stats" && w[1] === "socket") address(2, "stats socket");
    else if (keyword === "bind") address(1, "bind");
    else if (keyword === "log") address(1, "log");
    else if (keyword === "pidfile" && w[1]) {
      this.place(w[1], "create", at, `${what} (pidfile)`);
      created.add(1);
    }
    w.forEach((word, i) => {
      if (created.has(i)) return;
      for (const candidate of [word, word.slice(word.indexOf("=") + 1)]) {
        if (candidate.startsWith("/")) {
          this.place(candidate, "read", at, `${what} ('${keyword}')`);
          break;
        }
      }
    });
  }

  /** Reports every listener whose address an earlier one already has. */
  duplicates(): void {
    const first = new Map<string, Listener>();
    for (const l of this.listeners) {
      const earlier = first.get(l.key);
      if (!earlier) {
        first.set(l.key, l);
        continue;
      }
      this.issues.push({
        path: l.path,
        message: `${l.what} listens on ${l.key}, as ${earlier.what} does: ` +
          `two listeners on one address and port split its connections between them`,
      });
    }
  }
}

/** Every own-path collision and duplicate listener in `state`, as schema issues. */
export function collisionIssues(state: State, own: OwnPlaces): RefIssue[] {
  const scan = new Scan(own);
  if (own.listen) {
    const key = listenerKey(own.listen);
    if (key) scan.listeners.push({ key, path: [], what: "patchpanel's own HTTPS listener" });
  }
  const hp = state.haproxy;
  const g = ["haproxy", "global"];
  hp.global.statsSockets.forEach((s, i) => {
    const at = [...g, "statsSockets", i];
    if (s.kind === "unix") scan.place(s.path, "create", [...at, "path"], `stats socket ${i}`);
    else {
      const host = s.kind === "ipv6" ? `[${s.host}]` : s.host;
      scan.listener(`${s.kind}@${host}:${s.port}`, [...at, "port"], `stats socket ${i}`);
    }
  });
  hp.global.logs.forEach((l, i) => {
    if (l.target.startsWith("/")) {
      scan.place(l.target, "create", [...g, "logs", i, "target"], `log target ${i}`);
    }
  });
  hp.global.rawDirectives.forEach((r, i) =>
    scan.raw(r, [...g, "rawDirectives", i], `global raw directive ${i}`)
  );
  hp.defaults.rawDirectives.forEach((r, i) =>
    scan.raw(r, ["haproxy", "defaults", "rawDirectives", i], `defaults raw directive ${i}`)
  );
  if (hp.stats) scan.listener(hp.stats.bind, ["haproxy", "stats", "bind"], "the stats listener");
  hp.frontends.forEach((f, fi) => {
    const base = ["haproxy", "frontends", fi];
    const name = `frontend ${f.id}`;
    f.binds.forEach((b, bi) => {
      const at = [...base, "binds", bi];
      scan.listener(b.address, [...at, "address"], `${name} bind ${bi}`);
      b.options.forEach((o, oi) => scan.raw(o, [...at, "options", oi], `${name} bind ${bi}`));
    });
    f.httpRequest.forEach((r, ri) =>
      scan.raw(r.action, [...base, "httpRequest", ri, "action"], `${name} http-request ${ri}`)
    );
    f.tcpRequest.forEach((r, ri) =>
      scan.raw(r.action, [...base, "tcpRequest", ri, "action"], `${name} tcp-request ${ri}`)
    );
    f.rawDirectives.forEach((r, ri) =>
      scan.raw(r, [...base, "rawDirectives", ri], `${name} raw directive ${ri}`)
    );
  });
  // Only the backends with raw directives (backend_facts.ts), not each of 10,000.
  for (const bi of backendsWith(RAW_DIRECTIVES, hp.backends)) {
    const b = hp.backends[bi];
    b.rawDirectives.forEach((r, ri) =>
      scan.raw(r, ["haproxy", "backends", bi, "rawDirectives", ri], `backend ${b.id} raw ${ri}`)
    );
  }
  scan.duplicates();
  return scan.issues;
}

/** The check the composed schema runs: {@link collisionIssues} against patchpanel's places. */
export function collisionCheck(own: OwnPlaces): StateCheck {
  return (state) => collisionIssues(state, own);
}
