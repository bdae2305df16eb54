/**
 * The one way every CLI command finds its config and plugins: read
 * `--config FILE` or `<data-dir>/config.yaml`, import the modules it lists
 * under `plugins:` (relative to the config file's directory), and parse the
 * config with every plugin's config fragments. `serve`, `stop`, `render`,
 * `check`, `user-*` and `backup-*` all call this, so a plugin listed in
 * config.yaml (and its config section) means the same to each of them.
 *
 * @module
 */
import { dirname, resolve } from "node:path";
import YAML from "yaml";
import { type Config, parseConfig } from "./config.ts";
import { readTextOrNull } from "./fsutil.ts";
import type { Plugin } from "./plugin.ts";
import { loadPluginModules } from "./plugin_loader.ts";
import { Registry } from "./registry.ts";

/** What a command was told on its command line. */
export interface CliSources {
  /** `--config FILE`, if given. */
  config?: string;
  /** `--data-dir DIR`, if given. */
  dataDir?: string;
}

/** A command's resolved view: the config text and its parse, the plugins, the data dir. */
export interface ResolvedCli {
  /** The config.yaml text ("" when there is none). */
  text: string;
  /** How errors name the config (the file given, or `config.yaml`). */
  label: string;
  /** The build's plugins followed by those config.yaml lists. */
  plugins: Plugin[];
  /** The parsed, defaulted config (plugins' sections included). */
  config: Config;
  /** The data directory: `--data-dir`, else the config's `dataDir`, resolved. */
  dataDir: string;
}

/** Resolves config and plugins the way `serve` does, for any command. */
export async function resolveCli(base: Plugin[], sources: CliSources): Promise<ResolvedCli> {
  const text = await loadConfigText(sources.config, sources.dataDir);
  const configDir = sources.config
    ? dirname(resolve(sources.config))
    : resolve(sources.dataDir ?? "./.patchpanel");
  const plugins = [...base, ...await loadPluginModules(pluginSpecs(text), configDir)];
  const label = sources.config ?? "config.yaml";
  const config = parseConfig(text, new Registry(plugins).configFragments, label);
  const dataDir = resolve(sources.dataDir ?? config.dataDir);
  return { text, label, plugins, config, dataDir };
}

async function loadConfigText(path: string | undefined, dataDir: string | undefined) {
  if (path) return await Deno.readTextFile(path);
  const beside = await readTextOrNull(resolve(dataDir ?? "./.patchpanel", "config.yaml"));
  return beside ?? "";
}

/** The `plugins:` list of a config text, read before the full parse (it decides the schema). */
function pluginSpecs(text: string): string[] {
  let raw: unknown;
  try {
    raw = text.trim() ? YAML.parse(text) : {};
  } catch {
    return []; // parseConfig reports the YAML error with its location.
  }
  const list = (raw as { plugins?: unknown } | null)?.plugins;
  return Array.isArray(list) ? list.filter((p): p is string => typeof p === "string") : [];
}
