// deno-lint-ignore-file no-explicit-any
/**
 * The backend-integration spec's "Error envelope reference" (one request
 * per row, body shape checked) and "Rate limits" (the `RateLimit-*` headers
 * as `curl -D -` shows them), against a daemon serving HTTPS with the state
 * the recipes name. The other recipes are in spec_recipes_test.ts.
 *
 * @module
 */
import assert from "node:assert/strict";
import { TEST_ADMIN } from "./support/daemon.ts";
import { bash, withRecipeDaemon } from "./support/recipes.ts";

/** Asserts `body` has exactly `keys`, and a non-empty string `error`. */
function shape(body: any, keys: string[], row: string): void {
  assert.deepEqual(Object.keys(body).sort(), [...keys].sort(), `${row}: ${JSON.stringify(body)}`);
  assert.equal(typeof body.error, "string", row);
  assert.ok(body.error.length > 0, row);
}

Deno.test("spec recipes - error envelope: one request per row, each in its documented shape", async () => {
  await withRecipeDaemon(async ({ d }) => {
    const state = (await d.api("GET", "/api/state")).body;

    const r400 = await d.api("GET", "/api/snapshots/not-a-snapshot-id");
    assert.equal(r400.status, 400);
    shape(r400.body, ["error"], "400");

    const r401 = await d.api("GET", "/api/state", undefined, {}, { as: "anonymous" });
    assert.equal(r401.status, 401);
    assert.deepEqual(r401.body, { error: "AuthError", message: "authentication required" });

    const viewer = await d.mintToken("viewer");
    const r403 = await d.api("PUT", "/api/state", state, {}, { as: viewer });
    assert.equal(r403.status, 403);
    shape(r403.body, ["error", "message"], "403");
    assert.equal(r403.body.error, "ForbiddenError");
    assert.equal(typeof r403.body.message, "string");

    const r404 = await d.api("GET", "/api/snapshots/2026-05-17T12-34-56Z-abc1234");
    assert.equal(r404.status, 404);
    shape(r404.body, ["error"], "404");

    const r409 = await d.api(
      "POST",
      "/api/setup/complete",
      {
        username: "second-admin",
        password: TEST_ADMIN.password,
      },
      {},
      { as: "anonymous" },
    );
    assert.equal(r409.status, 409);
    shape(r409.body, ["error"], "409");

    const r422 = await d.api("PUT", "/api/state", {
      ...state,
      haproxy: { ...state.haproxy, frontends: "not-a-list" },
    });
    assert.equal(r422.status, 422);
    shape(r422.body, ["error", "issues"], "422");
    assert.ok(r422.body.issues.length >= 1);
    const issue = r422.body.issues[0];
    assert.deepEqual(issue.path, ["haproxy", "frontends"]);
    assert.equal(typeof issue.code, "string");
    assert.equal(typeof issue.message, "string");

    const refused = structuredClone(state);
    refused.haproxy.backends[0].rawDirectives = ["no-such-keyword"];
    const r502 = await d.api("PUT", "/api/state", refused);
    assert.equal(r502.status, 502);
    shape(r502.body, ["error", "output", "hints"], "502");
    assert.match(r502.body.output, /no-such-keyword/);
    assert.ok(r502.body.hints.length >= 1);
    for (const hint of r502.body.hints) {
      assert.deepEqual(Object.keys(hint).sort(), ["entity", "line", "message", "severity"]);
    }
    // The spec's example entity is {kind, name}; the issue's is {kind, id}: hints carry both.
    assert.ok(
      r502.body.hints.some((h: any) =>
        h.entity?.kind === "backend" && h.entity.id === "web-pool" && h.entity.name === "web-pool"
      ),
      JSON.stringify(r502.body.hints),
    );

    // 503: the stats sampler is not running.
    const sampler = d.registry.services.find((s) => s.plugin === "stats")!.service;
    await sampler.stop();
    const r503 = await d.api("GET", "/api/stats");
    assert.equal(r503.status, 503);
    shape(r503.body, ["error"], "503");
  }, { security: { allowRawDirectives: true } }); // the 502 row uses a raw directive
});

const HEADERS = String.raw`
curl -fs -D - -o /dev/null -H "Authorization: Bearer $PP_TOKEN" \
https://patchpanel.example.com:8099/api/state
curl -fs -D - -o /dev/null -X POST -H "Authorization: Bearer $PP_TOKEN" \
https://patchpanel.example.com:8099/api/runtime/counters/clear
`;

Deno.test("spec recipes - rate limits: RateLimit-Limit, -Remaining and -Reset on reads and writes", async () => {
  await withRecipeDaemon(async ({ d, work }) => {
    const out = await bash(d, work, HEADERS);
    assert.equal(out.code, 0, out.stderr);
    const blocks = out.stdout.split(/\r\n\r\n/).filter((b) => b.trim());
    assert.equal(blocks.length, 2, out.stdout);
    const [read, write] = blocks.map((b) => {
      const h = new Map<string, string>();
      for (const line of b.split("\r\n").slice(1)) {
        const i = line.indexOf(":");
        h.set(line.slice(0, i).toLowerCase(), line.slice(i + 1).trim());
      }
      return h;
    });
    // The spec's defaults, set explicitly (tests run with limits no ordinary test reaches).
    assert.equal(read.get("ratelimit-limit"), "1000");
    assert.equal(write.get("ratelimit-limit"), "60");
    for (const h of [read, write]) {
      const limit = Number(h.get("ratelimit-limit"));
      const remaining = Number(h.get("ratelimit-remaining"));
      const reset = Number(h.get("ratelimit-reset"));
      assert.ok(Number.isInteger(remaining) && remaining >= 0 && remaining < limit);
      assert.ok(Number.isInteger(reset) && reset >= 0 && reset <= 60, h.get("ratelimit-reset"));
    }
  }, { rateLimit: { readMax: 1000, readWindowMs: 60_000, writeMax: 60, writeWindowMs: 60_000 } });
});
