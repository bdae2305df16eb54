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
import { join } from "node:path";
import { TEST_ADMIN } from "./support/daemon.ts";
import { makeRootCa } from "./support/pki.ts";
import { bash, json, withRecipeDaemon } from "./support/recipes.ts";

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

/** The spec's "Dry-run validation (no disk write)" recipe, as written ("..." and all). */
const BYO_VALIDATE = String.raw`
curl -fs -X POST -H "Authorization: Bearer $PP_TOKEN" \
-H 'content-type: application/json' \
-d @- https://patchpanel.example.com:8099/api/byo-certs/validate <<EOF
{
"fullchainPem": "...",
"privkeyPem": "..."
}
EOF
`;
/** The same request with real PEMs, read with the spec's upload recipe's awk trick. */
const BYO_VALIDATE_FILES = BYO_VALIDATE
  .replace(
    '"fullchainPem": "..."',
    String.raw`"fullchainPem": "$(awk '{printf "%s\\n", $0}' fullchain.pem)"`,
  )
  .replace(
    '"privkeyPem": "..."',
    String.raw`"privkeyPem": "$(awk '{printf "%s\\n", $0}' privkey.pem)"`,
  );

Deno.test("spec recipes - validate routes: curl -f fails on an invalid PEM (400 {ok: false, error, code}), passes on a valid one", async () => {
  await withRecipeDaemon(async ({ d, work }) => {
    const refused = await bash(d, work, BYO_VALIDATE);
    assert.equal(refused.code, 22, `curl -f: HTTP error\n${refused.stdout}${refused.stderr}`);
    const r400 = await d.api("POST", "/api/byo-certs/validate", {
      fullchainPem: "...",
      privkeyPem: "...",
    });
    assert.equal(r400.status, 400);
    assert.deepEqual(Object.keys(r400.body).sort(), ["code", "error", "ok"]);
    assert.equal(r400.body.ok, false);
    assert.equal(r400.body.code, "not-pem");

    const pki = await Deno.makeTempDir({ prefix: "pp-pki-" });
    try {
      const root = await makeRootCa(pki, "Recipe-Root");
      const leaf = await root.server("internal.test", ["internal.test"]);
      await Deno.writeTextFile(join(work, "fullchain.pem"), leaf.cert);
      await Deno.writeTextFile(join(work, "privkey.pem"), leaf.key);
      const good = await json(d, work, BYO_VALIDATE_FILES);
      assert.equal(good.ok, true);
      assert.deepEqual(good.sans, ["internal.test"]);

      for (const base of ["/api/trusted-cas", "/api/trusted-crls"]) {
        const bad = await d.api("POST", `${base}/validate`, { pem: "not a pem" });
        assert.equal(bad.status, 400, `${base}: ${bad.text}`);
        assert.deepEqual(Object.keys(bad.body).sort(), ["code", "error", "ok"], bad.text);
        assert.equal(bad.body.ok, false);
        assert.equal(bad.body.code, "not-pem");
      }
      const ca = await d.api("POST", "/api/trusted-cas/validate", { pem: root.cert });
      assert.equal(ca.status, 200, ca.text);
      assert.equal(ca.body.ok, true);
      const crl = await d.api("POST", "/api/trusted-crls/validate", { pem: await root.crl() });
      assert.equal(crl.status, 200, crl.text);
      assert.equal(crl.body.ok, true);
    } finally {
      await Deno.remove(pki, { recursive: true });
    }
  });
});

Deno.test("spec recipes - a reload failure is a 502 with one hint per HAProxy problem, naming the bind", async () => {
  await withRecipeDaemon(async ({ d }) => {
    // haproxy -c binds nothing, so a port taken outside the state fails only the reload.
    const taken = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    try {
      const state = (await d.api("GET", "/api/state")).body;
      const port = (taken.addr as Deno.NetAddr).port;
      state.haproxy.frontends[0].binds.push({ address: `127.0.0.1:${port}` });
      const res = await d.api("PUT", "/api/state", state);
      assert.equal(res.status, 502, res.text);
      assert.match(res.body.output, /Paused/, "HAProxy's output keeps its notices");
      assert.equal(res.body.hints.length, 1, JSON.stringify(res.body.hints));
      const [hint] = res.body.hints;
      assert.equal(hint.severity, "error");
      assert.match(hint.message, /cannot bind socket \(Address already in use\)/);
      assert.deepEqual(hint.entity, { kind: "bind", id: "fe-https/1", name: "fe-https/1" });
    } finally {
      taken.close();
    }
  });
});
