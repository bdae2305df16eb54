/**
 * `patchpanel user-add` and `user-reset` as real processes on a data
 * directory, then a real daemon on the same directory honouring them.
 *
 * @module
 */
import assert from "node:assert/strict";
import { startTestDaemon } from "./support/daemon.ts";

async function cli(args: string[], stdin: string) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "main.ts", ...args],
    cwd: new URL("..", import.meta.url).pathname,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const w = child.stdin.getWriter();
  await w.write(new TextEncoder().encode(stdin));
  await w.close();
  const out = await child.output();
  return {
    code: out.code,
    stdout: new TextDecoder().decode(out.stdout),
    stderr: new TextDecoder().decode(out.stderr),
  };
}

Deno.test("cli - user-add creates a user and user-reset sets a password and ends sessions", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "pp-cli-" });
  try {
    await Deno.writeTextFile(`${dataDir}/config.yaml`, "auth:\n  bcryptCost: 4\n");
    const weak = await cli(["user-add", "ops", "--data-dir", dataDir], "short\n");
    assert.equal(weak.code, 1);
    assert.match(weak.stderr, /at least 12 characters/);
    const added = await cli(
      ["user-add", "ops", "--role", "operator", "--data-dir", dataDir],
      "ops-first-password\n",
    );
    assert.equal(added.code, 0, added.stderr);
    const dup = await cli(["user-add", "ops", "--data-dir", dataDir], "ops-first-password\n");
    assert.equal(dup.code, 1);

    const d = await startTestDaemon({ dataDir, setup: false });
    try {
      const s = await d.login("ops", "ops-first-password");
      assert.equal(s.status, 200);
      assert.equal(s.body.role, "operator");
      const reset = await cli(
        ["user-reset", "ops", "--data-dir", dataDir],
        "ops-second-password\n",
      );
      assert.equal(reset.code, 0, reset.stderr);
      assert.match(reset.stdout, /1 session\(s\) ended/);
      assert.equal((await d.api("GET", "/api/state", undefined, {}, { as: s })).status, 401);
      assert.equal((await d.login("ops", "ops-first-password")).status, 401);
      assert.equal((await d.login("ops", "ops-second-password")).status, 200);
      const audited = d.audit.list({ limit: 10, category: "auth" }).map((e) => e.action);
      assert.ok(audited.includes("user-create") && audited.includes("user-password-reset"));
    } finally {
      await d.stop();
    }
    const missing = await cli(
      ["user-reset", "nobody", "--data-dir", dataDir],
      "whatever-password\n",
    );
    assert.equal(missing.code, 1);
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});
