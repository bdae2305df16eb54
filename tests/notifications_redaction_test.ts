// deno-lint-ignore-file no-explicit-any
/**
 * Channel secrets are never returned in clear: a viewer's and an operator's
 * GET /api/state, the apply's own answer, a snapshot and the audit log show
 * the redaction marker or nothing; a read-modify-PUT that sends the marker
 * back keeps the stored secret (the webhook still signs with it); a marker
 * where nothing is stored is a 422 at its path.
 */
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { freePort, simpleState, startBackend, startTestDaemon } from "./support/daemon.ts";
import { startReceiver } from "./support/receiver.ts";
import { notifications } from "../plugins/notifications/mod.ts";
import { REDACTED } from "../core/state/redact.ts";

const SECRETS = [
  "whsec-0123456789abcdef",
  "X-Auth-header-value-42",
  "slack-B0000-TOKEN-zzz",
  "smtp-password-987",
  "ntfy-token-555",
];

Deno.test("notifications - secrets are redacted for every reader and kept by a read-modify-PUT", async () => {
  const rx = startReceiver();
  const web = startBackend("web");
  const fe = freePort();
  const state: any = simpleState(fe, [{ name: "web-1", address: web.address }]);
  state.notifications = {
    channels: [
      {
        id: "hook",
        type: "webhook",
        config: {
          url: `${rx.url}/hook`,
          secret: SECRETS[0],
          headers: [{ name: "Authorization", value: SECRETS[1] }],
        },
      },
      { id: "slack", type: "slack", config: { webhookUrl: `${rx.url}/${SECRETS[2]}` } },
      {
        id: "mail",
        type: "email",
        enabled: false,
        config: {
          host: "127.0.0.1",
          port: 2525,
          username: "alerts",
          password: SECRETS[3],
          from: "pp@example.com",
          to: ["ops@example.com"],
        },
      },
      { id: "ntfy", type: "ntfy", config: { url: `${rx.url}/alerts`, token: SECRETS[4] } },
    ],
  };
  const d = await startTestDaemon({ plugins: [notifications()] });
  try {
    const put = await d.api("PUT", "/api/state", state);
    assert.equal(put.status, 200, put.text);
    const leaks = (text: string) => SECRETS.filter((s) => text.includes(s));
    assert.deepEqual(leaks(put.text), [], "the apply's answer");

    const viewer = await d.mintToken("viewer");
    const operator = await d.mintToken("operator");
    for (const as of [viewer, operator, d.adminToken]) {
      const got = await d.api("GET", "/api/state", undefined, {}, { as });
      assert.equal(got.status, 200);
      assert.deepEqual(leaks(got.text), [], "GET /api/state");
      const ch = got.body.notifications.channels;
      assert.equal(ch[0].config.secret, REDACTED);
      assert.equal(ch[0].config.headers[0].value, REDACTED);
      assert.equal(ch[0].config.url, `${rx.url}/hook`); // not a secret: shown
      assert.equal(ch[1].config.webhookUrl, REDACTED);
      assert.equal(ch[2].config.password, REDACTED);
      assert.equal(ch[3].config.token, REDACTED);
    }
    const snaps = await d.api("GET", "/api/snapshots?limit=5");
    const snap = await d.api("GET", `/api/snapshots/${snaps.body.snapshots[0].id}`);
    assert.equal(snap.status, 200);
    assert.deepEqual(leaks(snap.text), [], "a snapshot");
    const channels = await d.api("GET", "/api/notifications/channels", undefined, {}, {
      as: viewer,
    });
    assert.deepEqual(leaks(channels.text), []);

    // Read, change something else, PUT back with the markers: the secrets stay.
    const read = await d.api("GET", "/api/state");
    const next = read.body;
    next.notifications.channels[0].label = "renamed";
    const back = await d.api("PUT", "/api/state", next, { "if-match": read.headers.get("etag")! });
    assert.equal(back.status, 200, back.text);
    assert.deepEqual(leaks(back.text), []);
    const onDisk = await Deno.readTextFile(`${d.dataDir}/state.json`);
    for (const s of SECRETS) assert.ok(onDisk.includes(s), `state.json keeps ${s}`);
    const test = await d.api("POST", "/api/notifications/test", { channelId: "hook" });
    assert.equal(test.body.ok, true, test.text);
    const hook = rx.got.at(-1)!;
    assert.equal(hook.headers.get("authorization"), SECRETS[1]);
    assert.equal(
      hook.headers.get("x-patchpanel-signature"),
      "sha256=" + createHmac("sha256", SECRETS[0]).update(hook.body).digest("hex"),
    );
    const slack = await d.api("POST", "/api/notifications/test", { channelId: "slack" });
    assert.equal(slack.body.ok, true, slack.text);
    assert.equal(rx.got.at(-1)!.path, `/${SECRETS[2]}`);

    // A marker where nothing is stored (a new channel) is a 422 at its path.
    const fresh = (await d.api("GET", "/api/state")).body;
    fresh.notifications.channels.push({
      id: "new",
      type: "webhook",
      config: { url: `${rx.url}/new`, secret: REDACTED },
    });
    const refused = await d.api("PUT", "/api/state", fresh);
    assert.equal(refused.status, 422, refused.text);
    assert.deepEqual(refused.body.issues[0].path, [
      "notifications",
      "channels",
      4,
      "config",
      "secret",
    ]);
    // A marker is paired by channel id, never by position: a reorder keeps each one's secret.
    const reordered = (await d.api("GET", "/api/state")).body;
    reordered.notifications.channels.reverse();
    assert.equal((await d.api("PUT", "/api/state", reordered)).status, 200);
    const disk = JSON.parse(await Deno.readTextFile(`${d.dataDir}/state.json`));
    const byId = Object.fromEntries(disk.notifications.channels.map((c: any) => [c.id, c]));
    assert.equal(byId.hook.config.secret, SECRETS[0]);
    assert.equal(byId.ntfy.config.token, SECRETS[4]);

    // A PATCH sees what a GET shows: a copy of a secret into a readable field carries the
    // marker, a test cannot confirm a guessed secret, and a marker left in place keeps it.
    const patch = (ops: unknown[]) =>
      d.api("PATCH", "/api/state", ops, { "content-type": "application/json-patch+json" });
    const at = disk.notifications.channels.findIndex((c: any) => c.id === "hook");
    const copied = await patch([{
      op: "copy",
      from: `/notifications/channels/${at}/config/secret`,
      path: `/notifications/channels/${at}/label`,
    }]);
    assert.equal(copied.status, 200, copied.text);
    const afterCopy = JSON.parse(await Deno.readTextFile(`${d.dataDir}/state.json`));
    assert.equal(afterCopy.notifications.channels[at].label, REDACTED);
    assert.equal(afterCopy.notifications.channels[at].config.secret, SECRETS[0]);
    const probe = await patch([
      { op: "test", path: `/notifications/channels/${at}/config/secret`, value: SECRETS[0] },
    ]);
    assert.equal(probe.status, 409, probe.text);
    assert.deepEqual(leaks(probe.text), []);

    const audit = await d.api("GET", "/api/audit?limit=200");
    assert.deepEqual(leaks(audit.text), [], "the audit log");
  } finally {
    await d.stop();
    await rx.close();
    await web.close();
  }
});

Deno.test("notifications - a failed delivery's error does not quote a secret URL", async () => {
  const web = startBackend("web");
  const fe = freePort();
  const closed = freePort(); // nothing listens there: the connection is refused
  const state: any = simpleState(fe, [{ name: "web-1", address: web.address }]);
  state.notifications = {
    channels: [{
      id: "slack",
      type: "slack",
      config: { webhookUrl: `http://127.0.0.1:${closed}/services/T0/B0/secret-path-token` },
    }],
  };
  const d = await startTestDaemon({ plugins: [notifications()], state });
  try {
    const r = await d.api("POST", "/api/notifications/test", { channelId: "slack" });
    assert.equal(r.status, 200);
    assert.equal(r.body.ok, false);
    assert.equal(r.body.status, null);
    assert.match(r.body.error, /^request failed: /);
    assert.ok(!r.text.includes("secret-path-token"), r.text);
    const audit = await d.api("GET", "/api/audit?category=notification");
    assert.equal(audit.body.entries[0].outcome, "failure");
    assert.ok(!audit.text.includes("secret-path-token"), audit.text);
  } finally {
    await d.stop();
    await web.close();
  }
});
