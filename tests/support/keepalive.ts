/**
 * A keep-alive HTTP/1.1 load generator for reload tests: a few raw TCP
 * connections, each sending GETs one after another and reusing the
 * connection for as long as the server keeps it open. It counts a request as
 * failed exactly when a careful client without retries would see an error:
 * the request was written on an open connection and no complete response
 * came back (reset, or closed before the response — Python's
 * `RemoteDisconnected`). A response carrying `Connection: close` is a
 * success, after which the client opens a new connection, as HTTP says.
 * fetch() is not used because its pool silently retries such requests.
 *
 * @module
 */

/** What the load generator saw, read after {@link KeepAliveLoad.stop}. */
export interface LoadReport {
  /** Requests answered with a complete response. */
  ok: number;
  /** Requests written that got no complete response. */
  failed: number;
  /** Complete responses whose status was not 200. */
  non200: number;
  /** Connections opened (the first per worker, plus one after each close). */
  connections: number;
  /** Requests that reused an already-used connection. */
  reused: number;
  /** What went wrong, the first few times. */
  errors: string[];
  /** Wall time the load ran, in ms. */
  elapsedMs: number;
}

/** A running load; stop it to get the report. */
export interface KeepAliveLoad {
  /** The counters so far (live). */
  readonly report: LoadReport;
  /** Stops every connection after its current request and returns the final counts. */
  stop(): Promise<LoadReport>;
}

const enc = new TextEncoder();
const dec = new TextDecoder();

/** Reads one HTTP/1.1 response; null when the connection ends before it is complete. */
async function readResponse(
  conn: Deno.TcpConn,
  pending: { buf: Uint8Array },
): Promise<{ status: number; close: boolean } | null> {
  const chunk = new Uint8Array(16 * 1024);
  const more = async (): Promise<boolean> => {
    const n = await conn.read(chunk);
    if (n === null) return false;
    const next = new Uint8Array(pending.buf.length + n);
    next.set(pending.buf);
    next.set(chunk.subarray(0, n), pending.buf.length);
    pending.buf = next;
    return true;
  };
  let headEnd = -1;
  while ((headEnd = dec.decode(pending.buf).indexOf("\r\n\r\n")) < 0) {
    if (!(await more())) return null;
  }
  const head = dec.decode(pending.buf.subarray(0, headEnd));
  const status = Number(/^HTTP\/1\.\d (\d{3})/.exec(head)?.[1] ?? 0);
  const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? "0");
  const close = /\r\nconnection:\s*close/i.test(head);
  const total = headEnd + 4 + length;
  while (pending.buf.length < total) {
    if (!(await more())) return null;
  }
  pending.buf = pending.buf.slice(total);
  return { status, close };
}

/**
 * Starts `connections` keep-alive clients against 127.0.0.1:`port`, each
 * pausing `pauseMs` between requests (0: as fast as answers come).
 */
export function startKeepAliveLoad(
  port: number,
  opts: { connections?: number; pauseMs?: number } = {},
): KeepAliveLoad {
  const report: LoadReport = {
    ok: 0,
    failed: 0,
    non200: 0,
    connections: 0,
    reused: 0,
    errors: [],
    elapsedMs: 0,
  };
  const started = performance.now();
  let running = true;
  const note = (message: string) => {
    if (report.errors.length < 10) report.errors.push(message);
  };
  const request = enc.encode("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  const worker = async () => {
    while (running) {
      let conn: Deno.TcpConn;
      try {
        conn = await Deno.connect({ hostname: "127.0.0.1", port });
      } catch (error) {
        // Nothing was written: a refused connect is not a failed keep-alive request.
        note(`connect: ${error}`);
        await new Promise((r) => setTimeout(r, 10));
        continue;
      }
      report.connections++;
      const pending = { buf: new Uint8Array() };
      let used = 0;
      try {
        while (running) {
          try {
            await conn.write(request);
          } catch (error) {
            report.failed++;
            note(`write on a connection used ${used} times: ${error}`);
            break;
          }
          let res: { status: number; close: boolean } | null;
          try {
            res = await readResponse(conn, pending);
          } catch (error) {
            res = null;
            note(`read on a connection used ${used} times: ${error}`);
          }
          if (!res) {
            report.failed++;
            note(`no response on a connection used ${used} times`);
            break;
          }
          if (used > 0) report.reused++;
          used++;
          report.ok++;
          if (res.status !== 200) report.non200++;
          if (res.close) break;
          if (opts.pauseMs) await new Promise((r) => setTimeout(r, opts.pauseMs));
        }
      } finally {
        try {
          conn.close();
        } catch { /* already closed */ }
      }
    }
  };
  const workers = Array.from({ length: opts.connections ?? 4 }, worker);
  return {
    report,
    async stop() {
      running = false;
      await Promise.all(workers);
      report.elapsedMs = performance.now() - started;
      return report;
    },
  };
}
