// deno-lint-ignore-file no-explicit-any
/**
 * The peers plugin's own events reach an operator through the
 * notifications plugin: a stopped peer is one `peers:unreachable` webhook
 * notice however often A fails to reach it (once per transition), and it
 * names the peer; a peer that answers but refuses our token (a drift check
 * that gets a 401) is announced the same way. Real daemons and HAProxy on
 * loopback, a real webhook receiver.
 */
import assert from "node:assert/strict";
import {
  freePort,
  simpleState,
  startBackend,
  startTestDaemon,
  through,
  waitFor,
} from "./support/daemon.ts";
import { startReceiver } from "./support/receiver.ts";
import { peers } from "../plugins/peers/mod.ts";
import { notifications } from "../plugins/notifications/mod.ts";

Deno.test("peers events - a stopped peer is one peers:unreachable notice naming it", async () => {
  const v1 = startBackend("v1");
  const v2 = startBackend("v2");
  const rx = startReceiver();
  const [feA, feC] = [freePort(), freePort()];
  const withChannel = (address: string) => {
    const s: any = simpleState(feA, [{ name: "w", address }]);
    s.notifications = {
      channels: [{ id: "ops", type: "webhook", config: { url: `${rx.url}/ops` } }],
    };
    return s;
  };
  const a = await startTestDaemon({ plugins: [peers(), notifications()] });
  const c = await startTestDaemon({ plugins: [peers(), notifications()] });
  try {
    await c.api("PUT", "/api/node-config", { binds: { "fe-main/0": `127.0.0.1:${feC}` } });
    const minted = await c.api("POST", "/api/peers/inbound-tokens", { label: "from-a" });
    const added = await a.api("POST", "/api/peers", {
      url: c.url,
      name: "node-c",
      token: minted.body.token,
    });
    assert.equal(added.status, 201, added.text);
    assert.equal((await a.api("PUT", "/api/state", withChannel(v1.address))).status, 200);
    assert.ok(await waitFor(async () => (await through(feC)).body === "v1", 15_000));

    await c.stop();
    const notices = () =>
      rx.got.map((g) => JSON.parse(g.body)).filter((n) => n.event === "peers:unreachable");
    for (const address of [v2.address, v1.address]) {
      assert.equal((await a.api("PUT", "/api/state", withChannel(address))).status, 200);
      assert.equal((await a.api("GET", "/api/peers/drift")).status, 200);
    }
    assert.ok(await waitFor(() => notices().length > 0, 20_000), "a peers:unreachable notice");
    // More failed pushes and drift probes while C stays down: no second notice.
    await a.api("GET", "/api/peers/drift");
    await new Promise((r) => setTimeout(r, 2000));
    assert.equal(notices().length, 1, JSON.stringify(notices()));
    assert.match(JSON.stringify(notices()[0]), /node-c/);
  } finally {
    await a.stop();
    await c.stop().catch(() => {});
    await rx.close();
    await v1.close();
    await v2.close();
  }
});

Deno.test("peers events - a peer that refuses our token is one peers:unreachable notice from the drift check", async () => {
  const rx = startReceiver();
  const a = await startTestDaemon({ plugins: [peers(), notifications()] });
  const c = await startTestDaemon({ plugins: [peers(), notifications()] });
  try {
    const s: any = a.store.current();
    const put = await a.api("PUT", "/api/state", {
      ...s,
      notifications: { channels: [{ id: "ops", type: "webhook", config: { url: `${rx.url}/o` } }] },
    });
    assert.equal(put.status, 200, put.text);
    const minted = await c.api("POST", "/api/peers/inbound-tokens", { label: "from-a" });
    const added = await a.api("POST", "/api/peers", {
      url: c.url,
      name: "node-c",
      token: minted.body.token,
    });
    assert.equal(added.status, 201, added.text);
    const revoked = await c.api("DELETE", `/api/peers/inbound-tokens/${minted.body.id}`);
    assert.ok(revoked.status < 300, revoked.text);

    for (let i = 0; i < 3; i++) {
      const drift = await a.api("GET", "/api/peers/drift");
      const line = drift.body.peers.find((p: any) => p.id === added.body.id);
      assert.equal(line.status, "unreachable");
      assert.equal(line.error, "HTTP 401");
    }
    const notices = () =>
      rx.got.map((g) => JSON.parse(g.body)).filter((n) => n.event === "peers:unreachable");
    assert.ok(await waitFor(() => notices().length > 0, 10_000), "a peers:unreachable notice");
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(notices().length, 1, JSON.stringify(notices()));
    assert.match(JSON.stringify(notices()[0]), /node-c.*HTTP 401|HTTP 401.*node-c/s);
  } finally {
    await a.stop();
    await c.stop();
    await rx.close();
  }
});
