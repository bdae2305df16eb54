/**
 * Checked registration: collects what plugins register (routes, render
 * hooks, services, state and config fragments) as data, refusing anything
 * ambiguous with a coded {@link StartupError}, and refusing everything once
 * the server serves.
 *
 * @module
 */
import type { z } from "zod";
import { HttpError, StartupError } from "./errors.ts";
import { PluginError, type PluginFailureReporter, type PluginFailureSite } from "./plugin_error.ts";
import type {
  FieldRole,
  Handler,
  Method,
  Plugin,
  RenderHook,
  RouteOptions,
  RouteRecord,
  Service,
} from "./plugin.ts";
import type { PageDefinition, PageRecord } from "./pages.ts";
import { CORE_KEYS, type StateCheck } from "./state/schema.ts";
import { coreConfigShape } from "./config.ts";
import { ProviderRegistry, type Providers } from "./providers.ts";
import { StateFiles, type StateFileSource } from "./state_files.ts";
import { CORE_FIELD_ROLES } from "./security/core_roles.ts";
import { EventNames } from "./event_names.ts";
import { checkPluginShape, orderPlugins } from "./plugin_order.ts";
import { VERSION } from "./version.ts";
import { FieldRoleError, FieldRoles } from "./security/field_roles.ts";
import { dataPaths, PLUGIN_DIR_NAME, type PluginDataDir } from "./paths.ts";
import {
  CORE_ENTITY_KEYS,
  type EntityFields,
  type ExtensibleEntity,
} from "./state/entity_fields.ts";

/** Where each extensible entity sits in the state, as a field-role path prefix. */
const ENTITY_PATHS: Readonly<Record<ExtensibleEntity, string>> = {
  frontend: "haproxy.frontends.*",
  bind: "haproxy.frontends.*.binds.*",
  backend: "haproxy.backends.*",
  server: "haproxy.backends.*.servers.*",
};

/** Options of a {@link Registry}. */
export interface RegistryOptions {
  /** The core's own plugins (by name), which may emit core events. */
  trusted?: string[];
  /** The patchpanel version plugins' ranges are checked against (default: this one). */
  version?: string;
}

const ROLES = new Set(["public", "viewer", "operator", "admin"]);
const TIERS = new Set(["read", "write", "auth"]);

/**
 * Everything registered, as plain data the core can list and test.
 *
 * Core machinery, reachable from a `Daemon` for tests and embedders;
 * not part of the plugin API (hence `@internal`: `deno doc` does not list it).
 *
 * @internal
 */
export class Registry {
  readonly plugins: Plugin[];
  readonly routes: RouteRecord[] = [];
  readonly renderHooks: RenderHook[] = [];
  readonly pages: PageRecord[] = [];
  readonly services: { plugin: string; service: Service }[] = [];
  readonly checks: StateCheck[] = [];
  readonly stateFragments: Record<string, z.ZodType> = {};
  readonly configFragments: Record<string, z.ZodType> = {};
  /** The data-directory subdirectories plugins own (`dataDirs`), for `dataPaths`. */
  readonly dataDirs: PluginDataDir[] = [];
  /** Fields plugins add to frontends, binds, backends and servers (`entityFields`). */
  readonly entityFields: EntityFields = {};
  readonly configOwners: Record<string, string> = {};
  /** Who may change which state paths: the core's rules, then each plugin's (`fieldRoles`). */
  readonly fieldRoles: FieldRole[] = [...CORE_FIELD_ROLES];
  /** Capabilities plugins offer each other (`host.provide` / `host.use`). */
  readonly providers = new ProviderRegistry();
  /** Files states reference, by kind, from the plugins that own them (`host.files`). */
  readonly stateFiles = new StateFiles();
  #closed = false;
  #report: PluginFailureReporter = () => {};

  /** Who may emit which event, and which names exist (see `core/event_names.ts`). */
  readonly events: EventNames;

