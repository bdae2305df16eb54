// deno-lint-ignore-file no-explicit-any
/**
 * Every server field a state declares is live after the PUT that changes
 * it: `show servers state` (and `show stat`) on the admin socket say so, and
 * traffic through HAProxy reaches the backend the new value names. Before
 * the reload filter, the server-state file carried the old address, port,
 * ssl flag and health into the new worker.
 */
import assert from "node:assert/strict";
import { runtime } from "../plugins/runtime/mod.ts";
import { freePort, startTestDaemon, type TestDaemon, waitFor } from "./support/daemon.ts";
import {
  appState,
  bodies,
  type NamedBackend,
  runningRow,
  serveNamed,
  statRow,
  tlsKeyPair,
} from "./support/live.ts";

/** A daemon running `state`, plus the backends to close afterwards. */
async function lab(
  backends: NamedBackend[],
  state: (fe: number) => any,
  test: (d: TestDaemon, fe: number) => Promise<void>,
): Promise<void> {
  const fe = freePort();
  let d: TestDaemon | null = null;
  try {
    d = await startTestDaemon({ plugins: [runtime()], state: state(fe) });
    await test(d, fe);
  } finally {
    await d?.stop();
    for (const b of backends) await b.close();
  }
}

async function put(d: TestDaemon, state: any): Promise<void> {
  const res = await d.api("PUT", "/api/state", state);
  assert.equal(res.status, 200, res.text);
  // Server-level changes apply at run time (runtime_apply.ts); either way the field is live.
  assert.ok(["reload", "runtime"].includes(res.headers.get("patchpanel-apply")!));
}

const uniq = (xs: string[]) => [...new Set(xs)].sort();

Deno.test("live fields - a new address (a DNS name, then another IP, same port) is live", async () => {
  const two = serveNamed("two", { host: "127.0.0.2" });
  const one = serveNamed("one", { port: two.port });
  const extra: NamedBackend[] = [];
  try {
    extra.push(serveNamed("one", { host: "::1", port: two.port })); // where localhost is ::1 too
  } catch {
    // no IPv6 loopback here
  }
  const at = (address: string) => (fe: number) => appState(fe, [{ name: "web-1", address }]);
  await lab([two, one, ...extra], at(two.address), async (d, fe) => {
    assert.deepEqual(uniq(await bodies(fe, 3)), ["200 two"]);
    // A name is resolved at start-up, where HAProxy would prefer the dumped address.
    await put(d, at(`localhost:${two.port}`)(fe));
    const row = await runningRow(d, "app", "web-1");
    assert.ok(["127.0.0.1", "::1"].includes(row.srv_addr), row.srv_addr);
    assert.deepEqual(uniq(await bodies(fe, 3)), ["200 one"]);
    await put(d, at(two.address)(fe));
    assert.equal((await runningRow(d, "app", "web-1")).srv_addr, "127.0.0.2");
    assert.deepEqual(uniq(await bodies(fe, 3)), ["200 two"]);
  });
});

Deno.test("live fields - a new port is live, also while nothing listens on the old one", async () => {
  const old = serveNamed("old");
  const moved = serveNamed("new");
  const at = (address: string) => (fe: number) => appState(fe, [{ name: "web-1", address }]);
  await lab([moved], at(old.address), async (d, fe) => {
    await old.close();
    await put(d, at(moved.address)(fe));
    const row = await runningRow(d, "app", "web-1");
    assert.deepEqual([row.srv_addr, row.srv_port], ["127.0.0.1", String(moved.port)]);
    assert.deepEqual(uniq(await bodies(fe, 3)), ["200 new"]);
  });
});

Deno.test("live fields - weight: a server set to 0 in the state gets nothing, back to 100 shares", async () => {
  const a = serveNamed("a");
  const b = serveNamed("b");
  const st = (w: number) => (fe: number) =>
    appState(fe, [{ name: "a", address: a.address }, { name: "b", address: b.address, weight: w }]);
  await lab([a, b], st(100), async (d, fe) => {
    assert.deepEqual(uniq(await bodies(fe, 4)), ["200 a", "200 b"]);
    await put(d, st(0)(fe));
    assert.equal((await runningRow(d, "app", "b")).srv_uweight, "0");
    assert.deepEqual(uniq(await bodies(fe, 4)), ["200 a"]);
    // A runtime weight, then a declared one: the declared change wins.
    const set = await d.api("POST", "/api/haproxy/servers/app/b/weight", { weight: 3 });
    assert.equal(set.status, 200, set.text);
    await put(d, st(100)(fe));
    assert.equal((await runningRow(d, "app", "b")).srv_uweight, "100");
    assert.deepEqual(uniq(await bodies(fe, 4)), ["200 a", "200 b"]);
  });
});

Deno.test("live fields - check: a server its health check marked DOWN serves once check is off", async () => {
  const sick = serveNamed("sick", { status: 500 });
  const st = (check: boolean) => (fe: number) =>
    appState(fe, [{ name: "s", address: sick.address, check }], (s) => {
      s.haproxy.backends[0].healthCheck = {
        type: "http",
        path: "/",
        expectStatus: "200",
        interval: "100ms",
        rise: 1,
        fall: 1,
      };
    });
  await lab([sick], st(true), async (d, fe) => {
    assert.ok(
      await waitFor(async () => (await runningRow(d, "app", "s")).srv_op_state === "0", 10_000),
      "the failing check takes the server down",
    );
    assert.match((await bodies(fe, 1))[0], /^503 /);
    await put(d, st(false)(fe));
    const row = await runningRow(d, "app", "s");
    assert.equal(row.srv_op_state, "2", "up: no check, so nothing can say it is down");
    assert.deepEqual(uniq(await bodies(fe, 3)), ["500 sick"]);
  });
});

