/**
 * The JSON Schema subset a Lua plugin's manifest may use for its `params`,
 * and the validator that applies it to a state's `lua.plugins[].params`.
 *
 * Params reach the script as environment variables (render.ts), so the
 * schema is deliberately flat: an object whose properties are strings,
 * numbers, integers, booleans or arrays of those. {@link schemaProblems}
 * refuses anything else at upload, including keywords this validator does
 * not enforce (`oneOf`, `format`, ...), so an author never believes a rule
 * holds that nobody checks. {@link validateParams} then reports every
 * violation at its own path, for the state's 422.
 *
 * @module
 */

/** One property's schema: a scalar, or an array of scalars. */
export interface ParamSchema {
  type: "string" | "number" | "integer" | "boolean" | "array";
  description?: string;
  title?: string;
  default?: unknown;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  items?: ParamSchema;
  minItems?: number;
  maxItems?: number;
}

/** A manifest's `params`: an object of {@link ParamSchema} properties. */
export interface ParamsSchema {
  type: "object";
  description?: string;
  properties: Record<string, ParamSchema>;
  required?: string[];
  additionalProperties?: false;
}

/** A problem at a path below the value checked. */
export interface SchemaIssue {
  path: (string | number)[];
  message: string;
}

const SCALARS = new Set(["string", "number", "integer", "boolean"]);
const PROPERTY_KEYS = new Set([
  "type",
  "description",
  "title",
  "default",
  "enum",
  "minimum",
  "maximum",
  "minLength",
  "maxLength",
  "pattern",
  "items",
  "minItems",
  "maxItems",
  "examples",
]);
const OBJECT_KEYS = new Set([
  "type",
  "description",
  "title",
  "properties",
  "required",
  "additionalProperties",
  "$schema",
]);
/**
 * Param names: they become part of an environment variable's name
 * (`retry-after` → `RETRY_AFTER`), so lowercase words joined by one `-` or `_`.
 */
export const PARAM_NAME = /^[a-z][a-z0-9]*(?:[_-][a-z0-9]+)*$/;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** Why `schema` is not a params schema this module can enforce (empty when it is). */
export function schemaProblems(schema: unknown): string[] {
  if (!isObject(schema)) return ["params must be a JSON Schema object"];
  const out: string[] = [];
  for (const k of Object.keys(schema)) {
    if (!OBJECT_KEYS.has(k)) out.push(`params: keyword '${k}' is not supported`);
  }
  if (schema.type !== "object") out.push("params: type must be 'object'");
  if (schema.additionalProperties !== undefined && schema.additionalProperties !== false) {
    out.push(
      "params: additionalProperties may only be false (undeclared params never reach the script)",
    );
  }
  const props = schema.properties ?? {};
  if (!isObject(props)) return [...out, "params.properties must be an object"];
  for (const [name, p] of Object.entries(props)) {
    if (!PARAM_NAME.test(name)) {
      out.push(`params.properties: '${name}' must match ${PARAM_NAME.source}`);
    }
    out.push(...propertyProblems(p, `params.properties.${name}`, false));
  }
  const required = schema.required ?? [];
  if (!Array.isArray(required) || required.some((r) => typeof r !== "string" || !(r in props))) {
    out.push("params.required must list declared properties");
  }
  if (!out.length) {
    // Defaults are rendered when a state leaves a param out: they must pass their own schema.
    for (const [name, p] of Object.entries(props as Record<string, ParamSchema>)) {
      if (p.default === undefined) continue;
      for (const i of valueIssues(p.default, p, [name])) {
        out.push(`params.properties.${name}.default: ${i.message}`);
      }
    }
  }
  return out;
}

