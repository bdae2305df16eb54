/**
 * Loads third-party plugin modules named in `config.yaml` (`plugins:`), for
 * `deno run` installs. A compiled binary carries its plugins instead (see
 * `mod.ts`). Each module default-exports a {@link Plugin} or a factory that
 * returns one; anything else stops start-up with a coded error.
 *
 * @module
 */
import { isAbsolute, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { StartupError } from "./errors.ts";
import type { Plugin } from "./plugin.ts";

/** Imports each module (paths relative to `baseDir`) and returns its plugin. */
export async function loadPluginModules(specs: string[], baseDir: string): Promise<Plugin[]> {
  const plugins: Plugin[] = [];
  for (const spec of specs) {
    const url = /^[a-z]+:/.test(spec)
      ? spec
      : pathToFileURL(isAbsolute(spec) ? spec : resolve(baseDir, spec)).href;
    let mod: { default?: unknown };
    try {
      mod = await import(url);
    } catch (e) {
      throw new StartupError(
        "PLUGIN_LOAD_FAILED",
        `plugin module '${spec}': ${(e as Error).message}`,
      );
    }
    const exported = typeof mod.default === "function" ? mod.default() : mod.default;
    if (!isPlugin(exported)) {
      throw new StartupError(
        "PLUGIN_LOAD_FAILED",
        `plugin module '${spec}' must default-export a plugin (an object with a name) or a factory`,
      );
    }
    plugins.push(exported);
  }
  return plugins;
}

function isPlugin(value: unknown): value is Plugin {
  return typeof value === "object" && value !== null &&
    typeof (value as Plugin).name === "string" &&
    ((value as Plugin).setup === undefined || typeof (value as Plugin).setup === "function");
}
