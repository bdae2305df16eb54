// deno-lint-ignore-file no-explicit-any
import assert from "node:assert/strict";
import { runtime } from "../plugins/runtime/mod.ts";
import { parseInfo, parseServersState, parseStat } from "../plugins/runtime/parse.ts";
import {
  type Backend,
  freePort,
  simpleState,
  startBackend,
  startTestDaemon,
  type TestDaemon,
  through,
  waitFor,
} from "./support/daemon.ts";

/** Two backends a and b behind fe-main → app, round robin. */
async function twoServers(
  edit: (s: any) => void = () => {},
): Promise<{ d: TestDaemon; fe: number; a: Backend; b: Backend; stop(): Promise<void> }> {
  const a = startBackend("a");
  const b = startBackend("b");
  const fe = freePort();
  const state: any = simpleState(fe, [
    { name: "a", address: a.address },
    { name: "b", address: b.address },
  ]);
  edit(state);
  const d = await startTestDaemon({ plugins: [runtime()], state });
  return {
    d,
    fe,
    a,
    b,
    async stop() {
      await d.stop();
      await a.close();
      await b.close();
    },
  };
}

/** Bodies of n requests through the frontend. */
async function spread(fe: number, n: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push((await through(fe)).body);
  return out;
}

/** Status line of one request on a fresh connection ("refused" when the connect fails). */
async function freshRequest(port: number): Promise<string> {
  let conn: Deno.Conn;
  try {
    conn = await Deno.connect({ hostname: "127.0.0.1", port });
  } catch {
    return "refused";
  }
  try {
    await conn.write(
      new TextEncoder().encode("GET / HTTP/1.1\r\nhost: t\r\nconnection: close\r\n\r\n"),
    );
    const buf = new Uint8Array(4096);
    const n = await conn.read(buf);
    return n === null ? "eof" : new TextDecoder().decode(buf.subarray(0, n)).split("\r\n")[0];
  } catch {
    return "reset";
  } finally {
    conn.close();
  }
}

async function serverRow(d: TestDaemon, server: string) {
  const out = await d.haproxy.admin("show servers state app");
  assert.ok(out.ok);
  return parseServersState(out.output).find((r) => r.server === server)!;
}

Deno.test("runtime servers - drain and maint move new requests off, ready brings them back", async () => {
  const t = await twoServers();
  try {
    assert.deepEqual(new Set(await spread(t.fe, 6)), new Set(["a", "b"]));
    for (const state of ["drain", "maint"] as const) {
      const res = await t.d.api("POST", "/api/haproxy/servers/app/a/state", { state });
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(await spread(t.fe, 6), ["b", "b", "b", "b", "b", "b"]);
      const list = await t.d.api("GET", "/api/haproxy/servers");
      const a = list.body.servers.find((s: any) => s.server === "a");
      assert.equal(a.adminState, state);
      assert.equal(a.backend, "app");
      assert.equal(typeof a.weight, "number");
      assert.ok("checkStatus" in a && "status" in a);
    }
    const ready = await t.d.api("POST", "/api/haproxy/servers/app/a/state", { state: "ready" });
    assert.equal(ready.status, 200);
    assert.ok((await spread(t.fe, 6)).includes("a"));
    assert.equal((await serverRow(t.d, "a")).adminState, "ready");
  } finally {
    await t.stop();
  }
});

Deno.test("runtime servers - a server at weight 0 gets no requests", async () => {
  const t = await twoServers();
  try {
    const res = await t.d.api("POST", "/api/haproxy/servers/app/b/weight", { weight: 0 });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body, { backend: "app", server: "b", weight: 0 });
    const hitsBefore = t.b.hits;
    assert.deepEqual(await spread(t.fe, 8), Array(8).fill("a"));
    assert.equal(t.b.hits, hitsBefore);
    assert.equal((await serverRow(t.d, "b")).weight, 0);
  } finally {
    await t.stop();
  }
});

Deno.test("runtime servers - drain survives an unrelated apply (server-state-file)", async () => {
  const t = await twoServers();
  try {
    assert.equal(
      (await t.d.api("POST", "/api/haproxy/servers/app/a/state", { state: "drain" })).status,
      200,
    );
    assert.equal(
      (await t.d.api("POST", "/api/haproxy/servers/app/b/weight", { weight: 7 })).status,
      200,
    );
    const current = (await t.d.api("GET", "/api/state")).body;
    current.haproxy.backends.push({ id: "other", servers: [] });
    const pid = (await t.d.haproxy.showProc())!.workers[0].pid;
    const applied = await t.d.api("PUT", "/api/state", current);
    assert.equal(applied.status, 200, applied.text);
    assert.notEqual((await t.d.haproxy.showProc())!.workers[0].pid, pid, "a new worker runs");
    assert.equal((await serverRow(t.d, "a")).adminState, "drain");
    assert.equal((await serverRow(t.d, "b")).weight, 7);
    assert.deepEqual(await spread(t.fe, 4), ["b", "b", "b", "b"]);
  } finally {
    await t.stop();
  }
});

