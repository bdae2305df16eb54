/**
 * The contract suite can fail: a plugin that renders differently each time,
 * a fragment that changes when parsed again, and a route that answers an
 * unknown entity with a bare 500 are each caught by their clause.
 *
 * @module
 */
import assert from "node:assert/strict";
import { definePlugin, z } from "../mod.ts";
import { startHarness } from "../testing.ts";
import { clauses } from "./plugin_contract.ts";
import { freePort, simpleState } from "./support/daemon.ts";

Deno.test("plugin contract - each clause refuses a plugin that breaks it", async () => {
  let renders = 0;
  const broken = definePlugin({
    name: "broken",
    schema: {
      broken: z.object({ n: z.number().default(0) }).strict().default({ n: 0 })
        .transform((v) => ({ n: v.n + 1 })),
    },
    fieldRoles: [{ path: "broken", role: "admin" }, { path: "broken.*", role: "admin" }],
    setup(host) {
      host.render((model) => {
        model.section("global")?.directives.push({ keyword: `# render ${renders++}`, args: [] });
      });
      host.route("GET", "/api/broken/:id", { role: "viewer", tier: "read" }, () => {
        return new Response("boom", { status: 500 });
      });
    },
  });
  const h = await startHarness({
    plugins: [broken],
    state: simpleState(freePort(), [{ name: "web-1", address: "127.0.0.1:9" }]),
  });
  try {
    assert.equal(h.daemon.url, "", "the harness answers in memory, with no API listener");
    await assert.rejects(clauses.renders(h), /differ/);
    await assert.rejects(clauses.roundTrips(h, "broken"), /changes when parsed again/);
    await assert.rejects(clauses.envelopes(h, "broken"), /unknown entity/);
    clauses.declares(h, "broken"); // its one route declares both
  } finally {
    await h.stop();
  }
});
