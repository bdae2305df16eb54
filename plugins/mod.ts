/**
 * The default plugin set of the patchpanel binary. This is the only file
 * that imports every built-in plugin.
 *
 * @module
 */
import type { Plugin } from "../core/plugin.ts";
import { runtime } from "./runtime/mod.ts";

/** The built-in plugins, in registration order. */
export function defaultPlugins(): Plugin[] {
  return [runtime()];
}
