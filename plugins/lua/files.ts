/**
 * The lua plugin's files as a state references them (the
 * `core/state_files.ts` hook): kind `lua-plugin`, id the installed
 * plugin's name, for every `lua.plugins[]` entry (enabled or not: a state
 * naming a plugin that is not installed fails validation either way). The
 * bytes of one file are a small JSON of the script and its manifest, so a
 * peer receives both together; a received plugin takes exactly the checks
 * of an upload (install.ts: text, manifest, luac, `haproxy -c`) before it
 * is stored. Storing does not apply: the pushed state that follows does.
 *
 * @module
 */
import { z } from "zod";
import { badRequest } from "../../core/errors.ts";
import type { StateFileSource } from "../../core/state_files.ts";
import type { Mutex } from "../../core/apply/mutex.ts";
import { checkUpload, type InstallContext } from "./install.ts";
import { PLUGIN_NAME } from "./manifest.ts";

/** The file kind. */
export const LUA_FILE_KIND = "lua-plugin";

const LuaView = z.object({
  lua: z.object({ plugins: z.array(z.object({ name: z.string() })) }),
});

const Blob = z.object({ script: z.string(), manifest: z.unknown() }).strict();

/** The names of the installed plugins a (possibly unvalidated) state lists. */
export function luaNamesIn(state: unknown): string[] {
  const view = LuaView.safeParse(state);
  if (!view.success) return [];
  return view.data.lua.plugins.map((p) => p.name).filter((n) => PLUGIN_NAME.test(n));
}

/** The `lua-plugin` file source; writes take the uploads' lock. */
export function luaFileSource(ctx: InstallContext, writes: Mutex): StateFileSource {
  const { store } = ctx;
  return {
    kind: LUA_FILE_KIND,
    referenced: luaNamesIn,
    async read(id) {
      const entry = store.get(id);
      if (!entry) return null;
      const script = await store.source(entry);
      if (script === null) return null;
      return new TextEncoder().encode(JSON.stringify({ script, manifest: entry.manifest }));
    },
    async write(id, bytes) {
      let blob: z.output<typeof Blob>;
      try {
        blob = Blob.parse(JSON.parse(new TextDecoder().decode(bytes)));
      } catch {
        throw badRequest(`Lua plugin '${id}': the file must be JSON {script, manifest}`);
      }
      await writes.run(async () => {
        const checked = await checkUpload(ctx, {
          name: id,
          script: blob.script,
          manifest: blob.manifest,
          replace: true,
          actor: "peer",
        });
        await store.put(checked.entry, checked.bytes);
      });
    },
  };
}
