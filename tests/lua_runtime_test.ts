/**
 * Lua plugins at run time: a plugin's functions run in HAProxy's workers
 * as the unprivileged account (a root daemon; the worker cannot start a
 * program either), while the script's top level runs where HAProxy loads
 * it, in the root master, as the README says; and a plugin's script
 * replaced while traffic flows fails no request, with the new behaviour
 * live once the upload answers.
 *
 * @module
 */
import assert from "node:assert/strict";
import { freePort, startTestDaemon } from "./support/daemon.ts";
import { echoBackend, luaState, send, withManifest } from "./support/lua.ts";
import { lua } from "../plugins/lua/mod.ts";

const asRoot = Deno.uid() === 0;

const WHOAMI = `
local function uid()
  local f = io.open("/proc/self/status")
  local s = f:read("*a")
  f:close()
  return s:match("Uid:%s+(%d+)")
end
local load_uid = uid()
core.register_service("whoami", "http", function(applet)
  local ok = pcall(function() local p = io.popen("id -u"); p:read("*l"); p:close() end)
  applet:set_status(200)
  applet:add_header("x-uid", uid())
  applet:add_header("x-load-uid", load_uid)
  applet:add_header("x-popen", ok and "ran" or "refused")
  applet:add_header("content-length", "0")
  applet:start_response()
end)`;

Deno.test({
  name: "lua runtime - a plugin's functions run as the haproxy account and cannot fork",
  ignore: !asRoot,
  fn: async () => {
    const app = echoBackend("app", "x");
    const fe = freePort();
    const d = await startTestDaemon({ plugins: [lua()] });
    try {
      const manifest = {
        name: "whoami",
        version: "1",
        registers: [{ kind: "service", name: "whoami" }],
      };
      const up = await d.api("POST", "/api/lua-plugins", {
        name: "whoami",
        script: withManifest(manifest, WHOAMI),
      });
      assert.equal(up.status, 200, up.text);
      const state = luaState(
        [{ id: "fe", port: fe, rules: ["use-service lua.whoami"] }],
        app.address,
        [{ name: "whoami" }],
      );
      assert.equal((await d.api("PUT", "/api/state", state)).status, 200);
      const passwd = await Deno.readTextFile("/etc/passwd");
      const haproxyUid = passwd.split("\n").find((l) => l.startsWith("haproxy:"))!.split(":")[2];
      const res = await send(fe);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get("x-uid"), haproxyUid, "the worker runs Lua as haproxy");
      assert.notEqual(haproxyUid, "0");
      assert.equal(res.headers.get("x-popen"), "refused", "a worker cannot start a program");
      // The script's top level ran while the root master loaded it (documented in the README).
      assert.equal(res.headers.get("x-load-uid"), "0");
    } finally {
      await d.stop();
      await app.close();
    }
  },
});

const stamp = (version: string) =>
  withManifest(
    { name: "stamp", version, registers: [{ kind: "service", name: "stamp" }] },
    `local body = "${version}"
core.register_service("stamp", "http", function(applet)
  applet:set_status(200)
  applet:add_header("content-length", tostring(#body))
  applet:start_response()
  applet:send(body)
end)`,
  );

Deno.test("lua runtime - replacing a script under traffic fails no request; the new one is live", async () => {
  const app = echoBackend("app", "x");
  const fe = freePort();
  const d = await startTestDaemon({ plugins: [lua()] });
  try {
    const v1 = await d.api("POST", "/api/lua-plugins", { name: "stamp", script: stamp("v1") });
    assert.equal(v1.status, 200, v1.text);
    assert.equal(v1.body.applied, false, "not in the state yet: nothing to apply");
    const state = luaState(
      [{ id: "fe", port: fe, rules: ["use-service lua.stamp"] }],
      app.address,
      [{ name: "stamp" }],
    );
    assert.equal((await d.api("PUT", "/api/state", state)).status, 200);
    assert.equal((await send(fe)).body, "v1");

    let running = true;
    const seen: { status: number; body: string }[] = [];
    const traffic = (async () => {
      while (running) seen.push(await send(fe));
    })();
    while (seen.length < 20) await new Promise((r) => setTimeout(r, 10));
    const v2 = await d.api("POST", "/api/lua-plugins?replace=true", {
      name: "stamp",
      script: stamp("v2"),
    });
    assert.equal(v2.status, 200, v2.text);
    assert.equal(v2.body.replaced, true);
    assert.equal(v2.body.applied, true);
    assert.notEqual(v2.body.hash, v1.body.hash);
    assert.equal((await send(fe)).body, "v2", "the new script answers right after the upload");
    const after = seen.length;
    while (seen.length < after + 20) await new Promise((r) => setTimeout(r, 10));
    running = false;
    await traffic;

    const failed = seen.filter((r) => r.status !== 200 || !/^v[12]$/.test(r.body));
    assert.deepEqual(failed, [], `${failed.length} of ${seen.length} requests failed`);
    assert.equal(seen.at(-1)!.body, "v2");
    // The cfg loads the new bytes, and the replaced file is gone.
    const cfg = await Deno.readTextFile(d.paths.cfg);
    assert.ok(cfg.includes(`${v2.body.hash}.lua`));
    const files = [...Deno.readDirSync(`${d.paths.plugin("lua")}/scripts`)].map((e) => e.name);
    assert.deepEqual(files, [`${v2.body.hash}.lua`]);
  } finally {
    await d.stop();
    await app.close();
  }
});

Deno.test("lua runtime - a state with Lua plugins is adopted again after a daemon restart", async () => {
  const app = echoBackend("app", "x");
  const fe = freePort();
  let d = await startTestDaemon({ plugins: [lua()] });
  const dataDir = d.dataDir;
  try {
    assert.equal((await d.api("POST", "/api/lua-library/maintenance/install")).status, 200);
    const state = luaState(
      [{ id: "fe", port: fe, rules: ["use-service lua.maintenance"] }],
      app.address,
      [{ name: "maintenance", params: { status: 502 } }],
    );
    assert.equal((await d.api("PUT", "/api/state", state)).status, 200);
    await d.stop();
    d = await startTestDaemon({ plugins: [lua()], dataDir });
    const got = await d.api("GET", "/api/state");
    assert.equal(got.status, 200, got.text);
    assert.deepEqual(got.body.lua.plugins[0].params, { status: 502 });
    assert.equal((await send(fe)).status, 502);
  } finally {
    await d.stop();
    await app.close();
  }
});
