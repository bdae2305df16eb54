/**
 * `TCP_NODELAY` for the sockets `Deno.serve` accepts. Deno leaves Nagle's
 * algorithm on for them, and over TLS it writes a response's head and body
 * as separate records: the second write waits for the client to
 * acknowledge the first, and the client delays that acknowledgement by up
 * to 40 ms (delayed ACK). Every HTTPS answer of a few KB or more arrived
 * ~40 ms after its first byte. `Deno.serve` has no option for it and hides
 * the accepted sockets, so the option is set on its listening socket,
 * which Linux copies to every socket it accepts.
 *
 * The listening socket is found through `/proc/self/net/tcp{,6}` (the
 * inode of the listener on our port) and `/proc/self/fd`; the option is set
 * with libc's `setsockopt` through FFI. Linux only; elsewhere, or without
 * the FFI or read permission, it reports why and changes nothing.
 *
 * @module
 */

/** What {@link setListenerNoDelay} did. */
export type NoDelayOutcome =
  | { ok: true; fds: number[] }
  | { ok: false; reason: string };

const IPPROTO_TCP = 6;
const TCP_NODELAY = 1;
/** `/proc/net/tcp` state of a listening socket. */
const TCP_LISTEN = "0A";

/** Sets `TCP_NODELAY` on this process's listening socket(s) bound to `port`. */
export function setListenerNoDelay(port: number): NoDelayOutcome {
  if (Deno.build.os !== "linux") return { ok: false, reason: `not on Linux (${Deno.build.os})` };
  // Asked, not requested: a daemon run without these permissions must not stop at a prompt.
  for (const name of ["ffi", "read"] as const) {
    if (Deno.permissions.querySync({ name }).state !== "granted") {
      return { ok: false, reason: `no --allow-${name}` };
    }
  }
  let fds: number[];
  try {
    fds = listenerFds(port);
  } catch (error) {
    return { ok: false, reason: `cannot read /proc: ${(error as Error).message}` };
  }
  if (fds.length === 0) return { ok: false, reason: `no listening socket of ours on port ${port}` };
  let libc: Libc;
  try {
    libc = openLibc();
  } catch (error) {
    return { ok: false, reason: `cannot load libc: ${(error as Error).message}` };
  }
  try {
    const on = new Int32Array([1]);
    for (const fd of fds) {
      if (libc.symbols.setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, on, 4) !== 0) {
        return { ok: false, reason: `setsockopt(TCP_NODELAY) failed on fd ${fd}` };
      }
    }
  } finally {
    libc.close();
  }
  return { ok: true, fds };
}

/**
 * Whether the socket behind `fd` has `TCP_NODELAY` set (null when it cannot
 * be read): lets tests check the sockets `Deno.serve` accepted.
 */
export function hasNoDelay(fd: number): boolean | null {
  let libc: Libc;
  try {
    libc = openLibc();
  } catch {
    return null;
  }
  try {
    const value = new Int32Array([-1]);
    const size = new Uint32Array([4]);
    if (libc.symbols.getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, value, size) !== 0) return null;
    return value[0] !== 0;
  } finally {
    libc.close();
  }
}

/**
 * This process's file descriptors for TCP sockets on local port `port` in
 * the given `/proc/net/tcp` state (`0A` listening, `01` established).
 */
export function socketFds(port: number, state = TCP_LISTEN): number[] {
  const inodes = new Set<string>();
  for (const table of ["/proc/self/net/tcp", "/proc/self/net/tcp6"]) {
    let text: string;
    try {
      text = Deno.readTextFileSync(table);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) continue; // no IPv6 in this kernel
      throw error;
    }
    for (const line of text.split("\n").slice(1)) {
      // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode …
      const cols = line.trim().split(/\s+/);
      if (cols.length < 10 || cols[3] !== state) continue;
      const local = cols[1];
      if (parseInt(local.slice(local.lastIndexOf(":") + 1), 16) === port) {
        inodes.add(`socket:[${cols[9]}]`);
      }
    }
  }
  if (inodes.size === 0) return [];
  const fds: number[] = [];
  for (const entry of Deno.readDirSync("/proc/self/fd")) {
    try {
      if (inodes.has(Deno.readLinkSync(`/proc/self/fd/${entry.name}`))) {
        fds.push(Number(entry.name));
      }
    } catch {
      // closed between listing and reading
    }
  }
  return fds;
}

function listenerFds(port: number): number[] {
  return socketFds(port, TCP_LISTEN);
}

const LIBC_SYMBOLS = {
  setsockopt: { parameters: ["i32", "i32", "i32", "buffer", "u32"], result: "i32" },
  getsockopt: { parameters: ["i32", "i32", "i32", "buffer", "buffer"], result: "i32" },
} as const;

type Libc = Deno.DynamicLibrary<typeof LIBC_SYMBOLS>;

/** glibc's soname first, then the unversioned name other libcs install. */
function openLibc(): Libc {
  let first: unknown;
  for (const name of ["libc.so.6", "libc.so"]) {
    try {
      return Deno.dlopen(name, LIBC_SYMBOLS);
    } catch (error) {
      first ??= error;
    }
  }
  throw first;
}
