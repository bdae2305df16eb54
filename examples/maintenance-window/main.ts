/**
 * A custom build: the patchpanel binary with the default plugins plus
 * maintenance-window. `deno compile -A main.ts` makes it one binary.
 *
 * @module
 */
import { runCli } from "../../mod.ts";
import { defaultPlugins } from "../../plugins/mod.ts";
import maintenanceWindow from "./plugin.ts";

if (import.meta.main) {
  Deno.exit(await runCli(Deno.args, [...defaultPlugins(), maintenanceWindow()]));
}
