import assert from "node:assert/strict";
import { parseLogLine } from "./parse.ts";

Deno.test("access log - an httplog line is parsed field by field", () => {
  const e = parseLogLine(
    "127.0.0.1:45516 [03/Dec/2026:17:29:16.285] fe~ web/web-1 0/0/1/2/3 404 49 - - ---- " +
      '1/1/0/0/0 0/0 "GET /x?q=1 HTTP/1.1"\n',
    7,
    1000,
  );
  assert.equal(e.kind, "http");
  assert.equal(e.seq, 7);
  assert.equal(e.client, "127.0.0.1");
  assert.equal(e.clientPort, 45516);
  assert.equal(e.frontend, "fe");
  assert.equal(e.backend, "web");
  assert.equal(e.server, "web-1");
  assert.equal(e.status, 404);
  assert.equal(e.bytes, 49);
  assert.equal(e.durationMs, 3);
  assert.equal(e.termination, "----");
  assert.equal(e.request, "GET /x?q=1 HTTP/1.1");
});

Deno.test("access log - NOSRV, IPv6 clients, header captures and tcplog lines", () => {
  const nosrv = parseLogLine(
    "::1:4000 [03/Dec/2026:17:29:16.285] f f/<NOSRV> 0/-1/-1/-1/0 503 217 - - SC-- " +
      '1/1/0/0/0 0/0 {a.test} "GET / HTTP/1.1"',
    1,
    0,
  );
  assert.equal(nosrv.client, "::1");
  assert.equal(nosrv.server, null);
  assert.equal(nosrv.backend, "f");
  assert.equal(nosrv.status, 503);
  assert.equal(nosrv.request, "GET / HTTP/1.1");
  const tcp = parseLogLine(
    "127.0.0.1:5000 [03/Dec/2026:17:29:16.285] db db/pg-1 0/1/+12 +300 -- 1/1/1/1/0 0/0",
    2,
    0,
  );
  assert.equal(tcp.kind, "tcp");
  assert.equal(tcp.server, "pg-1");
  assert.equal(tcp.durationMs, 12);
  assert.equal(tcp.bytes, 300);
  assert.equal(tcp.status, null);
  const other = parseLogLine("Proxy fe started.", 3, 0);
  assert.equal(other.kind, "other");
  assert.equal(other.message, "Proxy fe started.");
});
