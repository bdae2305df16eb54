// deno-lint-ignore-file no-explicit-any
/**
 * What a Lua plugin upload and a state that uses Lua may not do: a syntax
 * error (luac's text and line), a name registered twice (HAProxy's text),
 * a registration the manifest does not declare, binary or non-UTF-8 text,
 * an oversized script and a silent replace are 400/409 at upload; a rule
 * naming an unregistered action, params breaking the manifest's schema and
 * a deleted-while-listed plugin are 422/409; operators may toggle and
 * parameterise, not add. Every refusal leaves the cfg as it was.
 *
 * @module
 */
import assert from "node:assert/strict";
import { freePort, startTestDaemon } from "./support/daemon.ts";
import { echoBackend, luaState, withManifest } from "./support/lua.ts";
import { lua } from "../plugins/lua/mod.ts";
import { MAX_SCRIPT_BYTES } from "../plugins/lua/check.ts";

const hello = (name: string) => ({
  name,
  version: "1",
  registers: [{ kind: "action", name: "hello" }],
});
const HELLO = `core.register_action("hello", { "http-req" }, function(txn) end)`;

function issueAt(res: { status: number; body: any; text: string }, path: unknown[], why: RegExp) {
  assert.equal(res.status, 422, res.text);
  const hit = res.body.issues.find((i: any) => JSON.stringify(i.path) === JSON.stringify(path));
  assert.ok(hit, `no issue at ${JSON.stringify(path)}: ${res.text}`);
  assert.match(hit.message, why);
}

Deno.test("lua checks - uploads refused with luac's and HAProxy's text", async () => {
  const d = await startTestDaemon({ plugins: [lua()] });
  try {
    const up = (body: unknown, q = "") => d.api("POST", `/api/lua-plugins${q}`, body);
    const syntax = await up({
      name: "broken",
      script: withManifest(hello("broken"), `${HELLO}\nlocal x = = 1`),
    });
    assert.equal(syntax.status, 400, syntax.text);
    assert.match(syntax.body.error, /luac5\.3/);
    assert.match(syntax.body.output, /broken\.lua:5: unexpected symbol near '='/);

    const twice = await up({
      name: "twice",
      script: withManifest(hello("twice"), `${HELLO}\n${HELLO}`),
    });
    assert.equal(twice.status, 400, twice.text);
    assert.match(twice.body.error, /haproxy -c/);
    assert.match(twice.body.output, /register action 'lua\.hello' more than once/);

    const sneaky = await up({
      name: "sneaky",
      script: withManifest(
        hello("sneaky"),
        `${HELLO}\ncore.register_fetches("other", function(txn) return "" end)`,
      ),
    });
    assert.equal(sneaky.status, 400, sneaky.text);
    assert.match(sneaky.body.error, /does not declare: fetch other/);

    const missing = await up({ name: "missing", script: withManifest(hello("missing"), "") });
    assert.equal(missing.status, 400, missing.text);
    assert.match(missing.body.output, /unknown keyword 'lua\.hello'|lua\.hello/);

    const binary = await up({ name: "bin", script: "\u001bLuaS\u0000", manifest: hello("bin") });
    assert.equal(binary.status, 400);
    assert.match(binary.body.error, /control bytes/);
    const surrogate = await up({
      name: "bad",
      script: `-- \ud800\n${HELLO}`,
      manifest: hello("bad"),
    });
    assert.equal(surrogate.status, 400);
    assert.match(surrogate.body.error, /UTF-8/);
    const big = await up({
      name: "big",
      script: `${HELLO}\n--${"x".repeat(MAX_SCRIPT_BYTES)}`,
      manifest: hello("big"),
    });
    assert.equal(big.status, 400);
    assert.match(big.body.error, /limit is 262144/);
    const noManifest = await up({ name: "bare", script: HELLO });
    assert.equal(noManifest.status, 400);
    assert.match(noManifest.body.error, /manifest is needed/);

    // A good one is stored 0640 by hash; uploading the name again needs ?replace=true.
    const ok = await up({ name: "hello", script: HELLO, manifest: hello("hello") });
    assert.equal(ok.status, 200, ok.text);
    const info = await Deno.stat(`${d.paths.plugin("lua")}/scripts/${ok.body.hash}.lua`);
    assert.equal(info.mode! & 0o777, 0o640);
    const again = await up({ name: "hello", script: HELLO, manifest: hello("hello") });
    assert.equal(again.status, 409, again.text);
    assert.match(again.body.error, /replace=true/);
    assert.equal(
      (await up({ name: "hello", script: HELLO, manifest: hello("hello") }, "?replace=true"))
        .status,
      200,
    );
    // Nothing refused was stored; failures are audited.
    const names = (await d.api("GET", "/api/lua-plugins")).body.plugins.map((p: any) => p.name);
    assert.deepEqual(names, ["hello"]);
    const audit = await d.api("GET", "/api/audit?category=lua-plugin&limit=100");
    assert.equal(audit.status, 200, audit.text);
    const entries = audit.body.entries ?? audit.body;
    assert.ok(entries.some((e: any) => e.target === "twice" && e.outcome === "failure"));
    assert.ok(entries.some((e: any) => e.action === "replace" && e.outcome === "success"));
  } finally {
    await d.stop();
  }
});

