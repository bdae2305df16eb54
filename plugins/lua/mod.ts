/**
 * The lua plugin: HAProxy Lua plugins managed like the rest of the config.
 * An admin installs a script plus manifest (`POST /api/lua-plugins`, or one
 * of the shipped plugins through `/api/lua-library`); upload checks run
 * luac5.3 and `haproxy -c` (check.ts); scripts are stored by hash under
 * `<data>/lua/` (store.ts). The state's `lua.plugins[]` enables and
 * parameterises installed plugins (state.ts), which renders `setenv` +
 * `lua-load` lines (render.ts); rules may then use the names an enabled
 * plugin registers, and validation refuses any other `lua.*` through the
 * `lua-names` provider. The plugins a state lists travel to peers with it
 * (files.ts, the `host.files` hook).
 *
 * @example
 * ```ts
 * const plugins = [...defaultPlugins()]; // includes lua()
 * ```
 *
 * @module
 */
import { definePlugin, type Plugin } from "../../core/plugin.ts";
import { LuaStore } from "./store.ts";
import { LUA_FIELD_ROLES, luaCheck, LuaStateSchema, registeredNames } from "./state.ts";
import { luaRender } from "./render.ts";
import { luaRoutes } from "./routes.ts";
import { luaPages } from "./pages.ts";
import { luaFileSource } from "./files.ts";
import { Mutex } from "../../core/apply/mutex.ts";

/** Options of the lua plugin. */
export interface LuaOptions {
  /** The Lua compiler used to check syntax at upload (Debian's `lua5.3` package). */
  luac?: string;
}

/** The defaults. */
export const defaults = { luac: "luac5.3" } satisfies LuaOptions;

/** Makes the lua plugin. */
export function lua(options: LuaOptions = defaults): Plugin {
  const luac = options.luac ?? defaults.luac;
  let store: LuaStore | undefined;
  return definePlugin({
    name: "lua",
    dataDirs: { lua: { holds: "Lua scripts" } },
    schema: { lua: LuaStateSchema },
    fieldRoles: LUA_FIELD_ROLES,
    checks: [luaCheck(() => store)],
    // The installed manifests must be known when start-up validates state.json, before setup.
    prepare(ctx) {
      store = new LuaStore(ctx.paths.plugin("lua"));
      store.loadSync();
      ctx.provide("lua-names", { namesFor: (state) => registeredNames(state, store) });
    },
    setup(host) {
      if (!store) throw new Error("the lua plugin's prepare did not run");
      host.render(luaRender(() => store));
      const ctx = { host, store, luac };
      // One lock for uploads and plugins received from a peer (files.ts).
      const writes = new Mutex();
      luaRoutes(ctx, writes);
      host.files(luaFileSource(ctx, writes));
      for (const page of luaPages()) host.page(page);
    },
  });
}
