// deno-lint-ignore-file no-explicit-any
/**
 * Delivery through the persistent outbox, with server-side events (a
 * refused apply is `apply:failed`): a receiver answering 500, 500, 200 gets
 * the message once after three audited attempts; a receiver that hangs does
 * not hold up `PUT /api/state` and times out on its own; a delivery pending
 * when the daemon stops is delivered after it starts again.
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

function stateWith(fe: number, server: string, channels: unknown[]): any {
  const s: any = simpleState(fe, [{ name: "web-1", address: server }]);
  s.notifications = { channels };
  return s;
}

/** A PUT that validation refuses: the pipeline emits apply:failed (stage validate). */
async function refusedPut(d: TestDaemon): Promise<void> {
  const s = (await d.api("GET", "/api/state")).body;
  s.haproxy.backends[0].servers[0].weight = 100_000;
  const r = await d.api("PUT", "/api/state", s);
  assert.equal(r.status, 422, r.text);
}

async function deliveries(d: TestDaemon): Promise<any[]> {
  const r = await d.api("GET", "/api/audit?category=notification&limit=100");
  return r.body.entries.filter((e: any) => e.action === "deliver").reverse();
}

Deno.test("notifications - a receiver answering 500, 500, 200 gets the message once, each attempt audited", async () => {
  const rx = startReceiver([500, 500, 200]);
  const web = startBackend("web");
  const fe = freePort();
  const d = await startTestDaemon({
    plugins: [notifications()],
    config: { notifications: { retryBaseMs: 50 } },
    state: stateWith(fe, web.address, [
      { id: "hook", type: "webhook", events: ["apply"], config: { url: `${rx.url}/h` } },
    ]),
  });
  try {
    await refusedPut(d);
    assert.ok(await waitFor(async () => (await deliveries(d)).length === 3, 10_000));
    const audit = await deliveries(d);
    assert.deepEqual(audit.map((e) => e.outcome), ["failure", "failure", "success"]);
    assert.deepEqual(audit.map((e) => e.details.attempt), [1, 2, 3]);
    assert.deepEqual(audit.map((e) => e.details.status), [500, 500, 200]);
    assert.equal(audit[0].details.error, "receiver answered HTTP 500");
    assert.equal(audit[0].target, "hook");
    assert.equal(audit[0].details.event, "apply:failed");
    assert.equal(rx.got.length, 3);
    assert.equal(new Set(rx.got.map((g) => g.body)).size, 1, "the same message each time");
    const notice = JSON.parse(rx.got[2].body);
    assert.equal(notice.title, "apply refused");
    assert.equal(notice.level, "warning");
    assert.match(notice.message, /was refused: state failed validation/);
    // Delivered: nothing more is sent (the next due check finds no pending row).
    const list = await d.api("GET", "/api/notifications/channels");
    assert.equal(list.body.channels[0].lastDelivery.status, "sent");
    assert.equal(list.body.channels[0].lastDelivery.attempts, 3);
    assert.equal(rx.got.length, 3);
  } finally {
    await d.stop();
    await rx.close();
    await web.close();
  }
});

Deno.test("notifications - a hanging receiver does not hold up PUT /api/state, and times out", async () => {
  const hang = startReceiver(["hang"]);
  const slow = startReceiver(["hang"]);
  const web = startBackend("web");
  const fe = freePort();
  const d = await startTestDaemon({
    plugins: [notifications()],
    config: { notifications: { retryBaseMs: 600_000 } },
    state: stateWith(fe, web.address, [
      { id: "hang", type: "webhook", config: { url: `${hang.url}/h`, timeoutMs: 60_000 } },
      { id: "slow", type: "discord", config: { webhookUrl: `${slow.url}/d`, timeoutMs: 300 } },
    ]),
  });
  try {
    await refusedPut(d);
    assert.ok(await waitFor(() => hang.holding === 1, 5000), "the delivery is being held");
    // While the receiver holds the delivery, applies go on: a real change, then another refusal.
    const s = (await d.api("GET", "/api/state")).body;
    s.haproxy.defaults.timeouts.server = "11s"; // a change only a reload applies
    const put = await d.api("PUT", "/api/state", s);
    assert.equal(put.status, 200, put.text);
    assert.equal(put.headers.get("patchpanel-apply"), "reload");
    await refusedPut(d);
    assert.equal(hang.holding, 1, "the PUTs finished while the receiver still held the request");
    // The other channel's receiver hangs too, and its 300 ms timeout fails the attempt.
    assert.ok(
      await waitFor(
        async () =>
          (await deliveries(d)).some((e) => e.target === "slow" && e.outcome === "failure"),
        5000,
      ),
    );
    const failed = (await deliveries(d)).find((e) => e.target === "slow")!;
    assert.equal(failed.details.error, "no answer within 300 ms");
    assert.equal(failed.details.status, null);
  } finally {
    hang.release();
    await d.stop();
    await hang.close();
    await slow.close();
    await web.close();
  }
});

Deno.test("notifications - a delivery pending when the daemon stops arrives after it restarts", async () => {
  const rx = startReceiver([503]);
  const web = startBackend("web");
  const fe = freePort();
  const options = {
    plugins: [notifications()],
    config: { notifications: { retryBaseMs: 3_600_000 } },
  };
  let d: TestDaemon | null = await startTestDaemon({
    ...options,
    state: stateWith(fe, web.address, [
      { id: "hook", type: "webhook", config: { url: `${rx.url}/h` } },
    ]),
  });
  const dataDir = d.dataDir;
  try {
    await refusedPut(d);
    assert.ok(await waitFor(async () => (await deliveries(d!)).length === 1, 5000));
    assert.equal(rx.got.length, 1);
    // The retry is an hour away; the daemon stops with it pending, the receiver recovers.
    await d.stop();
    d = null;
    rx.script = [200];
    d = await startTestDaemon({ ...options, dataDir });
    assert.ok(await waitFor(() => rx.got.length === 2, 10_000), "delivered after the restart");
    assert.equal(rx.got[1].body, rx.got[0].body);
    const audit = await deliveries(d);
    assert.deepEqual(audit.map((e) => [e.details.attempt, e.outcome]), [
      [1, "failure"],
      [2, "success"],
    ]);
  } finally {
    await d?.stop();
    await rx.close();
    await web.close();
  }
});
