/**
 * The one-binary build, as far as it can be tested without Deno's runtime image (denort cannot be
 * fetched here): `deno task compile` runs scripts/compile, whose command compiles main.ts with
 * every permission, the locked dependencies, V8's optimize-for-size and an `--include` for each module that could read a
 * file beside itself (the shipped Lua plugins); DENORT_BIN is honoured. And the same entry, bundled into one file by
 * `deno bundle` and run with the checkout hidden (a private mount namespace mounts an empty
 * directory over it), serves every web console asset from the code itself, byte for byte.
 *
 * @module
 */
import assert from "node:assert/strict";
import { REPO, runScript } from "./support/install.ts";
import { freePort, waitFor } from "./support/daemon.ts";
import { ASSETS } from "../ui/assets.ts";

Deno.test("compile - deno task compile assembles the deno compile command", async () => {
  const tasks = JSON.parse(await Deno.readTextFile(`${REPO}/deno.json`)).tasks;
  assert.equal(tasks.compile, "bash scripts/compile");
  const r = await runScript("compile", ["--print"]);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split("\n");
  const args = lines.filter((l) => !l.startsWith("#")).slice(1);
  assert.deepEqual(args, [
    "compile",
    "-A",
    "--unstable-net",
    "--frozen",
    "--v8-flags=--optimize-for-size",
    "--output",
    "dist/patchpanel",
    "--include",
    "plugins/lua/library",
    "main.ts",
  ]);
  assert.match(r.stdout, /downloaded by deno compile/);

  const other = await runScript("compile", ["--print", "--output", "/tmp/x/pp", "--target", "t"]);
  assert.deepEqual(other.stdout.split("\n").slice(1, 12), [
    "compile",
    "-A",
    "--unstable-net",
    "--frozen",
    "--v8-flags=--optimize-for-size",
    "--output",
    "/tmp/x/pp",
    "--include",
    "plugins/lua/library",
    "--target",
    "t",
  ]);
  const withImage = await new Deno.Command(`${REPO}/scripts/compile`, {
    args: ["--print"],
    env: { DENORT_BIN: "/bin/true" },
  }).output();
  assert.match(new TextDecoder().decode(withImage.stdout), /runtime image: DENORT_BIN=\/bin\/true/);
  const missing = await new Deno.Command(`${REPO}/scripts/compile`, {
    args: ["--print"],
    env: { DENORT_BIN: "/nonexistent/denort" },
  }).output();
  assert.equal(missing.code, 1);
  assert.match(new TextDecoder().decode(missing.stderr), /not an executable runtime image/);
});

Deno.test("compile - no module of main.ts's graph reads a file beside itself", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", "main.ts"],
    cwd: REPO,
  }).output();
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
  const graph = JSON.parse(new TextDecoder().decode(out.stdout));
  const local = (graph.modules as { specifier: string }[])
    .map((m) => m.specifier)
    .filter((s) => s.startsWith(`file://${REPO}/`) && !s.includes("/node_modules/"));
  assert.ok(local.some((s) => s.endsWith("/ui/generated/islands_bundle.ts")), "UI in the graph");
  assert.ok(local.some((s) => s.endsWith("/ui/styles.ts")));
  // A module that resolves a path from its own location would read the source tree at run time:
  // it needs an --include in scripts/compile, and this list.
  const readsBeside: string[] = [];
  for (const s of local) {
    const text = await Deno.readTextFile(new URL(s));
    if (/import\.meta\.(url|dirname|filename)\b/.test(text)) readsBeside.push(s);
  }
  assert.deepEqual(readsBeside, [`file://${REPO}/plugins/lua/library.ts`]);
});

Deno.test("compile - the bundled entry serves every console asset with the checkout hidden", async () => {
  const dir = await Deno.makeTempDir({ prefix: "pp-bundle-" });
  const empty = await Deno.makeTempDir({ prefix: "pp-empty-" });
  let child: Deno.ChildProcess | null = null;
  try {
    const bundle = await new Deno.Command(Deno.execPath(), {
      args: ["bundle", "--platform", "deno", "--output", `${dir}/patchpanel.js`, "main.ts"],
      cwd: REPO,
      stdout: "null",
      stderr: "piped",
    }).output();
    assert.ok(bundle.success, new TextDecoder().decode(bundle.stderr));
    await Deno.copyFile(Deno.execPath(), `${dir}/deno`); // the checkout's Deno is hidden too
    await Deno.chmod(`${dir}/deno`, 0o755);
    const port = freePort();
    await Deno.writeTextFile(
      `${dir}/config.yaml`,
      `listen: 127.0.0.1:${port}\ndataDir: ${dir}/data\nhttps: {enabled: false}\n` +
        `logging: {quiet: true}\n`,
    );
    // Hide the checkout behind an empty directory for this process only, then run the bundle.
    const run = (...args: string[]) =>
      `mount --bind ${empty} ${REPO} && test ! -e ${REPO}/ui && ` +
      `exec ${dir}/deno run -A --no-config ${dir}/patchpanel.js ${args.join(" ")}`;
    child = new Deno.Command("unshare", {
      args: ["--mount", "sh", "-c", run("serve", "--config", `${dir}/config.yaml`, "--empty")],
      cwd: dir,
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const output = child.output();
    const base = `http://127.0.0.1:${port}`;
    const up = await waitFor(async () => {
      try {
        const res = await fetch(`${base}/health`);
        return res.status === 200 && (await res.json()).ok === true;
      } catch {
        return false;
      }
    }, 60_000);
    assert.ok(up, "the bundled daemon answers");

    const page = await fetch(`${base}/setup`);
    const html = await page.text();
    assert.equal(page.status, 200, html);
    const urls = [...html.matchAll(/(?:href|src)="(\/ui\/assets\/[^"]+)"/g)].map((m) => m[1]);
    const linked = new Set(urls.map((u) => u.split("?")[0].split("/").pop()!));
    assert.deepEqual([...linked].sort(), Object.keys(ASSETS).sort(), "every asset is linked");
    for (const url of urls) {
      const res = await fetch(`${base}${url.replaceAll("&amp;", "&")}`);
      const body = await res.text();
      const name = url.split("?")[0].split("/").pop()!;
      assert.equal(res.status, 200, url);
      assert.equal(res.headers.get("content-type"), ASSETS[name].type);
      assert.equal(body, ASSETS[name].body, `${name} is the embedded asset, byte for byte`);
    }

    child.kill("SIGTERM");
    const done = await output;
    child = null;
    assert.equal(done.code, 0, new TextDecoder().decode(done.stderr));
  } finally {
    if (child) {
      child.kill("SIGKILL");
      await child.status;
    }
    // The embedded HAProxy outlives the daemon by design: stop it with the bundle's own command.
    await new Deno.Command(`${dir}/deno`, {
      args: [
        "run",
        "-A",
        "--no-config",
        `${dir}/patchpanel.js`,
        "stop",
        "--config",
        `${dir}/config.yaml`,
      ],
      stdout: "null",
      stderr: "null",
    }).output().catch(() => null);
    await Deno.remove(dir, { recursive: true });
    await Deno.remove(empty, { recursive: true });
  }
});
