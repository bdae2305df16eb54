/**
 * One-shot commands to HAProxy's unix or TCP CLI sockets (worker admin/stats
 * socket and the master CLI).
 *
 * HAProxy's non-interactive CLI reads one line, answers and closes, so a
 * command is "connect, write one line, read until EOF". Failures are values
 * with a `kind`, never strings to parse. A command containing a line break is
 * refused: it would let a caller smuggle a second command past whoever checked
 * the first.
 *
 * @module
 */

/** Why a command did not produce output. */
export type SocketErrorKind = "unreachable" | "timeout" | "io" | "invalid";

/** The outcome of {@link sendCommand}: the raw reply, or a kind-ed error. */
export type SocketResult =
  | { ok: true; output: string }
  | { ok: false; error: { kind: SocketErrorKind; message: string } };

/** Options for {@link sendCommand}. */
export interface SendOptions {
  /** Total budget for connect + write + read, in ms (default 5000). */
  timeoutMs?: number;
  /**
   * Called with the reply's text as it arrives (chunks end anywhere, even
   * mid-line), so a caller can parse a long answer while HAProxy is still
   * writing it. The reply is then not kept: `output` is empty (a
   * 10,000-server dump would be copied and decoded a second time for nobody).
   */
  onText?: (text: string) => void;
}

/** Where a CLI socket lives, parsed from HAProxy's own address syntax. */
export type SocketAddress =
  | { transport: "unix"; path: string }
  | { transport: "tcp"; hostname: string; port: number };

/**
 * Parses `/path`, `unix@/path`, `ipv4@host:port`, `ipv6@[::1]:port` or
 * `host:port`, so operators can paste the address they put in haproxy.cfg.
 */
export function parseAddress(address: string): SocketAddress {
  if (address.startsWith("unix@")) return { transport: "unix", path: address.slice(5) };
  const tcp = /^(?:ipv4@|ipv6@)?\[?([^\[\]]*?)\]?:(\d{1,5})$/.exec(address);
  if (!address.startsWith("/") && tcp) {
    return { transport: "tcp", hostname: tcp[1] || "127.0.0.1", port: Number(tcp[2]) };
  }
  return { transport: "unix", path: address };
}

const UNREACHABLE = [
  Deno.errors.NotFound,
  Deno.errors.ConnectionRefused,
  Deno.errors.ConnectionReset,
  Deno.errors.AddrNotAvailable,
  Deno.errors.PermissionDenied,
];

function failure(kind: SocketErrorKind, message: string): SocketResult {
  return { ok: false, error: { kind, message } };
}

/**
 * Sends one command line to a HAProxy CLI socket and returns everything it
 * answers until it closes the connection. Several commands may be joined with
 * `;` as HAProxy allows; line breaks are refused with kind "invalid".
 */
export async function sendCommand(
  address: string,
  command: string,
  opts: SendOptions = {},
): Promise<SocketResult> {
  if (/[\r\n]/.test(command)) {
    return failure("invalid", "command must be a single line (contains CR or LF)");
  }
  const timeoutMs = opts.timeoutMs ?? 5000;
  const addr = parseAddress(address);
  let timedOut = false;
  let conn: Deno.Conn | null = null;
  let expire = () => {};
  const expired = new Promise<null>((resolve) => expire = () => resolve(null));
  const timer = setTimeout(() => {
    timedOut = true;
    expire();
    try {
      conn?.close();
    } catch { /* already closed */ }
  }, timeoutMs);
  try {
    const connecting = addr.transport === "unix"
      ? Deno.connect({ transport: "unix", path: addr.path })
      : Deno.connect({ hostname: addr.hostname, port: addr.port });
    try {
      conn = await Promise.race([connecting, expired]);
    } catch (err) {
      if (UNREACHABLE.some((e) => err instanceof e)) {
        return failure("unreachable", `cannot connect to ${address}: ${message(err)}`);
      }
      return failure("io", `connect to ${address}: ${message(err)}`);
    }
    if (conn === null) {
      connecting.then((c) => c.close(), () => {});
      return failure("timeout", `connect to ${address} took over ${timeoutMs} ms`);
    }
    return await exchange(conn, command, address, () => timedOut, timeoutMs, opts.onText);
  } finally {
    clearTimeout(timer);
  }
}

async function exchange(
  conn: Deno.Conn,
  command: string,
  address: string,
  timedOut: () => boolean,
  timeoutMs: number,
  onText?: (text: string) => void,
): Promise<SocketResult> {
  const chunks: Uint8Array[] = [];
  let received = false;
  const streaming = onText ? new TextDecoder() : null;
  try {
    const bytes = new TextEncoder().encode(command + "\n");
    for (let off = 0; off < bytes.length;) off += await conn.write(bytes.subarray(off));
    // The master CLI only finishes its reply once our side is shut (socat does the same).
    await conn.closeWrite();
    // Big enough that a 10,000-server `show servers state` (~750 KB) takes a few dozen reads.
    const buf = new Uint8Array(64 * 1024);
    while (true) {
      const n = await conn.read(buf);
      if (n === null) break;
      received = true;
      if (streaming) onText!(streaming.decode(buf.subarray(0, n), { stream: true }));
      else chunks.push(buf.slice(0, n));
    }
    if (streaming) onText!(streaming.decode());
  } catch (err) {
    if (timedOut()) {
      return failure("timeout", `no complete reply from ${address} in ${timeoutMs} ms`);
    }
    if (err instanceof Deno.errors.ConnectionReset && received) {
      if (streaming) onText!(streaming.decode());
      return { ok: true, output: decode(chunks) };
    }
    return failure("io", `${address}: ${message(err)}`);
  } finally {
    try {
      conn.close();
    } catch { /* closed by the timer */ }
  }
  if (timedOut()) return failure("timeout", `no complete reply from ${address} in ${timeoutMs} ms`);
  return { ok: true, output: decode(chunks) };
}

function decode(chunks: Uint8Array[]): string {
  const total = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let off = 0;
  for (const c of chunks) {
    total.set(c, off);
    off += c.length;
  }
  return new TextDecoder().decode(total);
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
