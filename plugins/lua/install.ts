/**
 * Installing a Lua plugin: the one path every upload (the API's and the
 * library's) takes. Checks the text and the manifest, runs luac and
 * `haproxy -c` (check.ts), stores the script by hash, and, when the state
 * lists the plugin, re-applies the state so the new bytes are what HAProxy
 * runs; a refused apply puts the previous version back. Audited as
 * `lua-plugin` `upload`/`replace`, success or failure.
 *
 * @module
 */
import { badRequest, conflict } from "../../core/errors.ts";
import type { PluginHost } from "../../core/plugin.ts";
import { checkScript, textProblem } from "./check.ts";
import { leadingManifest, type Manifest, parseManifest, PLUGIN_NAME } from "./manifest.ts";
import { type Installed, type LuaStore, sha256Hex } from "./store.ts";
import type { LuaState } from "./state.ts";

/** What an install needs besides the upload. */
export interface InstallContext {
  host: PluginHost;
  store: LuaStore;
  luac: string;
}

/** One upload. */
export interface Upload {
  name: string;
  script: string;
  manifest?: unknown;
  replace: boolean;
  actor: string;
}

/** The installed plugin, and what the install did. */
export interface InstallResult {
  name: string;
  hash: string;
  size: number;
  manifest: Manifest;
  replaced: boolean;
  /** Whether the state lists the plugin, so the install re-applied it. */
  applied: boolean;
}

/** Refuses a name that is not a plugin name (400). */
export function checkName(name: string): string {
  if (!PLUGIN_NAME.test(name) || name.length > 63) {
    throw badRequest(`invalid Lua plugin name '${name}': kebab-case, at most 63 characters`);
  }
  return name;
}

/** The indexes of state entries that name `name`. */
export function stateEntries(host: PluginHost, name: string): number[] {
  const lua = (host.state() as { lua?: LuaState }).lua;
  return (lua?.plugins ?? []).flatMap((p, i) => (p.name === name ? [i] : []));
}

/** An upload that passed every check, ready to store. */
export interface CheckedUpload {
  entry: Installed;
  bytes: Uint8Array;
  /** The installed plugin of the same name, if any. */
  existing: Installed | undefined;
}

/**
 * Every check an upload passes before anything is stored: name, text,
 * manifest, an existing plugin without `replace` (409), luac and `haproxy
 * -c`. Failures are audited and thrown as the documented 400/409. A
 * plugin received from a peer (files.ts) takes the same checks.
 */
export async function checkUpload(ctx: InstallContext, up: Upload): Promise<CheckedUpload> {
  const { host, store } = ctx;
  const name = checkName(up.name);
  const fail = (error: string, output?: string): never => {
    host.audit.record({
      actor: up.actor,
      category: "lua-plugin",
      action: "upload",
      target: name,
      details: output === undefined ? { error } : { error, output },
      outcome: "failure",
    });
    throw badRequest(error, output === undefined ? {} : { output });
  };
  const text = textProblem(up.script);
  if (text) fail(text);
  const raw = up.manifest ?? leadingManifest(up.script);
  if (raw === null || raw === undefined) {
    fail("a manifest is needed: send `manifest`, or open the script with a --[[patchpanel block");
  }
  const parsed = parseManifest(name, raw);
  if (!parsed.ok) return fail(parsed.error);
  const manifest = parsed.manifest;
  const existing = store.get(name);
  if (existing && !up.replace) {
    throw conflict(`Lua plugin '${name}' is installed; send ?replace=true to replace it`);
  }
  const verdict = await checkScript(manifest, up.script, {
    luac: ctx.luac,
    haproxy: host.haproxy.binary,
    stagingRoot: `${host.paths.plugin("lua")}/staging`,
  });
  if (!verdict.ok) fail(verdict.error, verdict.output);
  const bytes = new TextEncoder().encode(up.script);
  const entry: Installed = {
    name,
    hash: await sha256Hex(bytes),
    size: bytes.length,
    manifest,
    uploadedAt: new Date().toISOString(),
    uploadedBy: up.actor,
  };
  return { entry, bytes, existing };
}

/** Installs (or replaces) a plugin; throws the documented 400/409 or the apply's error. */
export async function install(ctx: InstallContext, up: Upload): Promise<InstallResult> {
  const { host, store } = ctx;
  const { entry, bytes, existing } = await checkUpload(ctx, up);
  const { name, manifest } = entry;
  const previous = await store.put(entry, bytes);
  const applied = stateEntries(host, name).length > 0;
  if (applied) {
    try {
      await host.apply(structuredClone(host.state()), {
        actor: up.actor,
        reason: `lua-plugin-${existing ? "replaced" : "installed"}:${name}`,
      });
    } catch (error) {
      await store.restore(name, previous);
      host.audit.record({
        actor: up.actor,
        category: "lua-plugin",
        action: existing ? "replace" : "upload",
        target: name,
        details: { hash: entry.hash, error: (error as Error).message },
        outcome: "failure",
      });
      throw error;
    }
  }
  await store.prune(await Deno.readTextFile(host.paths.cfg).catch(() => ""));
  host.audit.record({
    actor: up.actor,
    category: "lua-plugin",
    action: existing ? "replace" : "upload",
    target: name,
    details: { hash: entry.hash, size: entry.size, version: manifest.version, applied },
    outcome: "success",
  });
  return { name, hash: entry.hash, size: entry.size, manifest, replaced: !!existing, applied };
}
