/**
 * One plugin-resolution path for every command: a third-party plugin listed
 * under `plugins:` in config.yaml (with its own config section and state
 * key) is seen by `check`, `render`, `backup-pre`/`backup-post` and
 * `user-add` exactly as by `serve`; a plugin whose setup throws makes the
 * command exit non-zero with a coded error naming it, never an uncaught one.
 *
 * @module
 */
import assert from "node:assert/strict";

const ROOT = new URL("../", import.meta.url).pathname;
const dec = new TextDecoder();

async function run(args: string[], stdin = "") {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--no-check", "main.ts", ...args],
    cwd: ROOT,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const w = child.stdin.getWriter();
  await w.write(new TextEncoder().encode(stdin));
  await w.close();
  const out = await child.output();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/** A third-party plugin module: a state key, a config section, a render hook. */
const GREETER = `
import { z } from "zod";
import { definePlugin } from "${ROOT}mod.ts";
export default () => definePlugin({
  name: "greeter",
  schema: { greeting: z.object({ text: z.string().regex(/^[a-z]+$/).default("hi") }).default({ text: "hi" }) },
  fieldRoles: [{ path: "greeting", role: "operator" }],
  config: { greeter: z.object({ loud: z.boolean().default(false) }).strict().default({ loud: false }) },
  setup(host) {
    const loud = (host.config.greeter as { loud: boolean }).loud;
    host.render((model, state) => {
      const text = (state as unknown as { greeting: { text: string } }).greeting.text;
      model.section("global")?.directives.push({ keyword: "# greeting " + (loud ? text.toUpperCase() : text), args: [] });
    });
  },
});
`;

const BROKEN = `
export default { name: "broken-cli", setup() { throw new Error("no setup for you"); } };
`;

const STATE = {
  version: 1,
  haproxy: {
    defaults: { mode: "http", timeouts: { connect: "2s", client: "10s", server: "10s" } },
    frontends: [],
    backends: [],
  },
  acls: [],
  greeting: { text: "hello" },
};

async function fixture(plugin: string, extra = ""): Promise<{ dir: string; state: string }> {
  const dir = await Deno.makeTempDir({ prefix: "pp-cli-plugins-" });
  await Deno.writeTextFile(`${dir}/plugin.ts`, plugin);
  await Deno.writeTextFile(
    `${dir}/config.yaml`,
    `plugins:\n  - ./plugin.ts\ngreeter:\n  loud: true\n${extra}`,
  );
  const state = `${dir}/state-in.json`;
  await Deno.writeTextFile(state, JSON.stringify(STATE));
  return { dir, state };
}

Deno.test("cli plugins - check, render, backup and user-add see config.yaml's plugin", async () => {
  const { dir, state } = await fixture(GREETER);
  try {
    const render = await run(["render", "--state", state, "--data-dir", dir]);
    assert.equal(render.code, 0, render.stderr);
    assert.match(render.stdout, /# greeting HELLO/, "the plugin's hook and its config section");

    const check = await run(["check", "--state", state, "--data-dir", dir]);
    assert.equal(check.code, 0, check.stderr + check.stdout);

    // The plugin's state key is validated by its schema, not refused as unknown.
    await Deno.writeTextFile(state, JSON.stringify({ ...STATE, greeting: { text: "NOT OK" } }));
    const bad = await run(["check", "--state", state, "--data-dir", dir]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /greeting/);

    const user = await run(
      ["user-add", "ops", "--role", "operator", "--data-dir", dir],
      "a-long-passphrase\n",
    );
    assert.equal(user.code, 0, user.stderr);

    const pre = await run(["backup-pre", "--data-dir", dir]);
    assert.equal(pre.code, 0, pre.stderr);
    const post = await run(["backup-post", "--data-dir", dir]);
    assert.equal(post.code, 0, post.stderr);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cli plugins - check uses config.yaml's settings (--config FILE)", async () => {
  const { dir, state } = await fixture(GREETER, "security:\n  allowRawDirectives: true\n");
  try {
    const raw = {
      ...STATE,
      haproxy: { ...STATE.haproxy, global: { rawDirectives: ["tune.bufsize 32768"] } },
    };
    await Deno.writeTextFile(state, JSON.stringify(raw));
    const check = await run(["check", "--state", state, "--config", `${dir}/config.yaml`]);
    assert.equal(check.code, 0, check.stderr + check.stdout);
    await Deno.writeTextFile(`${dir}/config.yaml`, `plugins:\n  - ./plugin.ts\n`);
    const refused = await run(["check", "--state", state, "--config", `${dir}/config.yaml`]);
    assert.equal(refused.code, 1, "without the opt-in, raw directives are refused");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cli plugins - a setup that throws exits non-zero naming the plugin", async () => {
  const { dir, state } = await fixture(BROKEN);
  try {
    await Deno.writeTextFile(`${dir}/config.yaml`, `plugins:\n  - ./plugin.ts\n`);
    const check = await run(["check", "--state", state, "--data-dir", dir]);
    assert.equal(check.code, 1, check.stderr);
    assert.match(check.stderr, /PLUGIN_SETUP_FAILED: plugin 'broken-cli' setup failed/);
    assert.doesNotMatch(check.stderr, /Uncaught/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
