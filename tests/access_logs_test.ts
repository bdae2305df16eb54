// deno-lint-ignore-file no-explicit-any
/**
 * Access logs through a real HAProxy: 10,000 requests to two backends all
 * reach `GET /api/logs` with their status and backend, HAProxy dropped none,
 * a live stream shows a new request, viewers do not see client addresses,
 * and the socket is writable by HAProxy's workers' group and no one else.
 *
 * @module
 */
import assert from "node:assert/strict";
import { freePort, startBackend, startTestDaemon, waitFor } from "./support/daemon.ts";
import { accessLog } from "../plugins/accesslog/mod.ts";

function state(fe: number, a: string, b: string, accessLog: unknown = undefined) {
  return {
    version: 1,
    haproxy: {
      defaults: { mode: "http", timeouts: { connect: "2s", client: "10s", server: "10s" } },
      frontends: [{
        id: "fe-logs",
        binds: [{ address: `127.0.0.1:${fe}` }],
        useBackends: [{ backend: "bk-b", cond: "if is_b" }],
        defaultBackend: "bk-a",
      }],
      backends: [
        { id: "bk-a", servers: [{ name: "a1", address: a, check: false }] },
        { id: "bk-b", servers: [{ name: "b1", address: b, check: false }] },
      ],
    },
    acls: [{ name: "is_b", criterion: "path_beg", values: ["/b"] }],
    ...(accessLog ? { accessLog } : {}),
  };
}

/** `n` GETs with `parallel` workers, each on its own pooled client. */
async function load(port: number, n: number, parallel: number, path: (i: number) => string) {
  let next = 0;
  const statuses = new Map<number, number>();
  await Promise.all(Array.from({ length: parallel }, async () => {
    const client = Deno.createHttpClient({});
    try {
      while (next < n) {
        const i = next++;
        const res = await fetch(`http://127.0.0.1:${port}${path(i)}`, { client });
        await res.body?.cancel();
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      }
    } finally {
      client.close();
    }
  }));
  return statuses;
}

Deno.test("access logs - 10,000 requests appear in /api/logs with their status and backend", async () => {
  const a = startBackend("a");
  const b = startBackend("b", { status: 404 });
  const fe = freePort();
  const d = await startTestDaemon({
    plugins: [accessLog()],
    state: state(fe, a.address, b.address),
  });
  try {
    const sent = await load(fe, 10_000, 8, (i) => (i % 2 ? `/b/${i}` : `/a/${i}`));
    assert.deepEqual(Object.fromEntries(sent), { 200: 5000, 404: 5000 });
    let body: any = null;
    const all = await waitFor(
      async () => {
        body = (await d.api("GET", "/api/logs?limit=50000")).body;
        return body.received >= 10_000;
      },
      20_000,
      200,
    );
    assert.ok(
      all,
      `received ${body?.received} of 10000 lines (dropped ${JSON.stringify(body?.dropped)})`,
    );
    assert.equal(body.dropped.haproxy, 0);
    const onB = (await d.api("GET", "/api/logs?backend=bk-b&limit=50000")).body;
    assert.equal(onB.entries.length, 5000);
    assert.ok(onB.entries.every((e: any) => e.status === 404 && e.server === "b1"));
    assert.ok(onB.entries.every((e: any) => e.frontend === "fe-logs"));
    const ok = (await d.api("GET", "/api/logs?status=2xx&limit=50000")).body;
    assert.equal(ok.entries.length, 5000);
    assert.ok(
      ok.entries.every((e: any) => e.backend === "bk-a" && e.request.startsWith("GET /a/")),
    );
    const bad = await d.api("GET", "/api/logs?status=abc");
    assert.equal(bad.status, 400);
    assert.match(bad.body.error, /status/);
  } finally {
    await d.stop();
    await a.close();
    await b.close();
  }
});

