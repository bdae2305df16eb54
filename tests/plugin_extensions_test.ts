/**
 * An entity field a plugin gives meaning to (bind and server `tls`, the tls
 * plugin's) is refused with a 422 naming that plugin when it is not loaded,
 * instead of validating and rendering as plain HTTP; with the plugin loaded
 * the same field is the plugin's to judge.
 *
 * @module
 */
import assert from "node:assert/strict";
import { freePort, simpleState, startBackend, startTestDaemon, through } from "./support/daemon.ts";
import { tlsPlugins } from "./support/tls.ts";

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
