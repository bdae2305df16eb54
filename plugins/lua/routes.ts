/**
 * `/api/lua-plugins`: upload (admin; `?replace=true` to replace), list
 * (manifest, hash, size, where each is used), describe with source, delete
 * (admin; 409 while the state lists the plugin); `/api/lua-library`: the
 * shipped plugins, installable in one call. Writes are audited as
 * `lua-plugin`.
 *
 * @module
 */
import { z } from "zod";
import { conflict, notFound } from "../../core/errors.ts";
import type { State } from "../../core/state/schema.ts";
import { Mutex } from "../../core/apply/mutex.ts";
import { MAX_SCRIPT_BYTES } from "./check.ts";
import { checkName, install, type InstallContext, stateEntries } from "./install.ts";
import { LIBRARY, libraryPlugin } from "./library.ts";
import type { Installed } from "./store.ts";

const UploadBody = z.object({
  name: z.string().max(63),
  script: z.string().max(MAX_SCRIPT_BYTES * 4),
  manifest: z.record(z.string(), z.unknown()).optional(),
}).strict();

/**
 * Where a plugin is used: its `lua.plugins` entries, and every state string
 * that names one of its registrations (`lua.cors` in a rule).
 */
export function usage(state: State, entry: Installed) {
  const lua = (state as { lua?: { plugins: { name: string; enabled: boolean }[] } }).lua;
  const entries = (lua?.plugins ?? []).flatMap((p, i) =>
    p.name === entry.name ? [{ path: `lua.plugins.${i}`, enabled: p.enabled }] : []
  );
  const names = entry.manifest.registers.map((r) => `lua\\.${r.name}`);
  const rules: string[] = [];
  const walk = (v: unknown, path: string) => {
    if (typeof v === "string") {
      if (names.some((n) => new RegExp(`(^|[^A-Za-z0-9_.-])${n}($|[^A-Za-z0-9_])`).test(v))) {
        rules.push(path);
      }
    } else if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${path}.${i}`));
    else if (v && typeof v === "object") {
      for (const [k, x] of Object.entries(v)) walk(x, path ? `${path}.${k}` : k);
    }
  };
  walk(state.haproxy, "haproxy");
  walk(state.acls, "acls");
  return { entries, rules };
}

/** Registers the routes; `writes` orders installs (shared with peer-received plugins). */
export function luaRoutes(ctx: InstallContext, writes = new Mutex()): void {
  const { host, store } = ctx;
  const summary = (e: Installed) => ({
    name: e.name,
    hash: e.hash,
    size: e.size,
    manifest: e.manifest,
    uploadedAt: e.uploadedAt,
    uploadedBy: e.uploadedBy,
    usedBy: usage(host.state(), e),
  });

  host.route("POST", "/api/lua-plugins", {
    role: "admin",
    tier: "write",
    summary: "Upload a Lua plugin (name, script, manifest); checked with luac and haproxy -c",
  }, async (req) => {
    const body = await req.body(UploadBody);
    const replace = req.url.searchParams.get("replace") === "true";
    return await writes.run(() => install(ctx, { ...body, replace, actor: req.actor }));
  });

  host.route("GET", "/api/lua-plugins", {
    role: "viewer",
    tier: "read",
    summary: "Installed Lua plugins: manifest, hash, size, where each is used",
  }, () => ({ plugins: store.list().map(summary) }));

  host.route("GET", "/api/lua-plugins/:name", {
    role: "viewer",
    tier: "read",
    summary: "One installed Lua plugin: manifest, use and source",
  }, async (req) => {
    const name = checkName(req.params.name);
    const entry = store.get(name);
    if (!entry) throw notFound(`Lua plugin '${name}' is not installed`);
    return { ...summary(entry), source: await store.source(entry) };
  });

  host.route("DELETE", "/api/lua-plugins/:name", {
    role: "admin",
    tier: "write",
    summary: "Delete an installed Lua plugin; 409 while the state lists it",
  }, async (req) => {
    const name = checkName(req.params.name);
    return await writes.run(async () => {
      const entry = store.get(name);
      if (!entry) throw notFound(`Lua plugin '${name}' is not installed`);
      const used = stateEntries(host, name);
      if (used.length) {
        throw conflict(
          `Lua plugin '${name}' is listed in the state (${
            used.map((i) => `lua.plugins.${i}`).join(", ")
          }); remove it there first`,
          { usedBy: used.map((i) => `lua.plugins.${i}`) },
        );
      }
      await store.remove(name);
      await store.prune(await Deno.readTextFile(host.paths.cfg).catch(() => ""));
      host.audit.record({
        actor: req.actor,
        category: "lua-plugin",
        action: "delete",
        target: name,
        details: { hash: entry.hash },
        outcome: "success",
      });
      return { ok: true, name };
    });
  });

  host.route("GET", "/api/lua-library", {
    role: "viewer",
    tier: "read",
    summary: "The Lua plugins patchpanel ships, and whether each is installed",
  }, async () => {
    const plugins = [];
    for (const name of LIBRARY) {
      const lib = await libraryPlugin(name);
      const installed = store.get(name);
      plugins.push({ name, manifest: lib?.manifest, installed: installed?.hash ?? null });
    }
    return { plugins };
  });

  host.route("POST", "/api/lua-library/:name/install", {
    role: "admin",
    tier: "write",
    summary: "Install (or with ?replace=true update) one of the shipped Lua plugins",
  }, async (req) => {
    const lib = await libraryPlugin(req.params.name);
    if (!lib) throw notFound(`no shipped Lua plugin '${req.params.name}'`);
    const replace = req.url.searchParams.get("replace") === "true";
    return await writes.run(() =>
      install(ctx, { name: lib.name, script: lib.script, replace, actor: req.actor })
    );
  });
}
