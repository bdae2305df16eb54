/**
 * The console's forms for what is not a frontend or a backend: the
 * `defaults` and `global` sections with the stats listener, and the named
 * ACLs. One list, so ui/plugin.ts registers them with one line.
 *
 * @module
 */
import type { PageDefinition } from "../../core/pages.ts";
import { defaultsPages } from "./settings_defaults.ts";
import { globalPages } from "./settings_global.ts";
import { aclPages } from "./acls.ts";

/** The settings and ACL definition pages. */
export function settingsPages(): PageDefinition[] {
  return [...defaultsPages(), ...globalPages(), ...aclPages()];
}
