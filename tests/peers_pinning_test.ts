// deno-lint-ignore-file no-explicit-any
/**
 * TLS pinning against a real HTTPS daemon with its self-signed certificate:
 * adding the peer pins the certificate (fingerprint in the answer, audited
 * as `cluster`); pushes and drift work over the pinned connection; after the
 * peer comes back with a new certificate every call is refused before the
 * token is sent, the peer shows unreachable, and the refusal is audited and
 * announced once as the `peers:pin-mismatch` event, which the notifications
 * plugin delivers.
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
import { peers } from "../plugins/peers/mod.ts";
import { notifications } from "../plugins/notifications/mod.ts";

async function httpsDaemon(port: number, dataDir?: string): Promise<TestDaemon> {
  return await startTestDaemon({
    plugins: [peers(), notifications()],
    dataDir,
    config: { listen: `127.0.0.1:${port}`, https: { enabled: true } },
  });
}

async function mint(d: TestDaemon, port: number): Promise<string> {
  const client = Deno.createHttpClient({
    caCerts: [await Deno.readTextFile(`${d.dataDir}/tls/cert.pem`)],
  });
  try {
    const res = await fetch(`https://127.0.0.1:${port}/api/peers/inbound-tokens`, {
      method: "POST",
      client,
      headers: { authorization: `Bearer ${d.adminToken}`, "content-type": "application/json" },
      body: JSON.stringify({ label: "from-a" }),
    });
    const body = await res.json();
    assert.equal(res.status, 201, JSON.stringify(body));
    return body.token;
  } finally {
    client.close();
  }
}

Deno.test("peers - an https peer's certificate is pinned on first contact; a changed one is refused and audited", async () => {
  const a = await startTestDaemon({ plugins: [peers(), notifications()] });
  const rx = startReceiver();
  const web = startBackend("web");
  const portB = freePort();
  let b = await httpsDaemon(portB);
  try {
    const token = await mint(b, portB);
    const added = await a.api("POST", "/api/peers", {
      url: `https://127.0.0.1:${portB}`,
      name: "node-b",
      token,
    });
    assert.equal(added.status, 201, added.text);
    assert.equal(added.body.contactError, null, added.text);
    assert.match(added.body.fingerprint, /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    assert.notEqual(added.body.lastContactAt, null);
    assert.equal(added.body.warning, null, "no plain-http warning for an https peer");
    const drift = await a.api("GET", "/api/peers/drift");
    assert.equal(drift.body.peers[0].status, "in-sync", drift.text);

    // B comes back on the same address with a new self-signed certificate.
    const dataDir = b.dataDir;
    await b.stop();
    await Deno.remove(`${dataDir}/tls`, { recursive: true });
    b = await httpsDaemon(portB, dataDir);

    // An apply on A pushes to B: the changed certificate is refused before anything is sent.
    const state: any = simpleState(freePort(), [{ name: "w", address: web.address }]);
    state.notifications = {
      channels: [{
        id: "ops",
        type: "webhook",
        events: ["peers:pin-mismatch"],
        config: { url: `${rx.url}/ops` },
      }],
    };
    const put = await a.api("PUT", "/api/state", state);
    assert.equal(put.status, 200, put.text);
    assert.ok(await waitFor(() => rx.got.length >= 1, 10_000), "the mismatch is notified");

    const refused = await a.api("GET", "/api/peers/drift");
    assert.equal(refused.body.peers[0].status, "unreachable");
    assert.match(refused.body.peers[0].error, /certificate changed/);
    const sync = await a.api("POST", `/api/peers/${added.body.id}/sync-now`);
    assert.equal(sync.body.ok, false);
    assert.match(sync.body.error, /certificate changed/);

    const audit = await a.api("GET", "/api/audit?category=cluster&limit=50");
    const actions = audit.body.entries.map((e: any) => `${e.action}:${e.outcome}`);
    assert.ok(actions.includes("peer-pin:success"), JSON.stringify(actions));
    assert.ok(actions.includes("peer-pin-mismatch:failure"), JSON.stringify(actions));
    // Announced once per peer and certificate, however many calls it refused.
    assert.equal(rx.got.length, 1, rx.got.map((g) => g.body).join("\n"));
    const notice = JSON.parse(rx.got[0].body);
    assert.equal(notice.event, "peers:pin-mismatch");
    assert.equal(notice.entity, "node-b");
    assert.match(
      notice.message,
      /presented TLS certificate ([0-9A-F]{2}:){31}[0-9A-F]{2}, not the pinned/,
    );
  } finally {
    await a.stop();
    await b.stop();
    await rx.close();
    await web.close();
  }
});
