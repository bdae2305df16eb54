// deno-lint-ignore-file no-explicit-any
import assert from "node:assert/strict";
import { z } from "zod";
import { composeStateSchema } from "../core/state/schema.ts";
import { CORE_FIELD_ROLES } from "../core/security/core_roles.ts";
import { Registry } from "../core/registry.ts";
import { StartupError } from "../core/errors.ts";
import { definePlugin } from "../core/plugin.ts";
import { defaultPlugins } from "../plugins/mod.ts";

/** Every object property of a JSON Schema, as `*`-patterned paths, with its children. */
function fieldTree(node: any, path: string[] = [], out = new Map<string, string[]>()) {
  const key = path.join(".");
  if (!out.has(key)) out.set(key, []);
  const visit = (n: any, p: string[]) => {
    if (!n || typeof n !== "object") return;
    for (const alt of [...(n.anyOf ?? []), ...(n.oneOf ?? []), ...(n.allOf ?? [])]) visit(alt, p);
    if (n.items) visit(n.items, [...p, "*"]);
    for (const [k, child] of Object.entries(n.properties ?? {})) {
      const childPath = [...p, k];
      const parent = p.join(".");
      const list = out.get(parent) ?? [];
      if (!list.includes(k)) list.push(k);
      out.set(parent, list);
      if (!out.has(childPath.join("."))) out.set(childPath.join("."), []);
      visit(child, childPath);
    }
  };
  visit(node, path);
  return out;
}

const exact = new Set(CORE_FIELD_ROLES.filter((r) => !r.value).map((r) => r.path));

Deno.test("core field roles - every field of the core schema is classified explicitly", () => {
  const schema = z.toJSONSchema(composeStateSchema({}, []), {
    io: "input",
    unrepresentable: "any",
  });
  const tree = fieldTree(schema);
  const children = (p: string) => tree.get(p) ?? [];
  const join = (p: string, k: string) => (p ? `${p}.${k}` : k);
  const childPaths = (p: string): string[] => {
    // Array items appear as `*` segments between a field and its item's fields.
    const direct = children(p).map((k) => join(p, k));
    return tree.has(join(p, "*")) ? [...direct, ...childPaths(join(p, "*"))] : direct;
  };
  const classified = (p: string): boolean => {
    if (exact.has(p)) return true;
    const kids = childPaths(p);
    return kids.length > 0 && kids.every(classified);
  };
  const missing: string[] = [];
  for (const p of tree.keys()) {
    const kids = childPaths(p);
    // Where any field of an object is listed, all its fields must be: a new one fails here.
    if (p === "" || kids.some((k) => exact.has(k))) {
      for (const k of kids) if (!classified(k)) missing.push(k);
    }
  }
  assert.deepEqual(missing, []);
  // Sanity: the walk saw the deep fields it must see.
  assert.ok(tree.has("haproxy.global.statsSockets.*.level"));
  assert.ok(tree.has("haproxy.frontends.*.binds.*.options"));
  // And no rule names a field the schema does not have (a typo would guard nothing).
  const known = new Set(tree.keys());
  const strays = CORE_FIELD_ROLES.map((r) => r.path).filter((p) => !known.has(p));
  assert.deepEqual(strays, []);
});

Deno.test("plugin field roles - each built-in plugin's state keys declare their roles", () => {
  for (const plugin of defaultPlugins()) {
    for (const key of Object.keys(plugin.schema ?? {})) {
      const rules = plugin.fieldRoles ?? [];
      assert.ok(
        rules.some((r) => r.path === key && !r.value),
        `plugin '${plugin.name}' declares no field role for its state key '${key}'`,
      );
    }
  }
  const registry = new Registry(defaultPlugins());
  const roles = registry.compiledFieldRoles();
  assert.equal(roles.required(["geoip", "cityDb"]), "admin");
  assert.equal(roles.required(["geoip", "enabled"]), "operator");
  assert.equal(roles.required(["tls", "certs", 0, "domains", 0]), "operator");
  assert.equal(roles.required(["tls", "providers", 0, "kind"]), "admin");
  assert.equal(roles.required(["trustedCas", 0, "name"]), "operator");
  assert.equal(roles.required(["haproxy", "global", "statsSockets", 0, "level"]), "admin");
});

Deno.test("plugin field roles - a plugin cannot loosen fields outside its own keys, nor declare a bad rule", () => {
  const refuses = (
    fieldRoles: any[],
    schema: Record<string, z.ZodType> = { mine: z.object({}) },
  ) => {
    const p = definePlugin({ name: "sneaky", schema, fieldRoles });
    assert.throws(
      () => new Registry([p]),
      (e: unknown) => e instanceof StartupError && e.code === "FIELD_ROLE_INVALID",
    );
  };
  refuses([{ path: "haproxy.global.statsSockets", role: "operator" }]);
  refuses([{ path: "*", role: "operator" }]);
  refuses([{ path: "mine", role: "operator" }], {});
  refuses([{ path: "mine..x", role: "operator" }]);
  refuses([{ path: "mine", role: "superuser" }]);
  refuses([{ path: "mine", role: "admin", value: "[" }]);
  // Undeclared plugin keys stay admin-only.
  const quiet = new Registry([definePlugin({ name: "quiet", schema: { quiet: z.object({}) } })]);
  assert.equal(quiet.compiledFieldRoles().required(["quiet", "x"]), "admin");
  const fine = new Registry([
    definePlugin({
      name: "fine",
      schema: { fine: z.object({}) },
      fieldRoles: [{ path: "fine", role: "operator" }],
    }),
  ]);
  assert.equal(fine.compiledFieldRoles().required(["fine", "x"]), "operator");
});
