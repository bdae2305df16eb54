/**
 * The `patchpanel` binary: the CLI with the default plugin set.
 *
 * @module
 */
import { runCli } from "./app/cli.ts";
import { defaultPlugins } from "./plugins/mod.ts";

if (import.meta.main) {
  Deno.exit(await runCli(Deno.args, defaultPlugins()));
}
