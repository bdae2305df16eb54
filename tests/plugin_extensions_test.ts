/**
 * An entity field a plugin gives meaning to (bind and server `tls`, the tls
 * plugin's) is refused with a 422 naming that plugin when it is not loaded,
 * instead of validating and rendering as plain HTTP; with the plugin loaded
 * the same field is the plugin's to judge.
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  freePort,
  simpleState,
  startBackend,
  startTestDaemon,
  type TestDaemon,
  through,
} from "./support/daemon.ts";
import { tlsPlugins } from "./support/tls.ts";
import { definePlugin, z } from "../mod.ts";

type Issue = { path: unknown[]; message: string; params?: { plugin?: string } };

function withTls(port: number, tlsPort: number, server: string) {
  const s = simpleState(port, [{ name: "s1", address: server }]) as {
    haproxy: {
      frontends: { binds: unknown[] }[];
      backends: { servers: Record<string, unknown>[] }[];
    };
  };
  s.haproxy.frontends[0].binds.push({ address: `127.0.0.1:${tlsPort}`, tls: { certs: ["a"] } });
  s.haproxy.backends[0].servers[0].tls = { verify: "none" };
  return s;
}

Deno.test("extensions - bind and server tls without the tls plugin are a 422 naming it; nothing is applied", async () => {
  const app = startBackend("app");
  const [http, https] = [freePort(), freePort()];
  const d = await startTestDaemon({
    state: simpleState(http, [{ name: "s1", address: app.address }]),
  });
  try {
    const before = await d.api("GET", "/api/state");
    const res = await d.api("PUT", "/api/state", withTls(http, https, app.address));
    assert.equal(res.status, 422, res.text);
    const issues = res.body.issues as Issue[];
    const at = (path: unknown[]) =>
      issues.find((i) => JSON.stringify(i.path) === JSON.stringify(path));
    const bind = at(["haproxy", "frontends", 0, "binds", 1, "tls"]);
    const server = at(["haproxy", "backends", 0, "servers", 0, "tls"]);
    assert.ok(bind && server, res.text);
    for (const i of [bind, server]) {
      assert.equal(i.params?.plugin, "tls");
      assert.match(i.message, /needs the tls plugin, which is not loaded/);
    }
    // Nothing changed: the same state, and no listener on the would-be TLS port.
    assert.deepEqual((await d.api("GET", "/api/state")).body, before.body);
    assert.equal((await through(http)).status, 200);
    await assert.rejects(
      Deno.connect({ hostname: "127.0.0.1", port: https }).then((c) => c.close()),
    );
  } finally {
    await d.stop();
    await app.close();
  }
});

Deno.test("extensions - with the tls plugin loaded, bind tls is the plugin's to check", async () => {
  const app = startBackend("app");
  const [http, https] = [freePort(), freePort()];
  const d = await startTestDaemon({ plugins: tlsPlugins() });
  try {
    const res = await d.api("PUT", "/api/state", withTls(http, https, app.address));
    assert.equal(res.status, 422, res.text);
    const issues = res.body.issues as Issue[];
    assert.ok(issues.every((i) => i.params?.plugin === undefined), res.text);
    assert.ok(issues.some((i) => /certificate 'a' does not exist/.test(i.message)), res.text);
  } finally {
    await d.stop();
    await app.close();
  }
});

/**
 * A third-party plugin's own server field, through `entityFields` alone: it
 * validates, its field role lets an operator set it, its render hook writes
 * it, and the running HAProxy has it (`qlimit` in `show stat`).
 */
const queueLimit = definePlugin({
  name: "queue-limit",
  entityFields: { server: { maxqueue: z.number().int().min(1).max(100_000).optional() } },
  fieldRoles: [{ path: "haproxy.backends.*.servers.*.maxqueue", role: "operator" }],
  setup(host) {
    host.render((model, state) => {
      for (const be of state.haproxy.backends) {
        for (const s of be.servers) {
          const limit = (s as { maxqueue?: number }).maxqueue;
          if (limit === undefined) continue;
          for (const dir of model.directivesOf({ kind: "server", id: `${be.id}/${s.name}` })) {
            if (dir.keyword === "server") dir.args.push("maxqueue", String(limit));
          }
        }
      }
    });
  },
});

