/**
 * Load-time checks of a plugin list, before anything is registered: each
 * plugin has only the keys the contract knows (a typo such as `dependecies`
 * must not silently drop a rule), works with this patchpanel's version,
 * and the list is put in dependency order (a plugin's setup runs after the
 * setups of the plugins it needs), or refused with a coded error.
 *
 * @module
 */
import { StartupError } from "./errors.ts";
import type { Plugin } from "./plugin.ts";
import { satisfies, SemverError } from "./semver.ts";

/**
 * Every key of the plugin contract (`Plugin`); any other key is refused. Written as a record
 * over `keyof Plugin` so that a key added to the contract fails the type check here until it
 * is listed (a stale list would refuse every plugin that uses the new key).
 */
const CONTRACT: Record<keyof Plugin, true> = {
  name: true,
  dependencies: true,
  patchpanel: true,
  events: true,
  schema: true,
  entityFields: true,
  fieldRoles: true,
  secrets: true,
  checks: true,
  config: true,
  dataDirs: true,
  prepare: true,
  setup: true,
};

/** The keys of the plugin contract, in declaration order. */
export const PLUGIN_KEYS: ReadonlySet<string> = new Set(Object.keys(CONTRACT));

/** Refuses unknown keys and a version range this patchpanel is outside of. */
export function checkPluginShape(p: Plugin, version: string): void {
  const unknown = Object.keys(p).filter((k) => !PLUGIN_KEYS.has(k));
  if (unknown.length > 0) {
    throw new StartupError(
      "PLUGIN_INVALID",
      `plugin '${p.name}' has unknown key${unknown.length > 1 ? "s" : ""} ` +
        `${unknown.map((k) => `'${k}'`).join(", ")} (known: ${[...PLUGIN_KEYS].join(", ")})`,
    );
  }
  if (p.dependencies !== undefined && !isStringList(p.dependencies)) {
    throw new StartupError("PLUGIN_INVALID", `plugin '${p.name}': dependencies must be names`);
  }
  if (p.patchpanel === undefined) return;
  let ok: boolean;
  try {
    ok = typeof p.patchpanel === "string" && satisfies(version, p.patchpanel);
  } catch (e) {
    if (!(e instanceof SemverError)) throw e;
    throw new StartupError("PLUGIN_INVALID", `plugin '${p.name}': patchpanel range: ${e.message}`);
  }
  if (!ok) {
    throw new StartupError(
      "PLUGIN_VERSION_MISMATCH",
      `plugin '${p.name}' needs patchpanel ${JSON.stringify(p.patchpanel)}; this is ${version}`,
    );
  }
}

/**
 * The plugins in dependency order, otherwise in the order given: each one
 * comes after every plugin it names in `dependencies`. A missing dependency
 * or a cycle is a coded {@link StartupError} naming the plugins.
 */
export function orderPlugins(plugins: Plugin[]): Plugin[] {
  const byName = new Map(plugins.map((p) => [p.name, p]));
  for (const p of plugins) {
    for (const dep of p.dependencies ?? []) {
      if (!byName.has(dep)) {
        throw new StartupError(
          "PLUGIN_MISSING_DEPENDENCY",
          `plugin '${p.name}' needs plugin '${dep}', which is not registered`,
        );
      }
    }
  }
  const placed = new Set<string>();
  const ordered: Plugin[] = [];
  while (ordered.length < plugins.length) {
    const next = plugins.find((p) =>
      !placed.has(p.name) && (p.dependencies ?? []).every((d) => placed.has(d))
    );
    if (!next) {
      const left = plugins.filter((p) => !placed.has(p.name));
      throw new StartupError(
        "PLUGIN_DEPENDENCY_CYCLE",
        `plugins depend on each other in a cycle: ${describeCycle(left, byName)}`,
      );
    }
    placed.add(next.name);
    ordered.push(next);
  }
  return ordered;
}

/** `a → b → a`: one cycle among the plugins that could not be placed. */
function describeCycle(left: Plugin[], byName: Map<string, Plugin>): string {
  const open = new Set(left.map((p) => p.name));
  const path: string[] = [];
  let at = left[0].name;
  while (!path.includes(at)) {
    path.push(at);
    at = (byName.get(at)!.dependencies ?? []).find((d) => open.has(d)) ?? at;
  }
  return [...path.slice(path.indexOf(at)), at].join(" → ");
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === "string");
}
