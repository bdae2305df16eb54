import assert from "node:assert/strict";
import { loadPluginModules } from "./plugin_loader.ts";
import { StartupError } from "./errors.ts";

Deno.test("loadPluginModules - loads a default-exported factory, relative to the config dir", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/hello.ts`, `export default () => ({ name: "hello" });\n`);
  const [plugin] = await loadPluginModules(["./hello.ts"], dir);
  assert.equal(plugin.name, "hello");
});

Deno.test("loadPluginModules - a module without a plugin is PLUGIN_LOAD_FAILED", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/bad.ts`, `export default 42;\n`);
  await assert.rejects(
    () => loadPluginModules(["bad.ts"], dir),
    (e) => e instanceof StartupError && e.code === "PLUGIN_LOAD_FAILED",
  );
  await assert.rejects(
    () => loadPluginModules(["missing.ts"], dir),
    (e) => e instanceof StartupError && e.code === "PLUGIN_LOAD_FAILED",
  );
});