function propertyProblems(p: unknown, at: string, inArray: boolean): string[] {
  if (!isObject(p)) return [`${at} must be a schema object`];
  const out: string[] = [];
  for (const k of Object.keys(p)) {
    if (!PROPERTY_KEYS.has(k)) out.push(`${at}: keyword '${k}' is not supported`);
  }
  const type = p.type;
  if (type === "array") {
    if (inArray) return [...out, `${at}: arrays of arrays are not supported`];
    if (p.items === undefined) out.push(`${at}: an array needs items`);
    else out.push(...propertyProblems(p.items, `${at}.items`, true));
  } else if (typeof type !== "string" || !SCALARS.has(type)) {
    out.push(`${at}: type must be string, number, integer, boolean or array`);
  }
  for (const k of ["minimum", "maximum"]) {
    if (p[k] !== undefined && typeof p[k] !== "number") out.push(`${at}.${k} must be a number`);
  }
  for (const k of ["minLength", "maxLength", "minItems", "maxItems"]) {
    if (p[k] !== undefined && !(Number.isInteger(p[k]) && (p[k] as number) >= 0)) {
      out.push(`${at}.${k} must be a non-negative integer`);
    }
  }
  if (p.enum !== undefined && (!Array.isArray(p.enum) || p.enum.length === 0)) {
    out.push(`${at}.enum must be a non-empty array`);
  }
  if (p.pattern !== undefined) {
    try {
      new RegExp(String(p.pattern), "u");
    } catch {
      out.push(`${at}.pattern is not a valid regular expression`);
    }
  }
  return out;
}

/** Every way `value` breaks `schema`, each at its path (relative to the params object). */
export function validateParams(value: unknown, schema: ParamsSchema): SchemaIssue[] {
  if (!isObject(value)) return [{ path: [], message: "params must be an object" }];
  const issues: SchemaIssue[] = [];
  for (const key of Object.keys(value)) {
    if (!(key in schema.properties)) {
      issues.push({ path: [key], message: `'${key}' is not a param of this plugin` });
    }
  }
  for (const key of schema.required ?? []) {
    if (value[key] === undefined && schema.properties[key].default === undefined) {
      issues.push({ path: [key], message: `'${key}' is required` });
    }
  }
  for (const [key, p] of Object.entries(schema.properties)) {
    if (value[key] !== undefined) issues.push(...valueIssues(value[key], p, [key]));
  }
  return issues;
}

function valueIssues(v: unknown, p: ParamSchema, path: (string | number)[]): SchemaIssue[] {
  const bad = (message: string) => [{ path, message }];
  switch (p.type) {
    case "array": {
      if (!Array.isArray(v)) return bad("must be an array");
      if (p.minItems !== undefined && v.length < p.minItems) {
        return bad(`must have at least ${p.minItems} items`);
      }
      if (p.maxItems !== undefined && v.length > p.maxItems) {
        return bad(`must have at most ${p.maxItems} items`);
      }
      return v.flatMap((item, i) => valueIssues(item, p.items!, [...path, i]));
    }
    case "string":
      if (typeof v !== "string") return bad("must be a string");
      if (p.minLength !== undefined && [...v].length < p.minLength) {
        return bad(`must be at least ${p.minLength} characters`);
      }
      if (p.maxLength !== undefined && [...v].length > p.maxLength) {
        return bad(`must be at most ${p.maxLength} characters`);
      }
      if (p.pattern !== undefined && !new RegExp(p.pattern, "u").test(v)) {
        return bad(`must match ${p.pattern}`);
      }
      break;
    case "integer":
    case "number":
      if (typeof v !== "number" || !Number.isFinite(v)) return bad(`must be a ${p.type}`);
      if (p.type === "integer" && !Number.isInteger(v)) return bad("must be an integer");
      if (p.minimum !== undefined && v < p.minimum) return bad(`must be >= ${p.minimum}`);
      if (p.maximum !== undefined && v > p.maximum) return bad(`must be <= ${p.maximum}`);
      break;
    case "boolean":
      if (typeof v !== "boolean") return bad("must be a boolean");
      break;
  }
  if (p.enum && !p.enum.some((e) => e === v)) {
    return bad(`must be one of ${p.enum.map((e) => JSON.stringify(e)).join(", ")}`);
  }
  return [];
}
