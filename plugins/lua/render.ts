/**
 * Renders the enabled Lua plugins into `global`: for each, one `setenv`
 * per declared param (or `unsetenv` when the state gives none and the
 * manifest has no default), then `lua-load <data>/lua/scripts/<hash>.lua`
 * (`lua-load-per-thread` when the manifest says `perThread`).
 *
 * Params travel as environment variables because HAProxy 2.6's `lua-load`
 * takes no arguments; a script reads them with
 * `os.getenv("PP_LUA_<PLUGIN>__<PARAM>")` while it loads. `unsetenv`
 * matters: the master re-executes itself on every reload with the
 * environment it has, so a param removed from the state would otherwise
 * keep its old value. Values are single-quoted (no escapes, no `$`
 * expansion inside); arrays are joined with one space.
 *
 * A registration with scope `http-response` is never written in the state:
 * it is rendered as `http-response lua.<name>` (after the frontend's
 * `http-request` lines) in each frontend whose `httpRequest` rules use one
 * of the same plugin's names, so a request action can finish its work on
 * the response (CORS's Access-Control-Allow-Origin, the request id).
 *
 * @module
 */
import { d, type Directive } from "../../core/render/model.ts";
import type { RenderHook } from "../../core/plugin.ts";
import { envName, referenced } from "./manifest.ts";
import type { LuaStore } from "./store.ts";
import type { LuaState } from "./state.ts";

/** A param's value as its environment variable holds it. */
export function envValue(value: unknown): string {
  if (Array.isArray(value)) return value.map(envValue).join(" ");
  return String(value);
}

/** `text` as one single-quoted config word (`'` itself as `'\''`). */
export function cfgQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/** The global lines one installed plugin needs, with `params` from the state. */
export function pluginDirectives(
  store: LuaStore,
  name: string,
  params: Record<string, unknown>,
): Directive[] {
  const entry = store.get(name);
  if (!entry) return [];
  const entity = { kind: "lua-plugin", id: name };
  const out: Directive[] = [];
  for (const [key, schema] of Object.entries(entry.manifest.params.properties)) {
    const value = params[key] ?? schema.default;
    const env = envName(name, key);
    out.push(
      value === undefined
        ? d("unsetenv", [env], entity)
        : d("setenv", [env, cfgQuote(envValue(value))], entity),
    );
  }
  const load = entry.manifest.perThread ? "lua-load-per-thread" : "lua-load";
  out.push(d(load, [store.scriptPath(entry.hash)], entity));
  return out;
}

/** The render hook: every enabled plugin of the state, in its order. */
export function luaRender(store: () => LuaStore | undefined): RenderHook {
  return (model, state) => {
    const s = store();
    const lua = (state as { lua?: LuaState }).lua;
    if (!s || !lua) return;
    const global = model.section("global");
    if (!global) return;
    for (const p of lua.plugins) {
      if (!p.enabled) continue;
      global.directives.push(...pluginDirectives(s, p.name, p.params));
      const registers = s.get(p.name)?.manifest.registers ?? [];
      const responses = registers.filter((r) => r.scope === "http-response");
      const names = registers.filter(referenced).map((r) => r.name);
      if (!responses.length || !names.length) continue;
      const uses = new RegExp(
        `(^|[\\s(,])lua\\.(${names.join("|")})($|[\\s(,])`,
      );
      for (const f of state.haproxy.frontends) {
        if (!f.httpRequest.some((r) => uses.test(r.action))) continue;
        const section = model.section("frontend", f.id);
        if (!section) continue;
        const last = section.directives.findLastIndex((x) => x.keyword === "http-request");
        const lines = responses.map((r) =>
          d("http-response", [`lua.${r.name}`], { kind: "lua-plugin", id: p.name })
        );
        section.directives.splice(last < 0 ? section.directives.length : last + 1, 0, ...lines);
      }
    }
  };
}
