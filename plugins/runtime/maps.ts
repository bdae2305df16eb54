/**
 * Runtime map entries. A state map (`state.maps[]`) is always file-backed:
 * HAProxy loads `<data>/maps/<name>.map` for every `map*(@<name>)` converter
 * in the cfg. An entry set or removed here is sent to HAProxy (`add map`,
 * `set map`, `del map` on that file), written to the file and recorded in
 * `state.maps[i].entries` through the pipeline's `adoptRuntime` (state.json,
 * snapshot, audit, no reload), so it survives restarts and later applies.
 * A map no rule uses is not loaded by HAProxy: its changes go to the file
 * and the state only, and the answer says `loaded: false`.
 *
 * @module
 */
import { z } from "zod";
import { conflict, haproxyRefused, notFound } from "../../core/errors.ts";
import type { PluginHost, RequestContext } from "../../core/plugin.ts";
import { mapFilePath } from "../../core/render/operator_files.ts";
import type { StateMapModel } from "../../core/state/haproxy_schema.ts";
import { audited, type RuntimeApi } from "./admin.ts";
import { checkName, checkValue, command, value, word } from "./command.ts";

const SetBody = z.object({ key: z.string().min(1).max(1024), value: z.string().min(1).max(1024) })
  .strict();
const DelBody = z.object({ key: z.string().min(1).max(1024) }).strict();

/** One map HAProxy holds, as `show map` lists it. */
export interface MapRef {
  /** HAProxy's id (`-1` for file-loaded maps on 2.6). */
  id: number;
  /** The file it was loaded from. */
  file: string;
  /** Entries HAProxy holds now. */
  entryCount: number;
}

/** Parses `show map`: one line per loaded map, `<id> (<file>) <description> ... entry_cnt=N`. */
export function parseMapRefs(output: string): MapRef[] {
  const refs: MapRef[] = [];
  for (const line of output.split("\n")) {
    const m = /^(-?\d+) \((.+?)\) (.*)$/.exec(line);
    if (!m) continue;
    const count = / entry_cnt=(\d+)/.exec(m[3]);
    refs.push({ id: Number(m[1]), file: m[2], entryCount: count ? Number(count[1]) : 0 });
  }
  return refs;
}

/** Parses `show map <file>`: `0x<ptr> <key> <value>` lines, in match order. */
export function parseMapEntries(output: string): { key: string; value: string }[] {
  const out: { key: string; value: string }[] = [];
  for (const line of output.split("\n")) {
    const m = /^0x[0-9a-f]+ (\S+) (.*)$/.exec(line);
    if (m) out.push({ key: m[1], value: m[2] });
  }
  return out;
}

/** Registers the map listing and entry routes. */
export function mapRoutes(host: PluginHost, api: RuntimeApi): void {
  const find = (name: string): { index: number; map: StateMapModel } => {
    checkName(name, "map name");
    const index = (host.state().maps ?? []).findIndex((m) => m.name === name);
    if (index < 0) throw notFound(`map ${name} not found in state.maps`);
    return { index, map: host.state().maps[index] };
  };
  const loadedFiles = async () =>
    new Map(
      parseMapRefs(await api.read(command(word("show map")), "maps")).map((r) => [r.file, r]),
    );

  host.route("GET", "/api/runtime/maps", {
    role: "viewer",
    tier: "read",
    summary: "The state's maps, their files, and whether HAProxy has them loaded",
  }, async () => {
    const loaded = await loadedFiles();
    return {
      maps: (host.state().maps ?? []).map((m) => {
        const file = mapFilePath(host.paths, m.name);
        const ref = loaded.get(file);
        return {
          name: m.name,
          file,
          loaded: ref !== undefined,
          entryCount: m.entries.length,
          runtimeEntryCount: ref?.entryCount ?? null,
        };
      }),
    };
  });

  host.route("GET", "/api/runtime/maps/:name", {
    role: "viewer",
    tier: "read",
    summary: "One map's entries as HAProxy holds them (the state's when it is not loaded)",
  }, async (ctx) => {
    const { map } = find(ctx.params.name);
    const file = mapFilePath(host.paths, map.name);
    const loaded = (await loadedFiles()).has(file);
    const entries = loaded
      ? parseMapEntries(await api.read(command(word("show map"), value(file, "file")), file))
      : map.entries;
    return { name: map.name, file, loaded, entries };
  });

  host.route("POST", "/api/runtime/maps/:name/entries", {
    role: "operator",
    tier: "write",
    summary: "Add or set a map entry at run time (written to the map file and the state)",
  }, async (ctx) => {
    const { key, value: v } = await ctx.body(SetBody);
    return await change(ctx, checkValue(key, "key"), checkValue(v, "value"));
  });

  host.route("DELETE", "/api/runtime/maps/:name/entries", {
    role: "operator",
    tier: "write",
    summary: "Remove a map entry at run time (written to the map file and the state)",
  }, async (ctx) => {
    const { key } = await ctx.body(DelBody);
    return await change(ctx, checkValue(key, "key"), null);
  });

  /** Sets (`entry` given) or removes (`null`) one key, in HAProxy, the file and the state. */
  async function change(ctx: RequestContext, key: string, entry: string | null) {
    const { index, map } = find(ctx.params.name);
    const file = mapFilePath(host.paths, map.name);
    const present = map.entries.some((e) => e.key === key);
    const op = entry === null ? "del" : present ? "set" : "add";
    if (op === "del" && !present) throw notFound(`map ${map.name} has no key '${key}'`);
    return await audited(host.audit, {
      actor: ctx.actor,
      action: `map:${op}`,
      target: map.name,
      details: { key, value: entry },
    }, async () => {
      if (op === "set" && map.entries.every((e) => e.key !== key || e.value === entry)) {
        return { map: map.name, key, value: entry, op, changed: false, file, snapshotId: null };
      }
      let loaded = false;
      const result = await host.adoptRuntime((state) => {
        const m = state.maps[index];
        if (m?.name !== map.name) {
          throw conflict("state.maps changed meanwhile; retry");
        }
        if (op === "del") m.entries = m.entries.filter((e) => e.key !== key);
        else if (op === "set") {
          m.entries = m.entries.map((e) => e.key === key ? { key, value: entry! } : e);
        } else m.entries = [...m.entries, { key, value: entry! }];
        return state;
      }, async () => {
        loaded = (await loadedFiles()).has(file);
        if (loaded) await send(op, file, key, entry);
      }, {
        actor: ctx.actor,
        reason: `runtime:map-${op}:${map.name}`,
        role: ctx.principal?.role ?? "viewer",
      });
      return {
        map: map.name,
        key,
        value: entry,
        op,
        changed: true,
        loaded,
        file,
        snapshotId: result.snapshotId,
      };
    });
  }

  /** `add|set|del map <file> ...`; a `set` HAProxy does not find is an `add`. */
  async function send(op: "add" | "set" | "del", file: string, key: string, entry: string | null) {
    const parts = [word(`${op} map`), value(file, "file"), value(key, "key")];
    if (entry !== null) parts.push(value(entry, "value"));
    const reply = await api.attempt(command(...parts));
    if (reply.kind === "done" || (op === "del" && reply.kind === "missing")) return;
    if (op === "set" && reply.kind === "missing") return send("add", file, key, entry);
    throw haproxyRefused(`HAProxy refused '${op} map ${file}'`, reply.output);
  }
}