Deno.test("runtime servers - a drain sent while an apply reloads reaches the new worker", async () => {
  const t = await twoServers();
  try {
    const current = (await t.d.api("GET", "/api/state")).body;
    current.haproxy.backends.push({ id: "other", servers: [] });
    const pid = (await t.d.haproxy.showProc())!.workers[0].pid;
    const applying = t.d.api("PUT", "/api/state", current);
    // The server-state dump for the next worker is under way: a change now would reach the
    // old worker after the dump and be forgotten by the reload, unless it is held back.
    assert.ok(await waitFor(() => t.d.haproxy.fence.closed, 5000, 1), "the apply closed the fence");
    const draining = t.d.api("POST", "/api/haproxy/servers/app/a/state", { state: "drain" });
    const applied = await applying;
    const drained = await draining;
    assert.equal(applied.status, 200, applied.text);
    assert.equal(drained.status, 200, drained.text);
    assert.notEqual((await t.d.haproxy.showProc())!.workers[0].pid, pid, "a new worker runs");
    assert.equal((await serverRow(t.d, "a")).adminState, "drain");
    assert.deepEqual(await spread(t.fe, 4), ["b", "b", "b", "b"]);
  } finally {
    await t.stop();
  }
});

Deno.test("runtime frontends - a disabled frontend refuses connections, enable restores them", async () => {
  const t = await twoServers();
  try {
    assert.match(await freshRequest(t.fe), / 200 /);
    const off = await t.d.api("POST", "/api/runtime/frontends/fe-main/disable");
    assert.equal(off.status, 200, off.text);
    assert.equal(await freshRequest(t.fe), "refused");
    const again = await t.d.api("POST", "/api/runtime/frontends/fe-main/disable");
    assert.equal(again.status, 200, "disabling twice is not an error");
    const on = await t.d.api("POST", "/api/runtime/frontends/fe-main/enable");
    assert.equal(on.status, 200, on.text);
    assert.match(await freshRequest(t.fe), / 200 /);
  } finally {
    await t.stop();
  }
});