Deno.test("lua checks - state references, params, roles and delete are checked", async () => {
  const app = echoBackend("app", "x-request-id");
  const fe = freePort();
  const d = await startTestDaemon({ plugins: [lua()] });
  try {
    for (const name of ["cors", "maintenance"]) {
      assert.equal((await d.api("POST", `/api/lua-library/${name}/install`)).status, 200);
    }
    const cfgBefore = await Deno.readTextFile(d.paths.cfg);
    // A rule naming an action no enabled plugin registers.
    const unknown = luaState([{ id: "fe", port: fe, rules: ["lua.nope"] }], app.address, [
      { name: "cors" },
    ]);
    issueAt(
      await d.api("PUT", "/api/state", unknown),
      ["haproxy", "frontends", 0, "httpRequest", 0, "action"],
      /'lua\.nope' is not registered by an enabled Lua plugin \(registered: lua\.cors\)/,
    );
    // A disabled plugin registers nothing.
    const disabled = luaState([{ id: "fe", port: fe, rules: ["lua.cors"] }], app.address, [
      { name: "cors", enabled: false },
    ]);
    issueAt(
      await d.api("PUT", "/api/state", disabled),
      ["haproxy", "frontends", 0, "httpRequest", 0, "action"],
      /not registered/,
    );
    // Params that break the manifest's schema, each at its path.
    const bad = luaState([{ id: "fe", port: fe, rules: ["lua.cors"] }], app.address, [
      { name: "maintenance", params: { status: 700 } },
      { name: "cors", params: { origins: ["ftp://x"], colour: "red" } },
    ]);
    const badRes = await d.api("PUT", "/api/state", bad);
    issueAt(badRes, ["lua", "plugins", 0, "params", "status"], /<= 599/);
    issueAt(badRes, ["lua", "plugins", 1, "params", "origins", 0], /must match/);
    issueAt(badRes, ["lua", "plugins", 1, "params", "colour"], /not a param/);
    const nl = luaState([], app.address, [
      { name: "maintenance", params: { message: "a\nglobal" } },
    ]);
    issueAt(
      await d.api("PUT", "/api/state", nl),
      ["lua", "plugins", 0, "params", "message"],
      /control characters/,
    );
    issueAt(
      await d.api("PUT", "/api/state", luaState([], app.address, [{ name: "ghost" }])),
      ["lua", "plugins", 0, "name"],
      /not installed/,
    );
    assert.equal(await Deno.readTextFile(d.paths.cfg), cfgBefore, "nothing refused was applied");

    // A good state; then operators may toggle and parameterise, not add or rename.
    const good = luaState([{ id: "fe", port: fe, rules: ["lua.cors"] }], app.address, [
      { name: "cors", params: { origins: ["http://a.test"] } },
      { name: "maintenance", enabled: false },
    ]);
    assert.equal((await d.api("PUT", "/api/state", good)).status, 200);
    const op = await d.mintToken("operator");
    const toggled = structuredClone(good);
    toggled.lua.plugins[1].enabled = true;
    toggled.lua.plugins[1].params = { "retry-after": 5 };
    const okOp = await d.api("PUT", "/api/state", toggled, {}, { as: op });
    assert.equal(okOp.status, 200, okOp.text);
    assert.match(
      await Deno.readTextFile(d.paths.cfg),
      /setenv PP_LUA_MAINTENANCE__RETRY_AFTER '5'/,
    );
    const added = structuredClone(toggled);
    added.lua.plugins.push({ name: "request-id" });
    const refused = await d.api("PUT", "/api/state", added, {}, { as: op });
    assert.equal(refused.status, 403, refused.text);
    assert.ok(refused.body.paths.some((p: string) => p.startsWith("lua.plugins.2")), refused.text);

    // Delete while listed (even disabled) is 409; once out of the state it goes.
    const del = await d.api("DELETE", "/api/lua-plugins/maintenance");
    assert.equal(del.status, 409, del.text);
    assert.deepEqual(del.body.usedBy, ["lua.plugins.1"]);
    const without = structuredClone(toggled);
    without.lua.plugins.pop();
    assert.equal((await d.api("PUT", "/api/state", without)).status, 200);
    assert.equal((await d.api("DELETE", "/api/lua-plugins/maintenance")).status, 200);
    assert.equal((await d.api("GET", "/api/lua-plugins/maintenance")).status, 404);
    // Writes are admin-only.
    const opUpload = await d.api("POST", "/api/lua-library/maintenance/install", undefined, {}, {
      as: op,
    });
    assert.equal(opUpload.status, 403);
  } finally {
    await d.stop();
    await app.close();
  }
});
