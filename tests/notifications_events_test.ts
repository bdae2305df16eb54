// deno-lint-ignore-file no-explicit-any
/**
 * Server-side events end to end: a real server going down behind HAProxy
 * (the stats sampler sees it) produces exactly one alert; a flapping server
 * is coalesced into one message per event per window with its count; a
 * login lockout is an alert too.
 */
import assert from "node:assert/strict";
import {
  freePort,
  simpleState,
  startBackend,
  startTestDaemon,
  type TestDaemon,
  waitFor,
} from "./support/daemon.ts";
import { startReceiver } from "./support/receiver.ts";
import { notifications } from "../plugins/notifications/mod.ts";
import { stats } from "../plugins/stats/mod.ts";
import { definePlugin, type PluginHost } from "../core/plugin.ts";

async function serverUp(d: TestDaemon, name: string): Promise<boolean> {
  const r = await d.api("GET", "/api/stats");
  const row = r.body.stat?.find((x: any) => x.svname === name);
  return typeof row?.status === "string" && row.status.startsWith("UP");
}

Deno.test("notifications - a real server going down behind HAProxy produces exactly one alert", async () => {
  const a = startBackend("a");
  const b = startBackend("b");
  const rx = startReceiver();
  const fe = freePort();
  const state: any = simpleState(fe, [
    { name: "web-1", address: a.address, check: true },
    { name: "web-2", address: b.address, check: true },
  ]);
  state.haproxy.backends[0].healthCheck = { type: "tcp", interval: "200ms", fall: 1, rise: 1 };
  state.notifications = {
    channels: [{ id: "ops", type: "webhook", config: { url: `${rx.url}/ops` } }],
  };
  const d = await startTestDaemon({
    plugins: [stats(), notifications()],
    config: { stats: { intervalMs: 200 } },
    state,
  });
  try {
    assert.ok(await waitFor(() => serverUp(d, "web-1"), 8000), "web-1 is seen up first");
    assert.ok(await waitFor(() => serverUp(d, "web-2"), 8000));
    await a.close();
    assert.ok(await waitFor(() => rx.got.length >= 1, 10_000), "an alert arrives");
    // Several more samples see web-1 still down: no repeat, and web-2 keeps the backend up.
    let samples = 0;
    await waitFor(
      async () => {
        if (!(await serverUp(d, "web-2"))) return false;
        return ++samples >= 10;
      },
      10_000,
      200,
    );
    assert.equal(rx.got.length, 1, rx.got.map((g) => g.body).join("\n"));
    const n = JSON.parse(rx.got[0].body);
    assert.equal(n.event, "server:down");
    assert.equal(n.level, "error");
    assert.equal(n.title, "app/web-1 down");
    assert.equal(n.entity, "app/web-1");
    assert.equal(n.link, "/backends/app");
    assert.match(n.message, /^Server web-1 of backend app failed its health checks \(DOWN/);
  } finally {
    await d.stop();
    await rx.close();
    await b.close();
  }
});

Deno.test("notifications - a flapping server is coalesced: one message per event, then the count", async () => {
  const rx = startReceiver();
  const web = startBackend("web");
  const fe = freePort();
  let bus: PluginHost | null = null;
  // The probe stands in for the stats plugin (not loaded here): it declares the server events.
  const probe = definePlugin({
    name: "probe",
    events: ["server:down", "server:up"],
    setup: (host) => void (bus = host),
  });
  const state: any = simpleState(fe, [{ name: "web-1", address: web.address }]);
  state.notifications = {
    channels: [{ id: "ops", type: "webhook", events: ["server"], config: { url: `${rx.url}/o` } }],
  };
  const d = await startTestDaemon({
    plugins: [notifications(), probe],
    config: { notifications: { coalesceMs: 1500 } },
    state,
  });
  try {
    const at = Date.now();
    for (let i = 0; i < 6; i++) {
      const e = { backend: "web-pool", server: "web-1", at: at + i };
      await bus!.emit("server:down", { ...e, status: "DOWN" });
      await bus!.emit("server:up", { ...e, status: "UP" });
    }
    // Another server's event is its own entity: not folded into web-1's count.
    await bus!.emit("server:down", { backend: "web-pool", server: "web-2", status: "DOWN", at });
    assert.ok(await waitFor(() => rx.got.length === 5, 10_000), `got ${rx.got.length}`);
    const titles = rx.got.map((g) => {
      const n = JSON.parse(g.body);
      return `${n.title}${n.count > 1 ? " ×" + n.count : ""}`;
    });
    assert.deepEqual(titles.slice(0, 3).sort(), [
      "web-pool/web-1 down",
      "web-pool/web-1 up",
      "web-pool/web-2 down",
    ]);
    assert.deepEqual(titles.slice(3).sort(), ["web-pool/web-1 down ×6", "web-pool/web-1 up ×6"]);
    const last = JSON.parse(rx.got.find((g) => JSON.parse(g.body).count === 6)!.body);
    assert.equal(last.at, new Date(at + 5).toISOString(), "dated at the last occurrence");
  } finally {
    await d.stop();
    await rx.close();
    await web.close();
  }
});

Deno.test("notifications - a login lockout is an alert", async () => {
  const rx = startReceiver();
  const web = startBackend("web");
  const fe = freePort();
  const state: any = simpleState(fe, [{ name: "web-1", address: web.address }]);
  state.notifications = {
    channels: [{ id: "sec", type: "webhook", events: ["auth"], config: { url: `${rx.url}/s` } }],
  };
  const d = await startTestDaemon({
    plugins: [notifications()],
    config: { auth: { loginFailureMax: 3 } },
    state,
  });
  try {
    for (let i = 0; i < 3; i++) {
      assert.equal((await d.login("admin", "wrong-password-xyz")).status, 401);
    }
    assert.ok(await waitFor(() => rx.got.length === 1, 5000));
    const n = JSON.parse(rx.got[0].body);
    assert.equal(n.event, "auth:lockout");
    assert.equal(n.entity, "admin");
    assert.equal(n.title, "login locked for admin");
    assert.ok(!rx.got[0].body.includes("wrong-password"));
  } finally {
    await d.stop();
    await rx.close();
    await web.close();
  }
});

Deno.test("notifications - a rolled-back apply and HAProxy's restart are alerts", async () => {
  const one = startBackend("one");
  const two = startBackend("two");
  const rx = startReceiver();
  const fe = freePort();
  const withChannel = (server: string) => {
    const s: any = simpleState(fe, [{ name: server, address: one.address }]);
    s.notifications = {
      channels: [{
        id: "ops",
        type: "webhook",
        events: ["apply", "haproxy"],
        minLevel: "warning",
        config: { url: `${rx.url}/ops` },
      }],
    };
    return s;
  };
  const d = await startTestDaemon({
    plugins: [notifications()],
    config: { haproxy: { mode: "embedded", reloadTimeoutMs: 1500 } },
    state: withChannel("s1"),
  });
  try {
    const stuck = (await d.haproxy.showProc())!.masterPid;
    Deno.kill(stuck, "SIGSTOP");
    const next = withChannel("s2");
    next.haproxy.defaults.timeouts.server = "11s"; // a change only a reload applies
    const put = await d.api("PUT", "/api/state", next);
    assert.equal(put.status, 502, put.text);
    const titles = () => rx.got.map((g) => JSON.parse(g.body).title as string);
    // Both arrive, in either order: the restart is the supervisor's, the failure the apply's.
    const both = () =>
      titles().includes("HAProxy was restarted") &&
      titles().includes("apply failed at reload, rolled back");
    assert.ok(await waitFor(both, 30_000, 100), titles().join(" | "));
    const failed = rx.got.map((g) => JSON.parse(g.body)).find((n) => n.event === "apply:failed");
    assert.equal(failed.level, "error");
    assert.equal(failed.link, "/audit");
  } finally {
    await d.stop();
    await rx.close();
    await one.close();
    await two.close();
  }
});
