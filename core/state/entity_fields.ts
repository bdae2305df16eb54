/**
 * Entity extension slots: fields plugins add to a core entity (a frontend,
 * a bind, a backend, a server) rather than as a top-level state key. The
 * tls plugin's `tls` on a bind is one: it belongs beside the bind's address,
 * and the core schema no longer has to carry a shape only one plugin renders.
 *
 * The composed entities stay strict, so a field no loaded plugin declares is
 * refused; for the built-in plugins' fields the refusal names the plugin to
 * load (extension_owners.ts) instead of saying only "unrecognized key".
 *
 * @module
 */
import { z } from "zod";
import {
  Backend,
  type BackendModel,
  Bind,
  Frontend,
  type FrontendModel,
  Server,
} from "./haproxy_schema.ts";
import type { ExtensionOwner } from "./extension_owners.ts";

/** The core entities a plugin may add fields to. */
export type ExtensibleEntity = "frontend" | "bind" | "backend" | "server";

/** Fields per entity: field name → its schema, which must accept absence. */
export type EntityFields = Partial<Record<ExtensibleEntity, Record<string, z.ZodType>>>;

/** The core keys of each entity, which no plugin may take. */
export const CORE_ENTITY_KEYS: Readonly<Record<ExtensibleEntity, ReadonlySet<string>>> = {
  frontend: new Set(Object.keys(Frontend.shape)),
  bind: new Set(Object.keys(Bind.shape)),
  backend: new Set(Object.keys(Backend.shape)),
  server: new Set(Object.keys(Server.shape)),
};

/** The entity schemas a state schema is composed of, with plugins' fields in place. */
export interface EntitySchemas {
  frontend: z.ZodType<FrontendModel>;
  backend: z.ZodType<BackendModel>;
}

/**
 * A field whose plugin is not loaded: absent is fine, present is an issue at
 * its path naming the plugin (in the message and `params.plugin`).
 */
function unloaded(owner: ExtensionOwner): z.ZodType {
  return z.unknown().superRefine((_value, ctx) => {
    ctx.addIssue({
      code: "custom",
      message:
        `'${owner.key}' on a ${owner.entity} needs the ${owner.plugin} plugin, which is not loaded`,
      params: { plugin: owner.plugin },
    });
  }).optional();
}

/**
 * The frontend and backend schemas with `fields` added to them, their binds
 * and their servers, and `missing` (built-in plugins' fields whose plugin is not
 * loaded) refused with a message naming the plugin. With neither, the core's
 * own schemas are returned as they are.
 */
export function entitySchemas(
  fields: EntityFields = {},
  missing: readonly ExtensionOwner[] = [],
): EntitySchemas {
  const shape = (entity: ExtensibleEntity): Record<string, z.ZodType> => ({
    ...Object.fromEntries(
      missing.filter((o) => o.entity === entity).map((o) => [o.key, unloaded(o)]),
    ),
    ...fields[entity],
  });
  const [frontendFields, bind, backendFields, server] = (
    ["frontend", "bind", "backend", "server"] as const
  ).map(shape);
  const plain = (...shapes: Record<string, z.ZodType>[]) =>
    shapes.every((x) => Object.keys(x).length === 0);
  const frontend = plain(frontendFields, bind) ? Frontend : Frontend.extend({
    ...frontendFields,
    binds: z.array(Object.keys(bind).length ? Bind.extend(bind) : Bind).min(1),
  });
  const backend = plain(backendFields, server) ? Backend : Backend.extend({
    ...backendFields,
    servers: z.array(Object.keys(server).length ? Server.extend(server) : Server).default([]),
  });
  return {
    frontend: frontend as unknown as z.ZodType<FrontendModel>,
    backend: backend as unknown as z.ZodType<BackendModel>,
  };
}