  /**
   * Checks the plugin list: unique names, known keys, the patchpanel
   * version range, dependencies present and then ordered (a plugin comes
   * after those it needs), declared events, keys claimed once. `trusted`
   * names the core's own plugins, which emit core events.
   */
  constructor(plugins: Plugin[], opts: RegistryOptions = {}) {
    const names = new Set<string>();
    for (const p of plugins) {
      if (typeof p?.name !== "string" || !/^[a-z][a-z0-9-]*$/.test(p.name)) {
        throw new StartupError("PLUGIN_DUPLICATE", `plugin name '${p?.name}' must be kebab-case`);
      }
      if (names.has(p.name)) {
        throw new StartupError("PLUGIN_DUPLICATE", `plugin '${p.name}' is registered twice`);
      }
      names.add(p.name);
      checkPluginShape(p, opts.version ?? VERSION);
    }
    this.plugins = plugins = orderPlugins(plugins);
    this.events = new EventNames(plugins, new Set(opts.trusted ?? []));
    const stateOwner: Record<string, string> = Object.fromEntries(
      CORE_KEYS.map((k) => [k, "core"]),
    );
    const entityOwner = new Map<string, string>();
    const configOwner: Record<string, string> = Object.fromEntries(
      Object.keys(coreConfigShape).map((k) => [k, "core"]),
    );
    for (const p of plugins) {
      for (const [key, schema] of Object.entries(p.schema ?? {})) {
        if (stateOwner[key]) {
          throw new StartupError(
            "SCHEMA_KEY_CLAIMED",
            `state key '${key}' is claimed by '${stateOwner[key]}' and '${p.name}'`,
          );
        }
        stateOwner[key] = p.name;
        this.stateFragments[key] = schema;
      }
      claimEntityFields(p, this.entityFields, entityOwner);
      this.dataDirs.push(...claimDataDirs(p, this.dataDirs));
      for (const [key, schema] of Object.entries(p.config ?? {})) {
        if (configOwner[key]) {
          throw new StartupError(
            "SCHEMA_KEY_CLAIMED",
            `config key '${key}' is claimed by '${configOwner[key]}' and '${p.name}'`,
          );
        }
        configOwner[key] = p.name;
        this.configFragments[key] = schema;
        this.configOwners[key] = p.name;
      }
      this.checks.push(...(p.checks ?? []).map((check) => this.#ownedCheck(p.name, check)));
      this.fieldRoles.push(...checkFieldRoles(p));
    }
  }

  /** The field roles compiled for the apply pipeline's authorize step. */
  compiledFieldRoles(): FieldRoles {
    return new FieldRoles(this.fieldRoles);
  }

  /** Registers a route for a plugin; refuses duplicates and missing declarations. */
  route(plugin: string, method: Method, path: string, options: RouteOptions, handler: Handler) {
    this.#open(plugin, `route ${method} ${path}`);
    if (!options || !ROLES.has(options.role) || !TIERS.has(options.tier)) {
      throw new StartupError(
        "ROUTE_INVALID",
        `route ${method} ${path} of '${plugin}' must declare a role and a rate tier`,
      );
    }
    if (!path.startsWith("/")) {
      throw new StartupError("ROUTE_INVALID", `route path '${path}' must start with /`);
    }
    const shape = path.replace(/:[^/]+/g, ":");
    const clash = this.routes.find((r) =>
      r.method === method && r.path.replace(/:[^/]+/g, ":") === shape
    );
    if (clash) {
      throw new StartupError(
        "ROUTE_DUPLICATE",
        `route ${method} ${path} of '${plugin}' is already registered by '${clash.plugin}'`,
      );
    }
    const site: PluginFailureSite = { plugin, kind: "route", method, path };
    this.routes.push({ method, path, options, handler: this.#ownedHandler(site, handler), plugin });
  }

  /** Registers a console page; refuses API paths, missing roles and duplicate paths. */
  page(plugin: string, page: PageDefinition): void {
    this.#open(plugin, `page ${page.path}`);
    if (!page.path.startsWith("/") || page.path.startsWith("/api/") || !ROLES.has(page.role)) {
      throw new StartupError(
        "ROUTE_INVALID",
        `page ${page.path} of '${plugin}' needs a path outside /api/ and a role`,
      );
    }
    const clash = this.pages.find((p) => p.path === page.path);
    if (clash) {
      throw new StartupError(
        "ROUTE_DUPLICATE",
        `page ${page.path} of '${plugin}' is already registered by '${clash.plugin}'`,
      );
    }
    this.pages.push({ ...page, plugin });
  }

  /** Registers a render hook. */
  render(plugin: string, hook: RenderHook): void {
    this.#open(plugin, "render hook");
    this.renderHooks.push((model, state, ctx) => {
      try {
        hook(model, state, ctx);
      } catch (error) {
        throw this.fail({ plugin, kind: "render hook" }, error);
      }
    });
  }

  /** Registers a capability offered to other plugins; refuses a key provided twice. */
  provide<K extends keyof Providers>(plugin: string, key: K, impl: Providers[K]): void {
    this.#open(plugin, `provider ${String(key)}`);
    this.providers.provide(plugin, key, impl);
  }

  /** Registers a kind of file the plugin owns that states reference. */
  files(plugin: string, source: StateFileSource): void {
    this.#open(plugin, `file kind ${source.kind}`);
    this.stateFiles.register(plugin, source);
  }

  /** Registers a background service. */
  service(plugin: string, service: Service): void {
    this.#open(plugin, `service ${service.name}`);
    this.services.push({ plugin, service });
  }

  /**
   * Where plugin failures go (log, audit): the daemon installs one; offline
   * renders keep the default, which drops them (the error still names the plugin).
   */
  reportFailures(report: PluginFailureReporter): void {
    this.#report = report;
  }

  /**
   * Tags what a plugin's piece threw with its owner, reports it once, and
   * returns it to throw. An {@link HttpError} is the plugin's deliberate
   * answer (a 404, a 422) and passes through untouched.
   */
  fail(site: PluginFailureSite, error: unknown): HttpError {
    if (error instanceof HttpError) return error;
    const failure = new PluginError(site, error);
    try {
      this.#report(failure);
    } catch { /* a failing reporter must not hide the failure */ }
    return failure;
  }

  /** Closes registration; later calls throw REGISTRATION_CLOSED. */
  close(): void {
    this.#closed = true;
  }

  /** Whether registration has closed. */
  get closed(): boolean {
    return this.#closed;
  }

  /** The handler, answering what it throws as a 500 that names plugin, method and path. */
  #ownedHandler(site: PluginFailureSite, handler: Handler): Handler {
    const fail = (error: unknown) => {
      throw this.fail(site, error);
    };
    return (ctx) => {
      try {
        const out = handler(ctx);
        return out instanceof Promise ? out.catch(fail) : out;
      } catch (error) {
        return fail(error);
      }
    };
  }

  /** A plugin's check, failing validation with the plugin's name when it throws. */
  #ownedCheck(plugin: string, check: StateCheck): StateCheck {
    return (state) => {
      try {
        return check(state);
      } catch (error) {
        throw this.fail({ plugin, kind: "check" }, error);
      }
    };
  }

  #open(plugin: string, what: string): void {
    if (this.#closed) {
      throw new StartupError(
        "REGISTRATION_CLOSED",
        `plugin '${plugin}' tried to register ${what} after the server started`,
      );
    }
  }
}

/** Names in the data directory the core uses itself (its files and directories). */
const CORE_DATA_NAMES: ReadonlySet<string> = new Set([
  ...Object.values(dataPaths("/")).filter((v): v is string => typeof v === "string")
    .map((v) => v.split("/").pop() ?? "").filter((n) => n !== ""),
  "config.yaml",
]);

/**
 * A plugin's `dataDirs`, checked: one segment each, not the core's, not
 * another plugin's (`taken`).
 */
function claimDataDirs(p: Plugin, taken: readonly PluginDataDir[]): PluginDataDir[] {
  const out: PluginDataDir[] = [];
  for (const [name, spec] of Object.entries(p.dataDirs ?? {})) {
    if (!PLUGIN_DIR_NAME.test(name) || typeof spec?.holds !== "string") {
      throw new StartupError(
        "PLUGIN_INVALID",
        `plugin '${p.name}': data directory '${name}' must be one kebab-case name with 'holds'`,
      );
    }
    const by = CORE_DATA_NAMES.has(name) ? "core" : taken.find((d) => d.name === name)?.plugin;
    if (by) {
      throw new StartupError(
        "SCHEMA_KEY_CLAIMED",
        `data directory '${name}' is claimed by '${by}' and '${p.name}'`,
      );
    }
    out.push({ name, plugin: p.name, holds: spec.holds, keys: spec.keys === true });
  }
  return out;
}

/**
 * Takes a plugin's entity fields into `into`: each on an extensible entity,
 * never a core key or another plugin's, and with a schema that accepts
 * absence (an entity without the field must stay valid).
 */
function claimEntityFields(p: Plugin, into: EntityFields, owner: Map<string, string>): void {
  for (const [entity, fields] of Object.entries(p.entityFields ?? {})) {
    if (!(entity in CORE_ENTITY_KEYS)) {
      throw new StartupError(
        "PLUGIN_INVALID",
        `plugin '${p.name}' adds fields to '${entity}', which is not an extensible entity ` +
          `(${Object.keys(CORE_ENTITY_KEYS).join(", ")})`,
      );
    }
    const e = entity as ExtensibleEntity;
    for (const [key, schema] of Object.entries(fields ?? {})) {
      const id = `${e}.${key}`;
      const by = CORE_ENTITY_KEYS[e].has(key) ? "core" : owner.get(id);
      if (by) {
        throw new StartupError(
          "SCHEMA_KEY_CLAIMED",
          `field '${key}' of a ${e} is claimed by '${by}' and '${p.name}'`,
        );
      }
      if (typeof schema?.safeParse !== "function" || !schema.safeParse(undefined).success) {
        throw new StartupError(
          "PLUGIN_INVALID",
          `plugin '${p.name}': field '${key}' of a ${e} must be optional (a ${e} without it ` +
            `stays valid)`,
        );
      }
      owner.set(id, p.name);
      (into[e] ??= {})[key] = schema;
    }
  }
}

/**
 * A plugin's field roles, checked: each pattern must start with a state key
 * the plugin owns (so no plugin can loosen the core's or another plugin's
 * fields) and must compile.
 */
function checkFieldRoles(p: Plugin): FieldRole[] {
  const own = new Set(Object.keys(p.schema ?? {}));
  const ownFields = Object.entries(p.entityFields ?? {}).flatMap(([entity, fields]) =>
    Object.keys(fields ?? {}).map((k) => `${ENTITY_PATHS[entity as ExtensibleEntity]}.${k}`)
  );
  const inOwnField = (path: string) =>
    ownFields.some((f) => path === f || path.startsWith(`${f}.`));
  const rules = p.fieldRoles ?? [];
  for (const rule of rules) {
    const path = typeof rule?.path === "string" ? rule.path : "";
    if (!own.has(path.split(".")[0]) && !inOwnField(path)) {
      throw new StartupError(
        "FIELD_ROLE_INVALID",
        `plugin '${p.name}' declares a field role for '${rule?.path}', outside its own state keys and entity fields`,
      );
    }
  }
  try {
    new FieldRoles(rules);
  } catch (e) {
    if (e instanceof FieldRoleError) {
      throw new StartupError("FIELD_ROLE_INVALID", `plugin '${p.name}': ${e.message}`);
    }
    throw e;
  }
  return rules;
}
