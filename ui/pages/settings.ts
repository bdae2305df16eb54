/**
 * The console's forms beyond the frontend and backend editors: the
 * `defaults` and `global` sections with the stats listener, the named
 * ACLs, and a frontend's http-request / tcp-request rules. One list, so
 * ui/plugin.ts registers them with one line.
 *
 * @module
 */
import type { PageDefinition } from "../../core/pages.ts";
import { defaultsPages } from "./settings_defaults.ts";
import { globalPages } from "./settings_global.ts";
import { aclPages } from "./acls.ts";
import { frontendRulePages } from "./frontend_rules.ts";

/** The settings, ACL definition and frontend rule pages. */
export function settingsPages(): PageDefinition[] {
  return [...defaultsPages(), ...globalPages(), ...aclPages(), ...frontendRulePages()];
}
