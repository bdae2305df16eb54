/**
 * A plugin's own directories (`dataDirs`) are the plugin's: the core names
 * none of them, yet keeps every state path out of them. A third-party
 * plugin's key directory cannot be served as a file (`http-request return
 * file`) and HAProxy may create nothing in any plugin directory (a stats
 * socket there is refused), each a 422 at the field naming the plugin.
 *
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { definePlugin } from "../mod.ts";
import { freePort, simpleState, startBackend, startTestDaemon } from "./support/daemon.ts";

const vault = definePlugin({
  name: "vault",
  dataDirs: {
    "vault-keys": { holds: "signing keys", keys: true },
    "vault-notes": { holds: "notes" },
  },
});

Deno.test("plugin data dirs - a state can neither serve a plugin's keys nor create files in its directory", async () => {
  const app = startBackend("app");
  const http = freePort();
  const d = await startTestDaemon({
    plugins: [vault],
    state: simpleState(http, [{ name: "s1", address: app.address }]),
  });
  try {
    const keyDir = d.paths.plugin("vault-keys");
    assert.equal(keyDir, join(d.dataDir, "vault-keys"));
    await Deno.mkdir(keyDir, { recursive: true });
    await Deno.writeTextFile(join(keyDir, "signing.pem"), "secret");
    const state = (await d.api("GET", "/api/state")).body;

    const serve = structuredClone(state);
    serve.haproxy.frontends[0].httpRequest = [{
      action: `return status 200 file ${join(keyDir, "signing.pem")}`,
    }];
    const served = await d.api("PUT", "/api/state", serve);
    assert.equal(served.status, 422, served.text);
    assert.deepEqual(served.body.issues[0].path, [
      "haproxy",
      "frontends",
      0,
      "httpRequest",
      0,
      "action",
    ]);

    const socket = structuredClone(state);
    const at = join(d.paths.plugin("vault-notes"), "x.sock");
    socket.haproxy.global.statsSockets = [{ kind: "unix", path: at, level: "user" }];
    const created = await d.api("PUT", "/api/state", socket);
    assert.equal(created.status, 422, created.text);
    const issue = created.body.issues[0];
    assert.deepEqual(issue.path, ["haproxy", "global", "statsSockets", 0, "path"]);
    assert.match(issue.message, /the vault plugin's directory of notes/);

    // Nothing was applied: the state is the one the daemon started with.
    assert.deepEqual((await d.api("GET", "/api/state")).body, state);
  } finally {
    await d.stop();
    await app.close();
  }
});

Deno.test("plugin data dirs - without the declaring plugin the same directory is an ordinary place", async () => {
  const app = startBackend("app");
  const http = freePort();
  const d = await startTestDaemon({
    state: simpleState(http, [{ name: "s1", address: app.address }]),
  });
  try {
    const dir = join(d.dataDir, "vault-notes");
    await Deno.mkdir(dir, { recursive: true });
    const state = (await d.api("GET", "/api/state")).body;
    state.haproxy.global.statsSockets = [{
      kind: "unix",
      path: join(dir, "x.sock"),
      level: "user",
    }];
    const res = await d.api("PUT", "/api/state", state);
    assert.equal(res.status, 200, res.text);
  } finally {
    await d.stop();
    await app.close();
  }
});
