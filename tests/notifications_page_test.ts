/**
 * The console's notifications page: the form drawn from the channel type's
 * schema adds a channel through PUT /api/state (a bad URL re-renders the
 * form with the error at the field), the channel is listed with its last
 * delivery, and the send-test button delivers to a loopback receiver.
 */
import assert from "node:assert/strict";
import { freePort, simpleState, startBackend, startTestDaemon } from "./support/daemon.ts";
import { startReceiver } from "./support/receiver.ts";
import { notifications } from "../plugins/notifications/mod.ts";

Deno.test("notifications page - add a webhook channel from the generated form, then send a test", async () => {
  const rx = startReceiver();
  const web = startBackend("web");
  const fe = freePort();
  const d = await startTestDaemon({
    plugins: [notifications()],
    state: simpleState(fe, [{ name: "web-1", address: web.address }]),
  });
  try {
    const s = await d.login();
    const page = (method: string, path: string, form?: Record<string, string>) =>
      fetch(`${d.url}${path}`, {
        method,
        redirect: "manual",
        headers: {
          cookie: s.cookie,
          ...(form ? { "content-type": "application/x-www-form-urlencoded" } : {}),
        },
        body: form ? new URLSearchParams({ _csrf: s.csrfToken, ...form }) : undefined,
      });
    const get = await page("GET", "/notifications?type=webhook");
    const html = await get.text();
    assert.equal(get.status, 200);
    assert.match(html, /Add a Webhook channel/);
    assert.match(html, /name="config\.url"/);
    assert.match(
      html,
      /name="config\.secret"[^>]*type="password"|type="password"[^>]*name="config\.secret"/,
    );

    const fields = {
      _step: "add",
      type: "webhook",
      id: "ops",
      label: "Ops",
      events: "server, apply",
      minLevel: "warning",
      "config.url": "not-a-url",
      "config.secret": "page-secret-1234",
      "config.headers": "X-Team: ops",
      "config.timeoutMs": "2000",
    };
    const bad = await page("POST", "/notifications", fields);
    assert.equal(bad.status, 422);
    assert.match(await bad.text(), /must be an absolute http:\/\/ or https:\/\/ URL/);

    const ok = await page("POST", "/notifications", { ...fields, "config.url": `${rx.url}/ops` });
    assert.equal(ok.status, 303, await ok.text());
    const state = (await d.api("GET", "/api/state")).body;
    const ch = state.notifications.channels[0];
    assert.equal(ch.id, "ops");
    assert.deepEqual(ch.events, ["server", "apply"]);
    assert.equal(ch.minLevel, "warning");
    assert.equal(ch.config.url, `${rx.url}/ops`);
    assert.equal(ch.config.timeoutMs, 2000);
    assert.equal(ch.config.headers[0].name, "X-Team");

    const test = await page("POST", "/notifications", { _step: "test", channelId: "ops" });
    assert.equal(test.status, 303);
    await test.body?.cancel();
    assert.equal(rx.got.length, 1);
    assert.equal(rx.got[0].headers.get("x-team"), "ops");
    const listed = await (await page("GET", "/notifications")).text();
    assert.match(listed, /test message for Ops/);
    assert.ok(!listed.includes("page-secret-1234"));
  } finally {
    await d.stop();
    await rx.close();
    await web.close();
  }
});
