import assert from "node:assert/strict";
import { join } from "node:path";
import { schemaProblems, validateParams } from "./json_schema.ts";
import { envName, leadingManifest, parseManifest } from "./manifest.ts";
import { cfgQuote, pluginDirectives } from "./render.ts";
import { LuaStore } from "./store.ts";
import { checkConfig } from "../../core/haproxy/check.ts";

const schema = {
  type: "object" as const,
  properties: {
    origins: { type: "array" as const, items: { type: "string" as const, pattern: "^https?://" } },
    status: { type: "integer" as const, minimum: 200, maximum: 599, default: 503 },
    message: { type: "string" as const, maxLength: 5 },
  },
  required: ["origins"],
};

Deno.test("lua params - the schema subset validates at each path", () => {
  assert.deepEqual(schemaProblems(schema), []);
  assert.deepEqual(validateParams({ origins: ["https://a"] }, schema), []);
  const issues = validateParams(
    { origins: ["ftp://a"], status: 700, message: "too long", x: 1 },
    schema,
  );
  assert.deepEqual(issues.map((i) => i.path), [["x"], ["origins", 0], ["status"], ["message"]]);
  assert.deepEqual(validateParams({}, schema).map((i) => i.message), ["'origins' is required"]);
  assert.deepEqual(validateParams({ origins: "https://a" }, schema)[0].message, "must be an array");
});

Deno.test("lua params - schemas the validator cannot enforce are refused at upload", () => {
  assert.match(schemaProblems({ type: "object", oneOf: [] }).join(), /'oneOf' is not supported/);
  assert.match(
    schemaProblems({ type: "object", properties: { a: { type: "object" } } }).join(),
    /type must be/,
  );
  assert.match(
    schemaProblems({ type: "object", properties: { Bad: { type: "string" } } }).join(),
    /'Bad' must match/,
  );
  assert.match(
    schemaProblems({ type: "object", properties: { a: { type: "integer", default: "x" } } })
      .join(),
    /default: must be a integer/,
  );
});

Deno.test("lua manifest - leading block, name agreement, env names that cannot collide", () => {
  const script = `--[[patchpanel\n{"version": "1", "registers": []}\n]]\nprint(1)\n`;
  assert.equal(leadingManifest(script), `{"version": "1", "registers": []}`);
  assert.equal(leadingManifest("print(1)"), null);
  const ok = parseManifest("a-b", leadingManifest(script));
  assert.ok(ok.ok);
  assert.equal(ok.manifest.perThread, false);
  const other = parseManifest("x", { name: "y", version: "1", registers: [] });
  assert.ok(!other.ok && /names 'y'/.test(other.error));
  const clash = parseManifest("x", {
    version: "1",
    registers: [],
    params: {
      type: "object",
      properties: { "retry-after": { type: "integer" }, retry_after: { type: "integer" } },
    },
  });
  assert.ok(!clash.ok && /share PP_LUA_X__RETRY_AFTER/.test(clash.error));
  assert.notEqual(envName("a-b", "c"), envName("a", "b-c"));
  const twice = parseManifest("x", {
    version: "1",
    registers: [{ kind: "action", name: "go" }, { kind: "action", name: "go" }],
  });
  assert.ok(!twice.ok && /declared twice/.test(twice.error));
});

Deno.test("lua render - params become setenv lines HAProxy reads back exactly", async () => {
  const dir = await Deno.makeTempDir({ prefix: "pp-lua-unit-" });
  try {
    const store = new LuaStore(join(dir, "lua"));
    const tricky = `it's "$HOME" # \\ done`;
    // The script fails to load unless the environment holds exactly what the state says.
    const script = `
assert(os.getenv("PP_LUA_PROBE__MESSAGE") == ${JSON.stringify(tricky)}, "message")
assert(os.getenv("PP_LUA_PROBE__LIST") == "a b", "list")
assert(os.getenv("PP_LUA_PROBE__GONE") == nil, "gone")
`;
    const bytes = new TextEncoder().encode(script);
    await store.put({
      name: "probe",
      hash: "0".repeat(64),
      size: bytes.length,
      uploadedAt: "",
      uploadedBy: "t",
      manifest: {
        name: "probe",
        version: "1",
        description: "",
        registers: [],
        perThread: false,
        params: {
          type: "object",
          properties: {
            message: { type: "string" },
            list: { type: "array", items: { type: "string" } },
            gone: { type: "string" },
          },
        },
      },
    }, bytes);
    const lines = pluginDirectives(store, "probe", { message: tricky, list: ["a", "b"] });
    assert.deepEqual(lines.map((l) => l.keyword), ["setenv", "setenv", "unsetenv", "lua-load"]);
    assert.equal(cfgQuote("it's"), `'it'\\''s'`);
    const cfg = join(dir, "t.cfg");
    const global = lines.map((l) => `  ${l.keyword} ${l.args.join(" ")}`).join("\n");
    const listener = "defaults\n  mode http\n  timeout client 1s\n  timeout server 1s\n" +
      "  timeout connect 1s\nfrontend f\n  bind 127.0.0.1:1\n";
    await Deno.writeTextFile(cfg, `global\n${global}\n${listener}`);
    const env = { ...Deno.env.toObject(), PP_LUA_PROBE__GONE: "stale" };
    const withStale = await new Deno.Command("env", {
      args: ["haproxy", "-c", "-f", cfg],
      env,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const out = new TextDecoder().decode(withStale.stderr);
    assert.ok(withStale.success, `a stale variable is unset before the script loads: ${out}`);
    const res = await checkConfig("haproxy", cfg);
    assert.ok(res.ok, res.output);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
