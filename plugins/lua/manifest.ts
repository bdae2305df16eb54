/**
 * A Lua plugin's manifest: what it is called, what it registers in HAProxy
 * (`core.register_action("cors", ...)` → `lua.cors`), which params it takes
 * (a JSON Schema subset, json_schema.ts) and whether it loads per thread.
 *
 * The manifest travels beside the script in an upload, or opens the script
 * as a block comment whose body is JSON:
 *
 * ```lua
 * --[[patchpanel
 * {"name": "cors", "version": "1.0.0", "registers": [{"kind": "action", "name": "cors"}]}
 * ]]
 * ```
 *
 * The upload check (check.ts) proves the declaration against the script:
 * every declared name must be usable in a config, and nothing undeclared
 * may be registered.
 *
 * @module
 */
import { z } from "zod";
import { PARAM_NAME, type ParamsSchema, schemaProblems } from "./json_schema.ts";

/** Plugin names: kebab-case, no doubled hyphen (they map to environment variable names). */
export const PLUGIN_NAME = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;

/** Registered names: what follows `lua.` in the config. */
export const REGISTERED_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** The kinds of things a script registers, as HAProxy's `core.register_*` functions name them. */
export const KINDS = ["action", "service", "fetch", "converter", "task", "cli"] as const;

/** Kinds a state rule refers to as `lua.<name>`; tasks and CLI commands are not referenced. */
export const REFERENCED_KINDS: ReadonlySet<string> = new Set([
  "action",
  "service",
  "fetch",
  "converter",
]);

/** Whether a state rule may name `r` (response actions are rendered, never written). */
export function referenced(r: Registration): boolean {
  return REFERENCED_KINDS.has(r.kind) && r.scope !== "http-response";
}

const Registration = z.object({
  kind: z.enum(KINDS),
  name: z.string().max(200),
  /**
   * Where it runs: `http` (default) and `tcp` rules, or `http-response` for
   * an action the renderer adds as `http-response lua.<name>` to every
   * frontend whose rules use one of the same plugin's other names.
   */
  scope: z.enum(["http", "tcp", "http-response"]).optional(),
  /** Arguments an action takes (`core.register_action`'s `nb_args`). */
  args: z.number().int().min(0).max(8).optional(),
}).strict();

/** One declared registration. */
export type Registration = z.infer<typeof Registration>;

const ManifestShape = z.object({
  name: z.string().max(63).optional(),
  version: z.string().min(1).max(40),
  description: z.string().max(1000).default(""),
  registers: z.array(Registration).max(64),
  params: z.unknown().default({ type: "object", properties: {} }),
  perThread: z.boolean().default(false),
}).strict();

/** A checked manifest. */
export interface Manifest {
  name: string;
  version: string;
  description: string;
  registers: Registration[];
  params: ParamsSchema;
  perThread: boolean;
}

/** A manifest, or why it is refused. */
export type ManifestResult = { ok: true; manifest: Manifest } | { ok: false; error: string };

const LEADING = /^--\[\[patchpanel[ \t]*\r?\n([\s\S]*?)\r?\n\]\]/;

/** The JSON of the leading `--[[patchpanel ... ]]` block, or null when the script has none. */
export function leadingManifest(script: string): string | null {
  return LEADING.exec(script)?.[1] ?? null;
}

/**
 * Parses and checks a manifest for the plugin `name`: `raw` is the sent
 * manifest (an object) or the leading comment's JSON text.
 */
export function parseManifest(name: string, raw: unknown): ManifestResult {
  let value = raw;
  if (typeof raw === "string") {
    try {
      value = JSON.parse(raw);
    } catch (e) {
      return { ok: false, error: `manifest is not JSON: ${(e as Error).message}` };
    }
  }
  const parsed = ManifestShape.safeParse(value);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    return { ok: false, error: `manifest.${first.path.join(".")}: ${first.message}` };
  }
  const m = parsed.data;
  if (m.name !== undefined && m.name !== name) {
    return { ok: false, error: `manifest names '${m.name}', the upload '${name}'` };
  }
  const problems = schemaProblems(m.params);
  const seen = new Set<string>();
  for (const r of m.registers) {
    if (!REGISTERED_NAME.test(r.name)) {
      problems.push(`registers: '${r.name}' must match ${REGISTERED_NAME.source}`);
    }
    if (r.args !== undefined && r.kind !== "action") {
      problems.push(`registers: '${r.name}': args is for actions only`);
    }
    if (r.scope !== undefined && r.kind !== "action" && r.kind !== "service") {
      problems.push(`registers: '${r.name}': scope is for actions and services only`);
    }
    if (r.scope === "http-response" && r.kind !== "action") {
      problems.push(`registers: '${r.name}': only actions run in http-response`);
    }
    const key = `${r.kind}:${r.name}`;
    if (seen.has(key)) problems.push(`registers: ${r.kind} '${r.name}' is declared twice`);
    seen.add(key);
  }
  const envs = new Set<string>();
  for (const p of Object.keys((m.params as ParamsSchema)?.properties ?? {})) {
    if (!PARAM_NAME.test(p)) continue;
    const env = envName(name, p);
    if (envs.has(env)) problems.push(`params: '${p}' and another param share ${env}`);
    envs.add(env);
  }
  if (problems.length) return { ok: false, error: problems.join("; ") };
  return {
    ok: true,
    manifest: {
      name,
      version: m.version,
      description: m.description,
      registers: m.registers,
      params: m.params as ParamsSchema,
      perThread: m.perThread,
    },
  };
}

/** The environment variable a param reaches the script in: `PP_LUA_<PLUGIN>__<PARAM>`. */
export function envName(plugin: string, param: string): string {
  const up = (s: string) => s.toUpperCase().replace(/-/g, "_");
  return `PP_LUA_${up(plugin)}__${up(param)}`;
}
