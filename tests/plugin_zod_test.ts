/**
 * A third-party plugin written against `mod.ts` alone: its state fragment is
 * built with the `z` that mod.ts exports (no zod of its own), composes with
 * the core's schema, validates (a 422 at the plugin's path), defaults, and
 * its field role lets an operator change it.
 *
 * @module
 */
import assert from "node:assert/strict";
import { definePlugin, z } from "../mod.ts";
import { freePort, simpleState, startBackend, startTestDaemon } from "./support/daemon.ts";

const motd = definePlugin({
  name: "motd",
  schema: {
    motd: z.object({ text: z.string().max(20).default("") }).strict().default({ text: "" }),
  },
  fieldRoles: [{ path: "motd", role: "operator" }, { path: "motd.*", role: "operator" }],
});

Deno.test("plugin zod - a fragment built with mod.ts's z composes, defaults and validates", async () => {
  const web = startBackend("web");
  const fe = freePort();
  const d = await startTestDaemon({
    plugins: [motd],
    state: simpleState(fe, [{ name: "web-1", address: web.address }]),
  });
  try {
    const got = await d.api("GET", "/api/state");
    assert.deepEqual(got.body.motd, { text: "" }, "defaulted");
    const operator = await d.mintToken("operator");
    const next = { ...got.body, motd: { text: "hello" } };
    const put = await d.api("PUT", "/api/state", next, {}, { as: operator });
    assert.equal(put.status, 200, put.text);
    assert.equal(put.body.motd.text, "hello");
    const long = await d.api("PUT", "/api/state", { ...next, motd: { text: "x".repeat(21) } });
    assert.equal(long.status, 422);
    assert.deepEqual(long.body.issues[0].path, ["motd", "text"]);
  } finally {
    await d.stop();
    await web.close();
  }
});
