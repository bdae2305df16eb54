/**
 * maintenance-window passes the plugin contract suite, answers 503 with its
 * message through HAProxy while switched on (and proxies again when off),
 * and its custom build (`main.ts`) loads it beside the default plugins.
 *
 * @module
 */
import assert from "node:assert/strict";
import { startHarness } from "../../testing.ts";
import { pluginContract } from "../../tests/plugin_contract.ts";
import maintenanceWindow from "./plugin.ts";

/** A free TCP port on 127.0.0.1 (bound, then released). */
function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

/** One frontend on `port` in front of one server at `server`. */
function stateFor(port: number, server: string, maintenance: unknown) {
  return {
    version: 1,
    haproxy: {
      defaults: { mode: "http", timeouts: { connect: "2s", client: "10s", server: "10s" } },
      frontends: [{ id: "fe", binds: [{ address: `127.0.0.1:${port}` }], defaultBackend: "app" }],
      backends: [{
        id: "app",
        balance: { algorithm: "roundrobin" },
        servers: [{ name: "app-1", address: server, check: false }],
      }],
    },
    acls: [],
    maintenance,
  };
}

/** GET through HAProxy on a fresh connection (an old worker may keep a pooled one). */
async function get(port: number): Promise<{ status: number; text: string }> {
  const client = Deno.createHttpClient({});
  try {
    const res = await fetch(`http://127.0.0.1:${port}/`, { client });
    return { status: res.status, text: await res.text() };
  } finally {
    client.close();
  }
}

pluginContract({
  plugin: maintenanceWindow,
  state: () => stateFor(freePort(), "127.0.0.1:9", { enabled: true, message: "Back soon" }),
});

Deno.test("maintenance-window - on, every frontend answers 503 with the message; off, it proxies", async () => {
  const app = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    () => new Response("app"),
  );
  const server = `127.0.0.1:${app.addr.port}`;
  const port = freePort();
  const on = { enabled: true, message: "Back at 10:00" };
  const h = await startHarness({
    plugins: [maintenanceWindow()],
    state: stateFor(port, server, on),
  });
  try {
    assert.deepEqual(await get(port), { status: 503, text: "Back at 10:00" });
    const shown = await h.request("GET", "/api/maintenance", undefined, { as: "viewer" });
    assert.deepEqual(shown.body, on);
    const off = await h.request("PUT", "/api/state", stateFor(port, server, { enabled: false }), {
      as: "operator",
    });
    assert.equal(off.status, 200, off.text);
    assert.deepEqual(await get(port), { status: 200, text: "app" });
    const bad = await h.request("PUT", "/api/state", stateFor(port, server, { message: 'a"b' }));
    assert.equal(bad.status, 422, bad.text);
    assert.deepEqual((bad.body as { issues: { path: string[] }[] }).issues[0].path, [
      "maintenance",
      "message",
    ]);
  } finally {
    await h.stop();
    await app.shutdown();
  }
});

Deno.test("maintenance-window - the custom build's render carries the plugin", async () => {
  const dir = await Deno.makeTempDir({ prefix: "pp-example-" });
  try {
    const file = `${dir}/state.json`;
    const state = stateFor(freePort(), "127.0.0.1:9", { enabled: true, message: "Closed" });
    await Deno.writeTextFile(file, JSON.stringify(state));
    const main = new URL("./main.ts", import.meta.url).pathname;
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", main, "render", "--state", file],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(out.stdout);
    assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
    assert.match(text, /http-request return status 503 content-type text\/plain string "Closed"/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
