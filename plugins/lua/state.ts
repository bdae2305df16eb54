/**
 * The `lua` state key: which installed plugins the config loads, and with
 * which params. `lua.plugins[]` is `{name, enabled, params}`; the state
 * never names a script or a path, only an installed plugin.
 *
 * Operators may switch a plugin on and off and change its params; adding,
 * removing or renaming an entry is an admin's change. The checks refuse,
 * each at its path and before anything is rendered: an entry naming no
 * installed plugin, params that break the manifest's schema (or that the
 * environment cannot carry), and two enabled plugins registering one
 * name. {@link registeredNames} is what `lua.*` references in rules are
 * checked against (core/state/confine_check.ts, through the `lua-names`
 * provider).
 *
 * @module
 */
import { z } from "zod";
import type { FieldRole } from "../../core/plugin.ts";
import type { RefIssue, State, StateCheck } from "../../core/state/schema.ts";
import { validateParams } from "./json_schema.ts";
import { referenced, REFERENCED_KINDS } from "./manifest.ts";
import { envValue } from "./render.ts";
import type { LuaStore } from "./store.ts";

const PluginRef = z.object({
  /** The installed plugin's name (`GET /api/lua-plugins`). */
  name: z.string().max(63),
  /** Whether the config loads it. */
  enabled: z.boolean().default(true),
  /** Params, checked against the manifest's schema. */
  params: z.record(z.string(), z.unknown()).default({}),
}).strict();

/** The `lua` state key's schema. */
export const LuaStateSchema = z.object({
  plugins: z.array(PluginRef).max(64).default([]),
}).strict().default({ plugins: [] });

/** The parsed `lua` key. */
export type LuaState = z.infer<typeof LuaStateSchema>;

/** Who may change what under `lua`: operators toggle and parameterise, admins do the rest. */
export const LUA_FIELD_ROLES: FieldRole[] = [
  { path: "lua", role: "admin" },
  { path: "lua.plugins.*.enabled", role: "operator" },
  { path: "lua.plugins.*.params", role: "operator" },
];

/** Longest environment value a param may render to (HAProxy reads config lines of 2 KiB). */
export const MAX_PARAM_BYTES = 1024;

const luaOf = (state: State): LuaState => (state as { lua?: LuaState }).lua ?? { plugins: [] };

/** The names (without `lua.`) that the enabled, installed plugins of `state` register. */
export function registeredNames(state: State, store: LuaStore | undefined): Set<string> {
  const names = new Set<string>();
  for (const p of luaOf(state).plugins) {
    const entry = p.enabled ? store?.get(p.name) : undefined;
    for (const r of entry?.manifest.registers ?? []) {
      if (referenced(r)) names.add(r.name);
    }
  }
  return names;
}

/** The state check of the `lua` key. */
export function luaCheck(store: () => LuaStore | undefined): StateCheck {
  return (state) => {
    const s = store();
    const issues: RefIssue[] = [];
    const seen = new Set<string>();
    const owner = new Map<string, string>();
    luaOf(state).plugins.forEach((p, i) => {
      const at = ["lua", "plugins", i];
      if (seen.has(p.name)) {
        issues.push({ path: [...at, "name"], message: `plugin '${p.name}' is listed twice` });
        return;
      }
      seen.add(p.name);
      const entry = s?.get(p.name);
      if (!entry) {
        issues.push({
          path: [...at, "name"],
          message: `Lua plugin '${p.name}' is not installed (POST /api/lua-plugins)`,
        });
        return;
      }
      const schemaIssues = validateParams(p.params, entry.manifest.params);
      for (const issue of schemaIssues) {
        issues.push({ path: [...at, "params", ...issue.path], message: issue.message });
      }
      if (!schemaIssues.length) issues.push(...carriable(p.params, [...at, "params"]));
      if (!p.enabled) return;
      for (const r of entry.manifest.registers) {
        if (!REFERENCED_KINDS.has(r.kind)) continue;
        const other = owner.get(r.name);
        if (other && other !== p.name) {
          issues.push({
            path: [...at, "enabled"],
            message: `'lua.${r.name}' is registered by the enabled plugin '${other}' too`,
          });
        } else owner.set(r.name, p.name);
      }
    });
    return issues;
  };
}

/** Params an environment variable cannot hold: control characters, spaces in list items, size. */
function carriable(params: Record<string, unknown>, at: (string | number)[]): RefIssue[] {
  const issues: RefIssue[] = [];
  for (const [key, value] of Object.entries(params)) {
    const items = Array.isArray(value) ? value : [value];
    items.forEach((item, i) => {
      const path = Array.isArray(value) ? [...at, key, i] : [...at, key];
      const text = String(item);
      // deno-lint-ignore no-control-regex
      if (/[\x00-\x1f\x7f]/.test(text)) {
        issues.push({ path, message: "control characters (newlines, tabs) cannot be passed" });
      } else if (Array.isArray(value) && /\s/.test(text)) {
        issues.push({ path, message: "list items are passed space-separated: no blanks inside" });
      }
    });
    if (new TextEncoder().encode(envValue(value)).length > MAX_PARAM_BYTES) {
      issues.push({ path: [...at, key], message: `longer than ${MAX_PARAM_BYTES} bytes` });
    }
  }
  return issues;
}
