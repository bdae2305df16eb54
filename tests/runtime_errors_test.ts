/**
 * `GET /api/runtime/errors` against a real HAProxy: a malformed request sent
 * to the frontend shows up with its proxy, source and fault position; the
 * captured bytes go to an admin only (they are the client's own request).
 *
 * @module
 */
import assert from "node:assert/strict";
import { freePort, simpleState, startBackend, startTestDaemon } from "./support/daemon.ts";
import { runtime } from "../plugins/runtime/mod.ts";

Deno.test("runtime errors - a malformed request is listed; its bytes only for an admin", async () => {
  const web = startBackend("web");
  const fe = freePort();
  const d = await startTestDaemon({
    plugins: [runtime()],
    state: simpleState(fe, [{ name: "w", address: web.address }]),
  });
  try {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port: fe });
    await conn.write(new TextEncoder().encode("GET\x01/ HTTP/1.1\r\nHost: x\r\n\r\n"));
    const answer = await new Response(conn.readable).text();
    assert.match(answer, /^HTTP\/1\.[01] 400/);

    const viewer = await d.mintToken("viewer");
    const seen = await d.api("GET", "/api/runtime/errors", undefined, {}, { as: viewer });
    assert.equal(seen.status, 200, seen.text);
    assert.equal(seen.body.captureShown, false);
    const [e] = seen.body.errors;
    assert.equal(e.proxy, "fe-main");
    assert.equal(e.direction, "request");
    assert.equal(e.errorAt, 3);
    assert.match(e.source, /^127\.0\.0\.1:\d+$/);
    assert.equal(e.capture, undefined);

    const admin = await d.api("GET", "/api/runtime/errors");
    assert.equal(admin.body.captureShown, true);
    assert.equal(admin.body.errors[0].capture[0], "GET\\x01/ HTTP/1.1\\r\\n");
  } finally {
    await d.stop();
    await web.close();
  }
});
