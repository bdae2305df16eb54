/**
 * Request body ceilings hold while the bytes arrive: a chunked upload with
 * no `Content-Length` to a public route (sign-in, before any credential) is
 * answered 413 once it passes the ceiling, instead of being buffered whole.
 * Malformed JSON is a 400 envelope, never a 500.
 *
 * @module
 */
import assert from "node:assert/strict";
import { MAX_BODY_BYTES } from "../core/http/server.ts";
import { MAX_FORM_BYTES } from "../ui/mount.ts";
import { startTestDaemon } from "./support/daemon.ts";

const MiB = 1 << 20;

async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  for (let at = 0; at < bytes.length;) at += await conn.write(bytes.subarray(at));
}

/**
 * Streams `limit` bytes of chunked body (1 MiB chunks) to `path` and stops
 * as soon as the daemon answers; returns the status and how much was sent.
 */
async function chunkedUpload(
  port: number,
  path: string,
  type: string,
  limit: number,
): Promise<{ status: number; sent: number; head: string }> {
  const enc = new TextEncoder();
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    await writeAll(
      conn,
      enc.encode(
        `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: ${type}\r\n` +
          "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
      ),
    );
    let answered = false;
    const reading = (async () => {
      const buf = new Uint8Array(4096);
      const n = await conn.read(buf);
      answered = true;
      return new TextDecoder().decode(buf.subarray(0, n ?? 0));
    })();
    const head = enc.encode(`${MiB.toString(16)}\r\n`);
    const frame = new Uint8Array(head.length + MiB + 2).fill(0x61);
    frame.set(head);
    frame.set(enc.encode("\r\n"), frame.length - 2);
    let sent = 0;
    try {
      while (!answered && sent < limit) {
        await writeAll(conn, frame);
        sent += MiB;
      }
      if (!answered) await writeAll(conn, enc.encode("0\r\n\r\n"));
    } catch {
      // The daemon closed the connection after answering: that is the point.
    }
    const text = await reading;
    return { status: Number(text.split(" ")[1]), sent, head: text };
  } finally {
    try {
      conn.close();
    } catch {
      // already closed
    }
  }
}

Deno.test("security body limit - an endless chunked sign-in body is cut off with a 413", async () => {
  const d = await startTestDaemon();
  try {
    const port = Number(new URL(d.url).port);
    const api = await chunkedUpload(
      port,
      "/api/auth/login",
      "application/json",
      2 * MAX_BODY_BYTES,
    );
    assert.equal(api.status, 413, api.head);
    assert.ok(api.sent < 2 * MAX_BODY_BYTES, `API read ${api.sent} bytes before answering`);
    const page = await chunkedUpload(
      port,
      "/login",
      "application/x-www-form-urlencoded",
      2 * MAX_FORM_BYTES,
    );
    assert.equal(page.status, 413, page.head);
    assert.ok(page.sent < 2 * MAX_FORM_BYTES, `page read ${page.sent} bytes before answering`);
    assert.equal((await d.login()).status, 200, "the daemon still serves");
  } finally {
    await d.stop();
  }
});

Deno.test("security body limit - malformed JSON is a 400 envelope on public and guarded routes", async () => {
  const d = await startTestDaemon();
  try {
    for (const path of ["/api/auth/login", "/api/users"]) {
      const r = await d.api("POST", path, '{"username": ', {}, {
        as: path === "/api/users" ? "admin" : "anonymous",
      });
      assert.equal(r.status, 400, `${path}: ${r.text}`);
      assert.equal(r.body.error, "malformed JSON body");
    }
  } finally {
    await d.stop();
  }
});
