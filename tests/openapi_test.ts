// deno-lint-ignore-file no-explicit-any
/**
 * `GET /openapi.json` is public, validates as OpenAPI 3.1 with a maintained
 * validator, lists every registered route (core, default plugins, a
 * third-party one) with its role and tier, declares the three security
 * schemes and the error envelopes, and carries the state schema as composed
 * from the loaded plugins (a plugin's state key shows up in it).
 *
 * @module
 */
import assert from "node:assert/strict";
import { Validator } from "@seriousme/openapi-schema-validator";
import { z } from "zod";
import { definePlugin } from "../core/plugin.ts";
import { defaultPlugins } from "../plugins/mod.ts";
import { startTestDaemon } from "./support/daemon.ts";

const extra = definePlugin({
  name: "openapi-extra",
  schema: { widgets: z.object({ count: z.number().int().default(0) }).default({ count: 0 }) },
  setup(host) {
    host.route("POST", "/api/widgets/:id/spin", {
      role: "operator",
      tier: "write",
      summary: "Spin a widget",
      request: z.object({ turns: z.number().int().min(1) }),
      query: z.object({ dryRun: z.string().optional() }),
      response: z.object({ spun: z.boolean() }),
    }, () => ({ spun: true }));
  },
});

Deno.test("openapi - /openapi.json is a valid OpenAPI 3.1 document with every route", async () => {
  const d = await startTestDaemon({ plugins: [...defaultPlugins(), extra] });
  try {
    const res = await d.api("GET", "/openapi.json", undefined, {}, { as: "anonymous" });
    assert.equal(res.status, 200, res.text);
    const doc = res.body;
    const validator = new Validator();
    const verdict = await validator.validate(structuredClone(doc));
    assert.equal(validator.version, "3.1");
    assert.ok(verdict.valid, JSON.stringify(verdict.errors, null, 2)?.slice(0, 2000));

    assert.ok(d.registry.routes.length > 30, "the default plugin set registers many routes");
    for (const route of d.registry.routes) {
      const path = route.path.replace(/:([^/]+)/g, "{$1}");
      const op = doc.paths[path]?.[route.method.toLowerCase()];
      assert.ok(op, `${route.method} ${route.path} is in the document`);
      assert.equal(op["x-patchpanel-role"], route.options.role);
      assert.equal(op["x-patchpanel-tier"], route.options.tier);
      assert.deepEqual(op.tags, [route.plugin]);
      assert.deepEqual(op.security.length === 0, route.options.role === "public", route.path);
    }
    const spin = doc.paths["/api/widgets/{id}/spin"].post;
    assert.deepEqual(spin.parameters.map((p: any) => [p.name, p.in]), [
      ["id", "path"],
      ["dryRun", "query"],
    ]);
    assert.equal(spin.requestBody.content["application/json"].schema.properties.turns.minimum, 1);
    assert.equal(
      spin.responses["200"].content["application/json"].schema.properties.spun.type,
      "boolean",
    );

    const schemes = doc.components.securitySchemes;
    assert.equal(schemes.session.in, "cookie");
    assert.equal(schemes.token.scheme, "bearer");
    assert.equal(schemes.peer.scheme, "bearer");
    for (const name of ["Error", "AuthError", "ValidationError", "InternalError", "HaproxyError"]) {
      assert.ok(doc.components.schemas[name], name);
    }
    const state = doc.components.schemas.State;
    assert.ok(state.properties.widgets, "a plugin's state key is in the composed state schema");
    assert.ok(state.properties.tls, "so are the default plugins' keys");
    assert.ok(state.properties.haproxy);
  } finally {
    await d.stop();
  }
});