/** The `qlimit` column of `show stat` for one server. */
async function qlimit(d: TestDaemon, sv: string) {
  const stat = await d.haproxy.admin("show stat");
  assert.ok(stat.ok);
  const lines = stat.output.trim().split("\n");
  const head = lines[0].replace(/^# /, "").split(",");
  const row = lines.map((l) => l.split(",")).find((c) => c[0] === "app" && c[1] === sv);
  return row?.[head.indexOf("qlimit")];
}

Deno.test("extensions - a third-party plugin's server field validates, is the operator's, and HAProxy runs it", async () => {
  const app = startBackend("app");
  const http = freePort();
  const d = await startTestDaemon({
    plugins: [queueLimit],
    state: simpleState(http, [{ name: "s1", address: app.address }]),
  });
  try {
    const state = (await d.api("GET", "/api/state")).body;
    state.haproxy.backends[0].servers[0].maxqueue = 42;
    const operator = await d.mintToken("operator");
    const res = await d.api("PUT", "/api/state", state, {
      authorization: `Bearer ${operator}`,
    });
    assert.equal(res.status, 200, res.text);
    assert.equal(await qlimit(d, "s1"), "42");
    assert.equal((await through(http)).status, 200);

    // Still validated by the plugin's schema: a bad value is a 422 at its path, nothing applied.
    state.haproxy.backends[0].servers[0].maxqueue = 0;
    const bad = await d.api("PUT", "/api/state", state);
    assert.equal(bad.status, 422, bad.text);
    assert.deepEqual(
      (bad.body.issues as Issue[]).map((i) => i.path.join(".")),
      ["haproxy.backends.0.servers.0.maxqueue"],
    );
    assert.equal(await qlimit(d, "s1"), "42");
  } finally {
    await d.stop();
    await app.close();
  }
});

Deno.test("extensions - without the plugin, its server field is an unknown key at its path", async () => {
  const app = startBackend("app");
  const http = freePort();
  const d = await startTestDaemon({
    state: simpleState(http, [{ name: "s1", address: app.address }]),
  });
  try {
    const state = (await d.api("GET", "/api/state")).body;
    state.haproxy.backends[0].servers[0].maxqueue = 42;
    const res = await d.api("PUT", "/api/state", state);
    assert.equal(res.status, 422, res.text);
    const issue = (res.body.issues as (Issue & { keys?: string[] })[])[0];
    assert.deepEqual(issue.path, ["haproxy", "backends", 0, "servers", 0]);
    assert.deepEqual(issue.keys, ["maxqueue"]);
  } finally {
    await d.stop();
    await app.close();
  }
});

/**
 * A frontend field placed at a named slot: `banner` answers `/banner` from
 * HAProxy itself, inserted before the frontend's own rules.
 */
const banner = definePlugin({
  name: "banner",
  entityFields: {
    frontend: { banner: z.string().regex(/^[A-Za-z0-9 ]{1,64}$/).optional() },
  },
  fieldRoles: [{ path: "haproxy.frontends.*.banner", role: "operator" }],
  setup(host) {
    host.render((model, state) => {
      for (const fe of state.haproxy.frontends) {
        const text = (fe as { banner?: string }).banner;
        const section = model.section("frontend", fe.id);
        if (text === undefined || !section) continue;
        model.insert(section, "before-rules", [{
          keyword: "http-request",
          args: [
            "return",
            "status",
            "200",
            "content-type",
            "text/plain",
            "string",
            `"${text}"`,
            "if",
            "{ path /banner }",
          ],
          entity: { kind: "frontend", id: fe.id },
        }]);
      }
    });
  },
});

Deno.test("extensions - a frontend field rendered at a named slot answers through HAProxy", async () => {
  const app = startBackend("app");
  const http = freePort();
  const d = await startTestDaemon({
    plugins: [banner],
    state: simpleState(http, [{ name: "s1", address: app.address }]),
  });
  try {
    const state = (await d.api("GET", "/api/state")).body;
    state.haproxy.frontends[0].banner = "hello from the edge";
    const res = await d.api("PUT", "/api/state", state);
    assert.equal(res.status, 200, res.text);
    const got = await fetch(`http://127.0.0.1:${http}/banner`);
    assert.deepEqual([got.status, await got.text()], [200, "hello from the edge"]);
    assert.equal((await through(http)).body, "app");
    assert.equal(
      (await d.api("GET", "/api/state")).body.haproxy.frontends[0].banner,
      "hello from the edge",
    );
  } finally {
    await d.stop();
    await app.close();
  }
});
