// deno-lint-ignore-file no-explicit-any
/**
 * The spec's three notification recipes ("Webhooks / notifications" in
 * backend-integration.txt), verbatim, with curl against a daemon over HTTPS
 * carrying the default plugins; channel `ch-abc` posts to a loopback
 * receiver, which gets the test message and the cert-category dispatch.
 */
import assert from "node:assert/strict";
import { json, withRecipeDaemon } from "./support/recipes.ts";
import { startReceiver } from "./support/receiver.ts";

const CHANNEL_TYPES = String.raw`
curl -fs -H "Authorization: Bearer $PP_TOKEN" \
https://patchpanel.example.com:8099/api/notifications/channel-types
`;

const SEND_TEST = String.raw`
curl -fs -X POST -H "Authorization: Bearer $PP_TOKEN" \
-H 'content-type: application/json' \
-d '{"channelId":"ch-abc"}' \
https://patchpanel.example.com:8099/api/notifications/test
`;

const DISPATCH = String.raw`
curl -fs -X POST -H "Authorization: Bearer $PP_TOKEN" \
-H 'content-type: application/json' \
-d '{"category":"cert","level":"warning","message":"test"}' \
https://patchpanel.example.com:8099/api/notifications/dispatch
`;

Deno.test("spec recipes - notifications: channel types, send a test, manual dispatch", async () => {
  const rx = startReceiver();
  try {
    await withRecipeDaemon(async ({ d, work }) => {
      const state = (await d.api("GET", "/api/state")).body;
      state.notifications.channels.push({
        id: "ch-abc",
        label: "abc",
        type: "webhook",
        events: ["cert"],
        config: { url: `${rx.url}/abc`, secret: "recipe-secret-123" },
      });
      const put = await d.api("PUT", "/api/state", state);
      assert.equal(put.status, 200, put.text);

      const types = await json(d, work, CHANNEL_TYPES);
      assert.deepEqual(types.types.map((t: any) => t.type), [
        "webhook",
        "slack",
        "discord",
        "ntfy",
        "email",
      ]);
      assert.equal(types.types[4].schema.type, "object");

      const test = await json(d, work, SEND_TEST);
      assert.equal(test.ok, true, JSON.stringify(test));
      assert.equal(test.status, 200);
      assert.equal(typeof test.latencyMs, "number");

      const dispatched = await json(d, work, DISPATCH);
      assert.equal(dispatched.dispatched, 1);
      assert.deepEqual(dispatched.results.map((r: any) => [r.channelId, r.ok]), [["ch-abc", true]]);

      assert.equal(rx.got.length, 2);
      assert.equal(JSON.parse(rx.got[0].body).event, "test");
      const manual = JSON.parse(rx.got[1].body);
      assert.deepEqual([manual.category, manual.level, manual.message], [
        "cert",
        "warning",
        "test",
      ]);
    });
  } finally {
    await rx.close();
  }
});