Deno.test("runtime maxconn - frontend and global limits show in show stat and show info", async () => {
  const t = await twoServers();
  try {
    const fe = await t.d.api("POST", "/api/runtime/maxconn/frontend/fe-main", { max: 77 });
    assert.equal(fe.status, 200, fe.text);
    const global = await t.d.api("POST", "/api/runtime/maxconn/global", { max: 500 });
    assert.equal(global.status, 200, global.text);
    const stat = await t.d.haproxy.admin("show stat");
    assert.ok(stat.ok);
    const row = parseStat(stat.output).find((r) =>
      r.pxname === "fe-main" && r.svname === "FRONTEND"
    );
    assert.equal(row?.slim, "77");
    const info = await t.d.haproxy.admin("show info");
    assert.ok(info.ok);
    assert.equal(parseInfo(info.output).Maxconn, "500");
    const tooBig = await t.d.api("POST", "/api/runtime/maxconn/global", { max: 9_999_999 });
    // Above HAProxy's hard limit is a conflict with how it was started, not a failure: 409.
    assert.equal(tooBig.status, 409, tooBig.text);
    assert.match(tooBig.body.error, /^maxconn 9999999 is above HAProxy's hard limit \(\d+;/);
  } finally {
    await t.stop();
  }
});

Deno.test("runtime counters - clear zeroes the totals", async () => {
  const t = await twoServers();
  try {
    await spread(t.fe, 5);
    const totals = async () => {
      const stat = await t.d.haproxy.admin("show stat");
      assert.ok(stat.ok);
      const rows = parseStat(stat.output);
      return {
        fe: Number(rows.find((r) => r.pxname === "fe-main" && r.svname === "FRONTEND")?.stot),
        a: Number(rows.find((r) => r.pxname === "app" && r.svname === "a")?.stot),
      };
    };
    const before = await totals();
    assert.ok(before.fe >= 1 && before.a >= 1, JSON.stringify(before));
    const res = await t.d.api("POST", "/api/runtime/counters/clear");
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(await totals(), { fe: 0, a: 0 });
  } finally {
    await t.stop();
  }
});

Deno.test("runtime servers - unknown names 404, bad bodies 400, injections 400 with nothing sent", async () => {
  const t = await twoServers();
  try {
    const cases: [string, string, unknown, number][] = [
      ["POST", "/api/haproxy/servers/nope/a/state", { state: "drain" }, 404],
      ["POST", "/api/haproxy/servers/app/zz/state", { state: "drain" }, 404],
      ["POST", "/api/haproxy/servers/app/a/state", { state: "sleep" }, 400],
      ["POST", "/api/haproxy/servers/app/a/state", "{not json", 400],
      ["POST", "/api/haproxy/servers/app/a/weight", { weight: 257 }, 400],
      ["POST", "/api/haproxy/servers/app/a/weight", { weight: 1.5 }, 400],
      ["POST", "/api/runtime/frontends/nope/disable", undefined, 404],
      ["POST", "/api/runtime/maxconn/frontend/nope", { max: 5 }, 404],
      ["POST", "/api/runtime/maxconn/global", { max: -1 }, 400],
      // Injections: a second command smuggled in a name.
      [
        "POST",
        `/api/haproxy/servers/app/${encodeURIComponent("a;disable frontend fe-main")}/state`,
        { state: "drain" },
        400,
      ],
      [
        "POST",
        `/api/haproxy/servers/app/${encodeURIComponent("a\ndisable frontend fe-main")}/weight`,
        { weight: 1 },
        400,
      ],
      [
        "POST",
        `/api/runtime/frontends/${
          encodeURIComponent("fe-main;shutdown sessions server app/a")
        }/enable`,
        undefined,
        400,
      ],
      [
        "POST",
        `/api/runtime/maxconn/frontend/${encodeURIComponent("fe-main 1;set maxconn global 1")}`,
        { max: 5 },
        400,
      ],
    ];
    for (const [method, path, body, status] of cases) {
      const res = await t.d.api(method, path, body);
      assert.equal(res.status, status, `${method} ${path}: ${res.text}`);
      assert.equal(typeof res.body.error, "string", `${path} answers the error envelope`);
    }
    const ok = await freshRequest(t.fe);
    assert.match(ok, / 200 /, "the frontend was never disabled");
    assert.equal((await serverRow(t.d, "a")).adminState, "ready");
    assert.equal((await serverRow(t.d, "a")).weight, 100);
    const info = await t.d.haproxy.admin("show info");
    assert.ok(info.ok);
    assert.notEqual(parseInfo(info.output).Maxconn, "1");
  } finally {
    await t.stop();
  }
});

Deno.test("runtime servers - mutations are audited with the actor, failures too", async () => {
  const t = await twoServers();
  try {
    await t.d.api("POST", "/api/haproxy/servers/app/a/state", { state: "drain" });
    await t.d.api("POST", "/api/haproxy/servers/app/zz/weight", { weight: 3 });
    const rows = t.d.audit.list({ limit: 10, category: "haproxy" });
    const drain = rows.find((r) => r.action === "server:state");
    assert.equal(drain?.target, "app/a");
    assert.equal(drain?.outcome, "success");
    assert.match(drain?.actor ?? "", /^token:./, "the caller, not anonymous or system");
    const weight = rows.find((r) => r.action === "server:weight");
    assert.equal(weight?.target, "app/zz");
    assert.equal(weight?.outcome, "failure");
  } finally {
    await t.stop();
  }
});

Deno.test("runtime servers - a viewer may read but not drain", async () => {
  const t = await twoServers();
  try {
    const viewer = await t.d.mintToken("viewer");
    const list = await t.d.api("GET", "/api/haproxy/servers", undefined, {}, { as: viewer });
    assert.equal(list.status, 200);
    const drain = await t.d.api(
      "POST",
      "/api/haproxy/servers/app/a/state",
      { state: "drain" },
      {},
      {
        as: viewer,
      },
    );
    assert.equal(drain.status, 403);
    assert.equal((await serverRow(t.d, "a")).adminState, "ready");
  } finally {
    await t.stop();
  }
});

Deno.test("runtime - an unreachable admin socket is a 503", async () => {
  const t = await twoServers();
  try {
    await Deno.rename(t.d.paths.adminSocket, `${t.d.paths.adminSocket}.moved`);
    const res = await t.d.api("POST", "/api/haproxy/servers/app/a/state", { state: "drain" });
    assert.equal(res.status, 503, res.text);
    const list = await t.d.api("GET", "/api/haproxy/servers");
    assert.equal(list.status, 503);
    await Deno.rename(`${t.d.paths.adminSocket}.moved`, t.d.paths.adminSocket);
  } finally {
    await t.stop();
  }
});