Deno.test("live fields - backup: a backup server turned primary takes traffic", async () => {
  const a = serveNamed("a");
  const b = serveNamed("b");
  const st = (backup: boolean) => (fe: number) =>
    appState(fe, [{ name: "a", address: a.address }, { name: "b", address: b.address, backup }]);
  await lab([a, b], st(true), async (d, fe) => {
    assert.deepEqual(uniq(await bodies(fe, 4)), ["200 a"]);
    assert.equal((await statRow(d, "app", "b")).bck, "1");
    await put(d, st(false)(fe));
    assert.equal((await statRow(d, "app", "b")).bck, "0");
    assert.deepEqual(uniq(await bodies(fe, 4)), ["200 a", "200 b"]);
  });
});

Deno.test("live fields - ssl: turning ssl on towards a TLS backend speaks TLS to it", async () => {
  const pair = await tlsKeyPair();
  const secure = serveNamed("tls", { tls: pair });
  const st = (ssl: boolean) => (fe: number) =>
    appState(fe, [{ name: "s", address: secure.address, ssl }]);
  try {
    await lab([secure], st(false), async (d, fe) => {
      assert.notDeepEqual(uniq(await bodies(fe, 1)), ["200 tls"], "plain HTTP to a TLS port");
      await put(d, st(true)(fe));
      assert.equal((await runningRow(d, "app", "s")).srv_use_ssl, "1");
      assert.deepEqual(uniq(await bodies(fe, 3)), ["200 tls"]);
      await put(d, st(false)(fe));
      assert.equal((await runningRow(d, "app", "s")).srv_use_ssl, "0");
    });
  } finally {
    await Deno.remove(pair.dir, { recursive: true });
  }
});

Deno.test("live fields - disabled: on puts the server in maintenance, off brings it back", async () => {
  const a = serveNamed("a");
  const b = serveNamed("b");
  const st = (disabled: boolean) => (fe: number) =>
    appState(fe, [{ name: "a", address: a.address }, { name: "b", address: b.address, disabled }]);
  await lab([a, b], st(false), async (d, fe) => {
    await put(d, st(true)(fe));
    // FMAINT when set at run time (runtime_apply.ts), FMAINT|CMAINT when loaded from the cfg.
    assert.ok(["1", "5"].includes((await runningRow(d, "app", "b")).srv_admin_state));
    assert.deepEqual(uniq(await bodies(fe, 4)), ["200 a"]);
    await put(d, st(false)(fe));
    assert.equal((await runningRow(d, "app", "b")).srv_admin_state, "0");
    assert.deepEqual(uniq(await bodies(fe, 4)), ["200 a", "200 b"]);
  });
});

Deno.test("live fields - maxconn: the new limit is the server's limit", async () => {
  const a = serveNamed("a");
  const st = (maxconn?: number) => (fe: number) =>
    appState(fe, [{ name: "a", address: a.address, ...(maxconn ? { maxconn } : {}) }]);
  await lab([a], st(), async (d, fe) => {
    assert.equal((await statRow(d, "app", "a")).slim, "");
    await put(d, st(3)(fe));
    assert.equal((await statRow(d, "app", "a")).slim, "3");
    assert.deepEqual(uniq(await bodies(fe, 3)), ["200 a"]);
  });
});

Deno.test("live fields - a renamed backend, and a new one under the old name, each run as declared", async () => {
  const old = serveNamed("old");
  const fresh = serveNamed("new");
  const first = (fe: number) => appState(fe, [{ name: "web-1", address: old.address }]);
  const second = (fe: number) =>
    appState(fe, [{ name: "web-1", address: fresh.address }], (s) => {
      s.haproxy.backends.push({
        id: "app-old",
        servers: [{ name: "web-1", address: old.address, check: false }],
      });
    });
  await lab([old, fresh], first, async (d, fe) => {
    const drained = await d.api("POST", "/api/haproxy/servers/app/web-1/state", { state: "drain" });
    assert.equal(drained.status, 200, drained.text);
    await put(d, second(fe));
    const now = await runningRow(d, "app", "web-1");
    assert.deepEqual([now.srv_port, now.srv_admin_state], [String(fresh.port), "0"]);
    const moved = await runningRow(d, "app-old", "web-1");
    assert.deepEqual([moved.srv_port, moved.srv_admin_state], [String(old.port), "0"]);
    assert.deepEqual(uniq(await bodies(fe, 3)), ["200 new"]);
    // A plain rename: the servers are new to HAProxy, nothing of app's carries over.
    const set = await d.api("POST", "/api/haproxy/servers/app/web-1/weight", { weight: 1 });
    assert.equal(set.status, 200, set.text);
    const renamed = second(fe);
    renamed.haproxy.backends[0].id = "app-new";
    renamed.haproxy.frontends[0].defaultBackend = "app-new";
    await put(d, renamed);
    const row = await runningRow(d, "app-new", "web-1");
    assert.deepEqual([row.srv_port, row.srv_uweight], [String(fresh.port), "100"]);
    assert.deepEqual(uniq(await bodies(fe, 3)), ["200 new"]);
  });
});
