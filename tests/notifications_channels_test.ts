// deno-lint-ignore-file no-explicit-any
/**
 * The notifications plugin's channel types against real loopback receivers:
 * exact webhook, Slack, Discord and ntfy payloads, the webhook's HMAC over
 * the exact body, custom headers; per-type validation naming the field; the
 * test and dispatch routes' answers and refusals; channels are admin-only.
 */
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { freePort, simpleState, startBackend, startTestDaemon } from "./support/daemon.ts";
import { startReceiver } from "./support/receiver.ts";
import { notifications } from "../plugins/notifications/mod.ts";

function stateWith(fe: number, server: string, channels: unknown[]): any {
  const s: any = simpleState(fe, [{ name: "web-1", address: server }]);
  s.notifications = { channels };
  return s;
}

Deno.test("notifications - webhook, slack, discord and ntfy receive exact payloads; webhook is signed", async () => {
  const rx = startReceiver();
  const web = startBackend("web");
  const fe = freePort();
  const channels = [
    {
      id: "hook",
      label: "Ops hook",
      type: "webhook",
      config: {
        url: `${rx.url}/hook`,
        secret: "hmac-secret-0123456789",
        headers: [{ name: "X-Team", value: "ops" }],
      },
    },
    { id: "slack", type: "slack", config: { webhookUrl: `${rx.url}/slack/T000/B000/XXXX` } },
    { id: "discord", type: "discord", config: { webhookUrl: `${rx.url}/discord/1/abc` } },
    { id: "ntfy", type: "ntfy", config: { url: `${rx.url}/alerts`, token: "tk_ntfy_secret" } },
  ];
  const d = await startTestDaemon({
    plugins: [notifications()],
    config: { notifications: { consoleUrl: "https://lb.test:8099" } },
    state: stateWith(fe, web.address, channels),
  });
  try {
    for (const id of ["hook", "slack", "discord", "ntfy"]) {
      const r = await d.api("POST", "/api/notifications/test", { channelId: id });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body.ok, true, `${id}: ${r.text}`);
      assert.equal(r.body.status, 200);
      assert.equal(typeof r.body.latencyMs, "number");
    }
    assert.equal(rx.got.length, 4);
    const [hook, slack, discord, ntfy] = rx.got;

    // Webhook: the notice as JSON, signed over the exact bytes received, custom header kept.
    assert.equal(hook.path, "/hook");
    assert.equal(hook.headers.get("content-type"), "application/json");
    assert.equal(hook.headers.get("x-team"), "ops");
    const expected = "sha256=" +
      createHmac("sha256", "hmac-secret-0123456789").update(hook.body).digest("hex");
    assert.equal(hook.headers.get("x-patchpanel-signature"), expected);
    const notice = JSON.parse(hook.body);
    assert.deepEqual(Object.keys(notice), [
      "source",
      "event",
      "category",
      "level",
      "title",
      "message",
      "entity",
      "at",
      "count",
      "link",
    ]);
    assert.equal(notice.source, "patchpanel");
    assert.equal(notice.event, "test");
    assert.equal(notice.level, "info");
    assert.equal(notice.title, "test message for Ops hook");
    assert.equal(notice.entity, "hook");
    assert.equal(notice.count, 1);
    assert.equal(notice.link, "https://lb.test:8099/notifications");
    assert.ok(!Number.isNaN(Date.parse(notice.at)));

    // Slack: {text}, the plain-text rendering.
    assert.equal(slack.path, "/slack/T000/B000/XXXX");
    const s = JSON.parse(slack.body);
    assert.deepEqual(Object.keys(s), ["text"]);
    const actor = "token:" + d.adminToken.replace(/^pp_/, "").split(".")[0];
    assert.equal(
      s.text,
      [
        "[INFO] test message for slack",
        `A test notification sent by ${actor} from patchpanel.`,
        "where: slack",
        `when: ${/when: (\S+)/.exec(s.text)?.[1]}`,
        "https://lb.test:8099/notifications",
      ].join("\n"),
    );

    // Discord: {username, content}.
    assert.equal(discord.path, "/discord/1/abc");
    const dc = JSON.parse(discord.body);
    assert.deepEqual(Object.keys(dc), ["username", "content"]);
    assert.equal(dc.username, "patchpanel");
    assert.match(dc.content, /^\[INFO\] test message for discord\n/);

    // ntfy: JSON publish to the server root with the topic inside, token as Bearer.
    assert.equal(ntfy.path, "/");
    assert.equal(ntfy.headers.get("authorization"), "Bearer tk_ntfy_secret");
    const n = JSON.parse(ntfy.body);
    assert.equal(n.topic, "alerts");
    assert.equal(n.title, "test message for ntfy");
    assert.equal(n.priority, 3);
    assert.deepEqual(n.tags, ["information_source"]);
    assert.equal(n.click, "https://lb.test:8099/notifications");

    // Every attempt is audited under category notification, without a secret in it.
    const audit = await d.api("GET", "/api/audit?category=notification&limit=50");
    assert.equal(audit.status, 200);
    assert.equal(audit.body.entries.length, 4, audit.text);
    assert.ok(audit.body.entries.every((e: any) => e.action === "test" && e.outcome === "success"));
    assert.ok(!audit.text.includes("hmac-secret"));
    assert.ok(!audit.text.includes("tk_ntfy_secret"));
    assert.ok(!audit.text.includes("XXXX"));
  } finally {
    await d.stop();
    await rx.close();
    await web.close();
  }
});

