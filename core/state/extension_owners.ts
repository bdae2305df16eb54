/**
 * Entity fields the core's schema still carries on behalf of a plugin
 * (bind and server `tls`, rendered only by the tls plugin), and a check
 * that refuses a state using one when its plugin is not loaded: without it
 * a bind with `tls: {...}` would validate and serve plain HTTP.
 *
 * The issue names the plugin in its message and in `params.plugin`, so a
 * 422 says what to load rather than what is wrong with the document.
 *
 * @module
 */
import type { RefIssue, State, StateCheck } from "./schema.ts";

/** The entities whose schema has fields a plugin renders. */
export type ExtendedEntity = "bind" | "server";

/** One such field: on which entity, under which key, and the plugin that gives it meaning. */
export interface ExtensionOwner {
  entity: ExtendedEntity;
  key: string;
  plugin: string;
}

/** Every entity field the core carries for a plugin. */
export const EXTENSION_OWNERS: readonly ExtensionOwner[] = [
  { entity: "bind", key: "tls", plugin: "tls" },
  { entity: "server", key: "tls", plugin: "tls" },
];

/** A cross-reference issue that also names the plugin it needs. */
export interface PluginIssue extends RefIssue {
  /** The plugin the state needs loaded. */
  plugin: string;
}

/**
 * The check for the extensions whose plugin is not among `loaded`, or null
 * when every owner is loaded (the usual build pays nothing).
 */
export function unloadedExtensionCheck(loaded: ReadonlySet<string>): StateCheck | null {
  const missing = EXTENSION_OWNERS.filter((o) => !loaded.has(o.plugin));
  if (missing.length === 0) return null;
  const on = (entity: ExtendedEntity) => missing.filter((o) => o.entity === entity);
  const bind = on("bind");
  const server = on("server");
  const issue = (o: ExtensionOwner, path: (string | number)[]): PluginIssue => ({
    path: [...path, o.key],
    plugin: o.plugin,
    message: `'${o.key}' on a ${o.entity} needs the ${o.plugin} plugin, which is not loaded`,
  });
  return (state: State): RefIssue[] => {
    const issues: RefIssue[] = [];
    const { frontends, backends } = state.haproxy;
    for (const o of bind) {
      frontends.forEach((f, fi) =>
        f.binds.forEach((b, bi) => {
          if ((b as Record<string, unknown>)[o.key] !== undefined) {
            issues.push(issue(o, ["haproxy", "frontends", fi, "binds", bi]));
          }
        })
      );
    }
    for (const o of server) {
      for (let bi = 0; bi < backends.length; bi++) {
        const servers = backends[bi].servers;
        for (let si = 0; si < servers.length; si++) {
          if ((servers[si] as Record<string, unknown>)[o.key] !== undefined) {
            issues.push(issue(o, ["haproxy", "backends", bi, "servers", si]));
          }
        }
      }
    }
    return issues;
  };
}
