// deno-lint-ignore-file no-explicit-any
import assert from "node:assert/strict";
import { runtime } from "../plugins/runtime/mod.ts";
import {
  freePort,
  simpleState,
  startBackend,
  startTestDaemon,
  through,
  waitFor,
} from "./support/daemon.ts";

Deno.test("runtime tables - clearing one key removes exactly that key", async () => {
  const a = startBackend("a");
  const fe = freePort();
  const state: any = simpleState(fe, [{ name: "a", address: a.address }]);
  state.haproxy.backends[0].stickTable = {
    type: "ip",
    size: 1000,
    expire: "1m",
    store: ["http_req_cnt"],
  };
  // Two keys from one loopback client: the source, and an address named in a header.
  state.haproxy.frontends[0].httpRequest = [
    { action: "track-sc0 src table app" },
    { action: "track-sc1 req.hdr_ip(x-client) table app" },
  ];
  const d = await startTestDaemon({ plugins: [runtime()], state });
  try {
    await through(fe, "/", { "x-client": "127.0.0.7" });
    await through(fe, "/", { "x-client": "127.0.0.8" });
    const tables = await d.api("GET", "/api/runtime/tables");
    assert.equal(tables.status, 200);
    assert.deepEqual(tables.body.tables, [{ name: "app", type: "ip", size: 1000, used: 3 }]);
    const keys = async () =>
      (await d.api("GET", "/api/runtime/tables/app")).body.entries.map((e: any) => e.key).sort();
    assert.deepEqual(await keys(), ["127.0.0.1", "127.0.0.7", "127.0.0.8"]);
    const one = (await d.api("GET", "/api/runtime/tables/app")).body.entries[0];
    assert.ok(Number(one.data.http_req_cnt) >= 1, JSON.stringify(one));

    const cleared = await d.api("POST", "/api/runtime/tables/app/clear", { key: "127.0.0.7" });
    assert.equal(cleared.status, 200, cleared.text);
    assert.equal(cleared.body.removed, 1);
    assert.deepEqual(await keys(), ["127.0.0.1", "127.0.0.8"]);

    const bad = await d.api("POST", "/api/runtime/tables/app/clear", {
      key: "127.0.0.8;clear table app",
    });
    assert.equal(bad.status, 400);
    assert.deepEqual(await keys(), ["127.0.0.1", "127.0.0.8"]);
    assert.equal((await d.api("GET", "/api/runtime/tables/nope")).status, 404);
    assert.equal((await d.api("POST", "/api/runtime/tables/nope/clear", {})).status, 404);
    assert.equal((await d.api("GET", "/api/runtime/tables/a%3Bb")).status, 400);

    const all = await d.api("POST", "/api/runtime/tables/app/clear", {});
    assert.equal(all.status, 200);
    assert.deepEqual(await keys(), []);
    const audit = d.audit.list({ limit: 5, category: "haproxy" }).filter((r) =>
      r.action === "table:clear"
    );
    assert.ok(audit.some((r) => r.details?.key === "127.0.0.7" && r.outcome === "success"));
  } finally {
    await d.stop();
    await a.close();
  }
});

Deno.test("runtime sessions - a long-lived connection is cut by session shutdown", async () => {
  // A backend that starts a chunked response and never finishes it: a stream that stays open.
  const silent = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const held: Deno.Conn[] = [];
  const accepting = (async () => {
    for await (const c of silent) {
      held.push(c);
      await c.read(new Uint8Array(4096)).catch(() => null);
      await c.write(new TextEncoder().encode(
        "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhello\r\n",
      )).catch(() => 0);
    }
  })();
  const fe = freePort();
  const address = `127.0.0.1:${(silent.addr as Deno.NetAddr).port}`;
  const d = await startTestDaemon({
    plugins: [runtime()],
    state: simpleState(fe, [{ name: "slow", address }]),
  });
  const client = await Deno.connect({ hostname: "127.0.0.1", port: fe });
  try {
    await client.write(new TextEncoder().encode("GET /hold HTTP/1.1\r\nhost: t\r\n\r\n"));
    const myPort = (client.localAddr as Deno.NetAddr).port;
    const buf = new Uint8Array(4096);
    let seen = "";
    while (!seen.includes("hello")) {
      const n = await client.read(buf);
      assert.ok(n !== null, "the response has started");
      seen += new TextDecoder().decode(buf.subarray(0, n));
    }
    assert.match(seen, /^HTTP\/1.1 200/);
    let mine: any = null;
    assert.ok(
      await waitFor(async () => {
        const res = await d.api("GET", "/api/runtime/sessions");
        mine = res.body.sessions.find((s: any) => s.src === `127.0.0.1:${myPort}`);
        return mine !== undefined;
      }),
      "the held stream shows in /api/runtime/sessions",
    );
    assert.equal(mine.frontend, "fe-main");
    assert.equal(mine.backend, "app");

    assert.equal((await d.api("POST", "/api/runtime/sessions/0xzz/shutdown")).status, 400);
    assert.equal((await d.api("POST", "/api/runtime/sessions/0x1/shutdown")).status, 404);
    const cut = await d.api("POST", `/api/runtime/sessions/${mine.id}/shutdown`);
    assert.equal(cut.status, 200, cut.text);
    let end: string;
    try {
      const n = await client.read(buf);
      end = n === null ? "eof" : new TextDecoder().decode(buf.subarray(0, n)).split("\r\n")[0];
    } catch {
      end = "reset";
    }
    assert.ok(end === "eof" || end === "reset", `connection was cut, got ${end}`);
    const after = await d.api("GET", "/api/runtime/sessions");
    assert.ok(!after.body.sessions.some((s: any) => s.id === mine.id));
  } finally {
    client.close();
    await d.stop();
    silent.close();
    for (const c of held) c.close();
    await accepting.catch(() => {});
  }
});