Deno.test("notifications - config is validated per type; test and dispatch refuse what they must", async () => {
  const rx = startReceiver();
  const web = startBackend("web");
  const fe = freePort();
  const d = await startTestDaemon({
    plugins: [notifications()],
    state: stateWith(fe, web.address, [
      { id: "a", type: "webhook", config: { url: `${rx.url}/a` } },
      { id: "off", type: "webhook", enabled: false, config: { url: `${rx.url}/off` } },
      { id: "certs", type: "webhook", events: ["cert"], config: { url: `${rx.url}/certs` } },
      {
        id: "errors",
        type: "webhook",
        minLevel: "error",
        config: { url: `${rx.url}/errors` },
      },
    ]),
  });
  try {
    const current = (await d.api("GET", "/api/state")).body;
    const bad = structuredClone(current);
    bad.notifications.channels.push(
      { id: "b", type: "slack", config: { webhookUrl: "ftp://x" } },
    );
    bad.notifications.channels[2].config.url = "not a url";
    const r = await d.api("PUT", "/api/state", bad);
    assert.equal(r.status, 422, r.text);
    const paths = r.body.issues.map((i: any) => i.path.join("."));
    assert.ok(paths.includes("notifications.channels.2.config.url"), paths.join(" "));
    assert.ok(paths.includes("notifications.channels.4.config.webhookUrl"), paths.join(" "));

    const unknownType = structuredClone(current);
    unknownType.notifications.channels[0].type = "pager";
    assert.equal((await d.api("PUT", "/api/state", unknownType)).status, 422);
    const twice = structuredClone(current);
    twice.notifications.channels[1].id = "a";
    const t = await d.api("PUT", "/api/state", twice);
    assert.equal(t.status, 422);
    assert.ok(t.text.includes("used twice"));

    // Channels are admin-only: an operator's PUT that adds one is a 403 naming the paths.
    const op = await d.mintToken("operator");
    const more = structuredClone(current);
    more.notifications.channels.push({ id: "x", type: "webhook", config: { url: `${rx.url}/x` } });
    const f = await d.api("PUT", "/api/state", more, {}, { as: op });
    assert.equal(f.status, 403, f.text);
    assert.equal(f.body.need, "admin");
    assert.ok(f.body.paths.some((p: string) => p.startsWith("notifications.channels.4")));

    // test: unknown 404, disabled 409, body without channelId 400.
    assert.equal(
      (await d.api("POST", "/api/notifications/test", { channelId: "nope" }, {}, { as: op }))
        .status,
      404,
    );
    assert.equal(
      (await d.api("POST", "/api/notifications/test", { channelId: "off" })).status,
      409,
    );
    assert.equal((await d.api("POST", "/api/notifications/test", {})).status, 400);

    // dispatch: bad level or empty message 400; viewers may not; operators may.
    const viewer = await d.mintToken("viewer");
    const post = (body: unknown, as: string = op) =>
      d.api("POST", "/api/notifications/dispatch", body, {}, { as });
    assert.equal((await post({ category: "cert", level: "loud", message: "x" })).status, 400);
    assert.equal((await post({ category: "cert", level: "info", message: "   " })).status, 400);
    assert.equal((await post({ category: "cert", level: "info" })).status, 400);
    assert.equal(
      (await post({ category: "cert", level: "info", message: "x" }, viewer)).status,
      403,
    );
    const ok = await post({ category: "cert", level: "warning", message: "renewal soon" });
    assert.equal(ok.status, 200, ok.text);
    // a (all events) and certs (category cert) match; off is disabled; errors wants error level.
    assert.deepEqual(ok.body.results.map((x: any) => x.channelId).sort(), ["a", "certs"]);
    assert.ok(ok.body.results.every((x: any) => x.ok && x.status === 200));
    const manual = rx.got.filter((g) => JSON.parse(g.body).event === "manual");
    assert.deepEqual(manual.map((g) => g.path).sort(), ["/a", "/certs"]);
    const sent = JSON.parse(manual[0].body);
    assert.equal(sent.category, "cert");
    assert.equal(sent.level, "warning");
    assert.equal(sent.message, "renewal soon");

    const types = await d.api("GET", "/api/notifications/channel-types", undefined, {}, {
      as: viewer,
    });
    assert.equal(types.status, 200);
    assert.deepEqual(types.body.types.map((x: any) => x.type), [
      "webhook",
      "slack",
      "discord",
      "ntfy",
      "email",
    ]);
    const hook = types.body.types[0];
    assert.equal(hook.label, "Webhook");
    assert.deepEqual(hook.schema.required, ["url"]);
    assert.ok(hook.schema.properties.secret);
    assert.deepEqual(hook.secrets, ["secret", "headers.*.value"]);
    assert.ok(types.body.events.includes("server:down"));

    const list = await d.api("GET", "/api/notifications/channels", undefined, {}, { as: viewer });
    assert.equal(list.status, 200);
    // Each channel's last delivery: the dispatch for those it reached, nothing for the others.
    const by = Object.fromEntries(list.body.channels.map((c: any) => [c.id, c]));
    assert.equal(by.certs.lastDelivery.title, "renewal soon");
    assert.equal(by.certs.lastDelivery.status, "sent");
    assert.equal(by.errors.lastDelivery, null);
    assert.equal(by.a.config, undefined);
  } finally {
    await d.stop();
    await rx.close();
    await web.close();
  }
});

Deno.test("notifications - a channel's JSON is in schema order whatever the input's order (ETag)", async () => {
  const { NotificationsState } = await import("../plugins/notifications/schema.ts");
  const reversed = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(reversed)
      : v && typeof v === "object"
      ? Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, reversed(x)]))
      : v;
  const input = {
    channels: [
      {
        id: "h",
        type: "webhook",
        config: { url: "http://127.0.0.1:1/x", headers: [{ name: "A", value: "b" }] },
      },
      { id: "m", type: "email", config: { host: "127.0.0.1", from: "a@b.c", to: ["d@e.f"] } },
      { id: "n", type: "ntfy", minLevel: "error", config: { url: "http://127.0.0.1:1/t" } },
    ],
  };
  const a = JSON.stringify(NotificationsState.parse(input));
  assert.equal(JSON.stringify(NotificationsState.parse(reversed(input))), a);
  assert.equal(JSON.stringify(NotificationsState.parse(reversed(JSON.parse(a)))), a);
});
