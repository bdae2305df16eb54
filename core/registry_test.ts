import assert from "node:assert/strict";
import { z } from "zod";
import { Registry } from "./registry.ts";
import { StartupError, type StartupErrorCode } from "./errors.ts";
import { definePlugin, type Plugin, type PluginHost } from "./plugin.ts";
import { startTestDaemon } from "../tests/support/daemon.ts";

function throwsCode(fn: () => unknown, code: StartupErrorCode, pattern?: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof StartupError, String(e));
    assert.equal(e.code, code);
    if (pattern) assert.match(e.message, pattern);
    return true;
  });
}

const noop = () => ({ ok: true });
const p = (name: string, extra: Partial<Plugin> = {}): Plugin => definePlugin({ name, ...extra });

Deno.test("Registry - a duplicate plugin name is PLUGIN_DUPLICATE", () => {
  throwsCode(
    () => new Registry([p("stats"), p("geoip"), p("stats")]),
    "PLUGIN_DUPLICATE",
    /'stats'/,
  );
});

Deno.test("Registry - a missing dependency is PLUGIN_MISSING_DEPENDENCY", () => {
  throwsCode(
    () => new Registry([p("certbot", { dependencies: ["tls"] })]),
    "PLUGIN_MISSING_DEPENDENCY",
    /'certbot' needs plugin 'tls'/,
  );
  // Order does not matter, only presence.
  new Registry([p("certbot", { dependencies: ["tls"] }), p("tls")]);
});

Deno.test("Registry - a state key claimed twice is SCHEMA_KEY_CLAIMED", () => {
  const frag = { tls: z.object({}).default({}) };
  throwsCode(
    () => new Registry([p("a", { schema: frag }), p("b", { schema: frag })]),
    "SCHEMA_KEY_CLAIMED",
    /'tls' is claimed by 'a' and 'b'/,
  );
});

Deno.test("Registry - a plugin claiming a core state key is SCHEMA_KEY_CLAIMED", () => {
  for (const key of ["haproxy", "acls", "version"]) {
    throwsCode(
      () => new Registry([p("greedy", { schema: { [key]: z.any() } })]),
      "SCHEMA_KEY_CLAIMED",
      new RegExp(`'${key}' is claimed by 'core' and 'greedy'`),
    );
  }
});

Deno.test("Registry - a config key claimed twice, or a core config key, is SCHEMA_KEY_CLAIMED", () => {
  throwsCode(
    () => new Registry([p("a", { config: { x: z.any() } }), p("b", { config: { x: z.any() } })]),
    "SCHEMA_KEY_CLAIMED",
  );
  throwsCode(
    () => new Registry([p("a", { config: { listen: z.any() } })]),
    "SCHEMA_KEY_CLAIMED",
    /'listen'/,
  );
});

Deno.test("Registry - a route registered twice is ROUTE_DUPLICATE, also under another param name", () => {
  const r = new Registry([p("a"), p("b")]);
  r.route("a", "GET", "/api/things/:id", { role: "viewer", tier: "read" }, noop);
  throwsCode(
    () => r.route("b", "GET", "/api/things/:id", { role: "viewer", tier: "read" }, noop),
    "ROUTE_DUPLICATE",
    /already registered by 'a'/,
  );
  throwsCode(
    () => r.route("b", "GET", "/api/things/:name", { role: "viewer", tier: "read" }, noop),
    "ROUTE_DUPLICATE",
  );
  // Same path, other method: fine.
  r.route("b", "DELETE", "/api/things/:id", { role: "admin", tier: "write" }, noop);
  assert.equal(r.routes.length, 2);
});

Deno.test("Registry - a route without a role or tier is ROUTE_INVALID", () => {
  const r = new Registry([p("a")]);
  // deno-lint-ignore no-explicit-any
  const bad = (o: any) => () => r.route("a", "GET", "/x", o, noop);
  throwsCode(bad({ tier: "read" }), "ROUTE_INVALID", /role and a rate tier/);
  throwsCode(bad({ role: "viewer" }), "ROUTE_INVALID");
  throwsCode(bad({ role: "root", tier: "read" }), "ROUTE_INVALID");
  throwsCode(bad(undefined), "ROUTE_INVALID");
});

Deno.test("Registry - after close, every registration is REGISTRATION_CLOSED", () => {
  const r = new Registry([p("a")]);
  r.close();
  assert.equal(r.closed, true);
  throwsCode(
    () => r.route("a", "GET", "/late", { role: "viewer", tier: "read" }, noop),
    "REGISTRATION_CLOSED",
    /'a' tried to register route GET \/late/,
  );
  throwsCode(() => r.render("a", () => {}), "REGISTRATION_CLOSED");
  throwsCode(() => r.service("a", { name: "s", start() {}, stop() {} }), "REGISTRATION_CLOSED");
});