Deno.test("access logs - the live stream shows a new request; viewers see no client address", async () => {
  const a = startBackend("a");
  const b = startBackend("b");
  const fe = freePort();
  const d = await startTestDaemon({
    plugins: [accessLog()],
    state: state(fe, a.address, b.address),
  });
  const abort = new AbortController();
  try {
    const viewer = await d.mintToken("viewer");
    const res = await fetch(`${d.url}/api/logs/stream?backend=bk-a`, {
      headers: { authorization: `Bearer ${viewer}`, accept: "text/event-stream" },
      signal: abort.signal,
    });
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /text\/event-stream/);
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    const first = await reader.read(); // "retry:": the stream is subscribed
    assert.match(first.value ?? "", /retry/);
    await (await fetch(`http://127.0.0.1:${fe}/b/not-this-one`)).body?.cancel();
    await (await fetch(`http://127.0.0.1:${fe}/a/live-one?secret=1`)).body?.cancel();
    let seen = "";
    const deadline = setTimeout(() => abort.abort(), 5000); // a bound, not a timing assertion
    while (!seen.includes("live-one")) {
      const { value, done } = await reader.read().catch(() => ({ value: "", done: true }));
      if (done) break;
      seen += value;
    }
    clearTimeout(deadline);
    assert.match(seen, /event: log/);
    assert.ok(seen.includes("GET /a/live-one HTTP/1.1"), seen);
    assert.ok(
      !seen.includes("not-this-one"),
      "the backend filter let another backend's line through",
    );
    assert.ok(!seen.includes("secret=1"), "a viewer saw the query string");
    assert.ok(!seen.includes("127.0.0.1"), "a viewer saw the client address");
    abort.abort();

    const asViewer = await d.api("GET", "/api/logs", undefined, {}, { as: viewer });
    assert.equal(asViewer.body.clientShown, false);
    assert.ok(asViewer.body.entries.every((e: any) => e.client === null && e.message === ""));
    const clientFilter = await d.api("GET", "/api/logs?client=127.0.0.1", undefined, {}, {
      as: viewer,
    });
    assert.equal(clientFilter.status, 403);
    const operator = await d.mintToken("operator");
    const asOperator = await d.api("GET", "/api/logs?client=127.0.0.1", undefined, {}, {
      as: operator,
    });
    assert.equal(asOperator.body.clientShown, true);
    assert.ok(asOperator.body.entries.length >= 2);
    assert.ok(asOperator.body.entries.every((e: any) => e.client === "127.0.0.1"));

    // Only the workers' group may write the socket (as root; otherwise patchpanel alone).
    const sock = await Deno.stat(`${d.dataDir}/accesslog/access.sock`);
    if (Deno.uid() === 0) {
      assert.equal(sock.mode! & 0o777, 0o620);
      const group = (await Deno.readTextFile("/etc/group")).split("\n")
        .find((l) => l.startsWith("haproxy:"))!;
      assert.equal(sock.gid, Number(group.split(":")[2]));
      assert.equal((await Deno.stat(d.dataDir)).mode! & 0o777, 0o700);
    } else {
      assert.equal(sock.mode! & 0o777, 0o600);
    }
  } finally {
    abort.abort();
    await d.stop();
    await a.close();
    await b.close();
  }
});

Deno.test("access logs - turned off in the state: no log line, nothing received", async () => {
  const a = startBackend("a");
  const fe = freePort();
  const d = await startTestDaemon({
    plugins: [accessLog()],
    state: state(fe, a.address, a.address, { enabled: false }),
  });
  try {
    const cfg = await Deno.readTextFile(`${d.dataDir}/haproxy.cfg`);
    assert.ok(!cfg.includes("access.sock"), cfg);
    await (await fetch(`http://127.0.0.1:${fe}/a`)).body?.cancel();
    const body = (await d.api("GET", "/api/logs")).body;
    assert.equal(body.received, 0);
    const operator = await d.mintToken("operator");
    const put = await d.api("PUT", "/api/state", state(fe, a.address, a.address), {}, {
      as: operator,
    });
    assert.equal(put.status, 403, "an operator turned the access log back on");
    assert.ok(put.body.paths.some((p: string) => p.startsWith("accessLog")), put.text);
  } finally {
    await d.stop();
    await a.close();
  }
});
