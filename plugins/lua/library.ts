/**
 * The Lua plugins patchpanel ships (`plugins/lua/library/*.lua`): a CORS
 * responder, a maintenance page and a request-id header. Each script opens
 * with its manifest; installing one goes through the same checks as any
 * upload (install.ts). The scripts are read beside this module, so
 * scripts/compile embeds `plugins/lua/library/` with `--include`.
 *
 * @module
 */
import { leadingManifest, parseManifest } from "./manifest.ts";

/** The shipped plugins, by name. */
export const LIBRARY = ["cors", "maintenance", "request-id"] as const;

/** One shipped plugin's script and manifest. */
export interface LibraryPlugin {
  name: string;
  script: string;
  manifest: unknown;
}

/** The shipped plugin `name`, or null when there is none. */
export async function libraryPlugin(name: string): Promise<LibraryPlugin | null> {
  if (!(LIBRARY as readonly string[]).includes(name)) return null;
  const script = await Deno.readTextFile(new URL(`./library/${name}.lua`, import.meta.url));
  const parsed = parseManifest(name, leadingManifest(script) ?? "");
  return { name, script, manifest: parsed.ok ? parsed.manifest : null };
}
