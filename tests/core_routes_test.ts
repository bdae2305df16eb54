/**
 * The route table as data: every route any plugin (the core included)
 * registers on a started daemon declares a role and a rate tier.
 *
 * @module
 */
import assert from "node:assert/strict";
import { startTestDaemon } from "./support/daemon.ts";
import { defaultPlugins } from "../plugins/mod.ts";

const ROLES = ["public", "viewer", "operator", "admin"];
const TIERS = ["read", "write", "auth"];

Deno.test("routes - every registered route declares a role and a rate tier", async () => {
  const d = await startTestDaemon({ plugins: defaultPlugins() });
  try {
    const routes = d.registry.routes;
    assert.ok(routes.length >= 10, `only ${routes.length} routes registered`);
    const missing = routes
      .filter((r) => !ROLES.includes(r.options?.role) || !TIERS.includes(r.options?.tier))
      .map((r) =>
        `${r.method} ${r.path} (${r.plugin}): role=${r.options?.role} tier=${r.options?.tier}`
      );
    assert.deepEqual(missing, [], `routes without a role or tier:\n${missing.join("\n")}`);
    // Writes never draw from the read bucket.
    const writesOnRead = routes
      .filter((r) => r.method !== "GET" && r.options.tier === "read")
      .map((r) => `${r.method} ${r.path}`);
    assert.deepEqual(writesOnRead, []);

    // The same table is served as data.
    const res = await d.api("GET", "/api/routes");
    assert.equal(res.status, 200);
    assert.equal(res.body.routes.length, routes.length);
    for (const r of res.body.routes) {
      assert.ok(ROLES.includes(r.role) && TIERS.includes(r.tier), JSON.stringify(r));
    }
    for (
      const core of ["GET /api/state", "PUT /api/state", "POST /api/state/plan", "GET /health"]
    ) {
      assert.ok(
        res.body.routes.some((r: { method: string; path: string }) =>
          `${r.method} ${r.path}` === core
        ),
        core,
      );
    }
  } finally {
    await d.stop();
    await Deno.remove(d.dataDir, { recursive: true });
  }
});
