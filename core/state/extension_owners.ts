/**
 * Entity fields the built-in plugins add (bind and server `tls`, the tls
 * plugin's), known to the core by name only: when such a plugin is not
 * loaded, a state using its field is refused with a 422 that says which
 * plugin to load, rather than only "unrecognized key" (entity_fields.ts).
 * The fields' schemas live with their plugins.
 *
 * @module
 */
import type { ExtensibleEntity } from "./entity_fields.ts";

/** One such field: on which entity, under which key, and the plugin that gives it meaning. */
export interface ExtensionOwner {
  entity: ExtensibleEntity;
  key: string;
  plugin: string;
}

/** Every entity field a built-in plugin adds. */
export const EXTENSION_OWNERS: readonly ExtensionOwner[] = [
  { entity: "bind", key: "tls", plugin: "tls" },
  { entity: "server", key: "tls", plugin: "tls" },
];

/** The built-in plugins' entity fields whose plugin is not among `loaded`. */
export function missingOwners(loaded: ReadonlySet<string>): ExtensionOwner[] {
  return EXTENSION_OWNERS.filter((o) => !loaded.has(o.plugin));
}
