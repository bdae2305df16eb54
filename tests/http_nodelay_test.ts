/**
 * The sockets the API accepts over HTTPS have `TCP_NODELAY` set, so an
 * answer's body record is not held back until the client acknowledges its
 * head (the ~40 ms delayed-ACK stall). Checked on the socket itself, not by
 * timing: the daemon runs in this process, so its accepted socket is one of
 * our file descriptors. With `tcpNoDelay: false` (Deno's default before the
 * fix) the same check reads the option as off.
 *
 * @module
 */
import assert from "node:assert/strict";
import { hasNoDelay, socketFds } from "../core/http/nodelay.ts";
import { startTestDaemon } from "./support/daemon.ts";

/** `/proc/net/tcp` state of an established connection. */
const ESTABLISHED = "01";

/** Opens a TLS connection, completes one HTTP/1.1 request on it, and reads the server side's option. */
async function acceptedNoDelay(tcpNoDelay: boolean | undefined): Promise<(boolean | null)[]> {
  const d = await startTestDaemon({ config: { https: { enabled: true } }, tcpNoDelay });
  const port = d.port;
  const conn = await Deno.connectTls({
    hostname: "127.0.0.1",
    port,
    caCerts: [await Deno.readTextFile(`${d.paths.tls}/cert.pem`)],
  });
  try {
    await conn.write(
      new TextEncoder().encode(`GET /health HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`),
    );
    const buf = new Uint8Array(4096);
    const n = await conn.read(buf);
    assert.match(new TextDecoder().decode(buf.subarray(0, n ?? 0)), /^HTTP\/1\.1 200/);
    // The connection is still open (keep-alive): its server side has our port as local port.
    const fds = socketFds(port, ESTABLISHED);
    assert.ok(fds.length > 0, "the accepted socket is found");
    return fds.map(hasNoDelay);
  } finally {
    conn.close();
    await d.stop();
  }
}

Deno.test("http nodelay - HTTPS connections the API accepts have TCP_NODELAY", async () => {
  assert.deepEqual(await acceptedNoDelay(undefined), [true]);
});

Deno.test("http nodelay - without the fix the same connection has Nagle on (the check can fail)", async () => {
  assert.deepEqual(await acceptedNoDelay(false), [false]);
});