Deno.test("Registry - a plugin that registers after the daemon started gets REGISTRATION_CLOSED", async () => {
  let host: PluginHost | null = null;
  const late = definePlugin({
    name: "late",
    setup(h) {
      host = h;
      h.route("GET", "/api/late/early", { role: "viewer", tier: "read" }, noop);
    },
  });
  const d = await startTestDaemon({ plugins: [late] });
  try {
    throwsCode(
      () => host!.route("GET", "/api/late/too-late", { role: "viewer", tier: "read" }, noop),
      "REGISTRATION_CLOSED",
    );
    assert.equal((await d.api("GET", "/api/late/early")).status, 200);
    assert.equal((await d.api("GET", "/api/late/too-late")).status, 404);
  } finally {
    await d.stop();
  }
});

Deno.test("Registry - the daemon refuses to start with a clashing plugin set", async () => {
  const clash = definePlugin({
    name: "clash",
    setup(h) {
      h.route("GET", "/api/state", { role: "viewer", tier: "read" }, noop);
    },
  });
  const dataDir = await Deno.makeTempDir({ prefix: "pp-test-" });
  try {
    await assert.rejects(
      () => startTestDaemon({ plugins: [clash], dataDir }),
      (e: unknown) => e instanceof StartupError && e.code === "ROUTE_DUPLICATE",
    );
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("Registry - entity fields: a core key, a field claimed twice, a required one, an unknown entity", () => {
  const opt = z.number().optional();
  throwsCode(
    () => new Registry([p("x", { entityFields: { server: { weight: opt } } })]),
    "SCHEMA_KEY_CLAIMED",
    /field 'weight' of a server is claimed by 'core' and 'x'/,
  );
  throwsCode(
    () =>
      new Registry([
        p("a", { entityFields: { bind: { note: z.string().optional() } } }),
        p("b", { entityFields: { bind: { note: z.string().optional() } } }),
      ]),
    "SCHEMA_KEY_CLAIMED",
    /field 'note' of a bind is claimed by 'a' and 'b'/,
  );
  throwsCode(
    () => new Registry([p("x", { entityFields: { bind: { note: z.string() } } })]),
    "PLUGIN_INVALID",
    /field 'note' of a bind must be optional/,
  );
  throwsCode(
    () =>
      new Registry([
        p("x", { entityFields: { acl: { note: opt } } as unknown as Plugin["entityFields"] }),
      ]),
    "PLUGIN_INVALID",
    /'acl', which is not an extensible entity/,
  );
  // The same field name on two entities is two fields.
  const r = new Registry([p("x", { entityFields: { bind: { n: opt }, server: { n: opt } } })]);
  assert.deepEqual(Object.keys(r.entityFields.bind ?? {}), ["n"]);
  assert.deepEqual(Object.keys(r.entityFields.server ?? {}), ["n"]);
});

Deno.test("Registry - a field role may name the plugin's own entity field, not another's", () => {
  const fields = { server: { maxqueue: z.number().optional() } };
  new Registry([p("q", {
    entityFields: fields,
    fieldRoles: [{ path: "haproxy.backends.*.servers.*.maxqueue", role: "operator" }],
  })]);
  throwsCode(
    () =>
      new Registry([p("q", {
        entityFields: fields,
        fieldRoles: [{ path: "haproxy.backends.*.servers.*.weight", role: "viewer" }],
      })]),
    "FIELD_ROLE_INVALID",
    /outside its own state keys and entity fields/,
  );
});

Deno.test("Registry - data directories: one name, never the core's, claimed once", () => {
  const dirs = (d: Plugin["dataDirs"]) => p("x", { dataDirs: d });
  throwsCode(
    () => new Registry([dirs({ tls: { holds: "keys" } })]),
    "SCHEMA_KEY_CLAIMED",
    /data directory 'tls' is claimed by 'core' and 'x'/,
  );
  throwsCode(
    () => new Registry([dirs({ "../etc": { holds: "x" } })]),
    "PLUGIN_INVALID",
    /'..\/etc' must be one kebab-case name/,
  );
  throwsCode(
    () =>
      new Registry([
        p("a", { dataDirs: { shared: { holds: "a's" } } }),
        p("b", { dataDirs: { shared: { holds: "b's" } } }),
      ]),
    "SCHEMA_KEY_CLAIMED",
    /data directory 'shared' is claimed by 'a' and 'b'/,
  );
  const r = new Registry([dirs({ vault: { holds: "keys", keys: true }, notes: { holds: "n" } })]);
  assert.deepEqual(r.dataDirs, [
    { name: "vault", plugin: "x", holds: "keys", keys: true },
    { name: "notes", plugin: "x", holds: "n", keys: false },
  ]);
});
