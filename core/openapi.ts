/**
 * `GET /openapi.json`: an OpenAPI 3.1 document generated from the route
 * table (every registered route, core and plugins alike, with its role and
 * rate tier) and each route's declared zod schemas (`request`, `query`,
 * `response` in its options), with the three ways to authenticate (cookie
 * session, bearer `pp_` API token, raw peer token on `/api/peer/*`), the
 * error envelopes of the REST contract, and the state document's schema as
 * composed from the loaded plugins. Built once, after registration closes.
 *
 * @module
 */
import { z } from "zod";
import { definePlugin, type Plugin, type RouteRecord } from "./plugin.ts";

/** What the document is built from. */
export interface OpenApiSource {
  /** Every registered route. */
  routes: readonly RouteRecord[];
  /** The composed state schema (core plus every plugin's fragments). */
  state: z.ZodType;
  /** patchpanel's version, the document's `info.version`. */
  version: string;
}

type Json = Record<string, unknown>;

/** The `patchpanel` error envelopes, one schema each, named as the contract's table. */
const ENVELOPES: Record<string, Json> = {
  Error: {
    type: "object",
    description: "400, 404, 409, 412, 413, 503: `{error}` (400/404 may be `{ok: false, error}`)",
    required: ["error"],
    properties: { error: { type: "string" }, ok: { const: false } },
  },
  AuthError: {
    type: "object",
    description: "401 and 403: `{error: 'AuthError' | 'ForbiddenError', message}`",
    required: ["error", "message"],
    properties: {
      error: { enum: ["AuthError", "ForbiddenError"] },
      message: { type: "string" },
      paths: { type: "array", items: { type: "string" }, description: "403 of a field role" },
      need: { type: "string", description: "the role the refused paths need" },
    },
  },
  ValidationError: {
    type: "object",
    description: "422: `{error, issues}`, each issue a zod issue at its path",
    required: ["error", "issues"],
    properties: { error: { type: "string" }, issues: { type: "array", items: {} } },
  },
  InternalError: {
    type: "object",
    description: "500: `{error, message}`; a plugin's failure names `plugin` (and route)",
    required: ["error", "message"],
    properties: {
      error: { const: "InternalError" },
      message: { type: "string" },
      plugin: { type: "string" },
      method: { type: "string" },
      path: { type: "string" },
    },
  },
  HaproxyError: {
    type: "object",
    description: "502: HAProxy refused the cfg or a reload failed (rolled back)",
    required: ["error", "output", "hints"],
    properties: {
      error: { type: "string" },
      output: { type: "string", description: "HAProxy's output, verbatim" },
      hints: { type: "array", items: { type: "object" } },
    },
  },
};

/** Shared responses: status → description and envelope. */
const RESPONSES: Record<string, [string, string, string]> = {
  BadRequest: ["400", "Bad input: a malformed body, a bad id, a value out of range", "Error"],
  Unauthorized: ["401", "No valid credential", "AuthError"],
  Forbidden: ["403", "Authenticated, but the role may not do this", "AuthError"],
  PayloadTooLarge: ["413", "The body is over the limit", "Error"],
  TooManyRequests: ["429", "Rate limit of the route's tier reached (see Retry-After)", "Error"],
  InternalError: ["500", "Internal error; see the daemon log and the audit log", "InternalError"],
};

/** Builds the document. */
export function buildOpenApi(source: OpenApiSource): Json {
  const schemas: Json = { ...ENVELOPES };
  schemas.State = jsonSchema(source.state, schemas, "State");
  const responses: Json = {};
  for (const [name, [, description, envelope]] of Object.entries(RESPONSES)) {
    responses[name] = jsonResponse(description, { $ref: `#/components/schemas/${envelope}` });
  }
  responses.Failure = jsonResponse("Any other error, in the envelope of its status", {
    oneOf: Object.keys(ENVELOPES).map((n) => ({ $ref: `#/components/schemas/${n}` })),
  });
  const paths: Record<string, Json> = {};
  for (const route of source.routes) {
    const path = route.path.replace(/:([^/]+)/g, "{$1}");
    paths[path] ??= {};
    paths[path][route.method.toLowerCase()] = operation(route, schemas);
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "patchpanel",
      version: source.version,
      description: "The REST surface of patchpanel, the daemon that owns an HAProxy: " +
        "every route of the core and of the loaded plugins.",
    },
    paths,
    components: {
      schemas,
      responses,
      securitySchemes: {
        session: {
          type: "apiKey",
          in: "cookie",
          name: "patchpanel.sid",
          description: "A session from POST /api/auth/login; writes also send X-CSRF-Token",
        },
        token: {
          type: "http",
          scheme: "bearer",
          bearerFormat: "pp_<keyId>.<secret>",
          description: "An API token from POST /api/api-tokens",
        },
        peer: {
          type: "http",
          scheme: "bearer",
          description: "The raw inbound token of a peer (server-to-server /api/peer/* only)",
        },
      },
    },
  };
}

function operation(route: RouteRecord, schemas: Json): Json {
  const { options } = route;
  const id = `${route.method} ${route.path}`;
  const params = [...route.path.matchAll(/:([^/]+)/g)].map((m) => ({
    name: m[1],
    in: "path",
    required: true,
    schema: { type: "string" },
  }));
  const query = options.query ? jsonSchema(options.query, schemas, "Query") : null;
  const queryProps = (query?.properties ?? {}) as Record<string, Json>;
  const required = new Set((query?.required ?? []) as string[]);
  for (const [name, schema] of Object.entries(queryProps)) {
    params.push({ name, in: "query", required: required.has(name), schema } as never);
  }
  const isPublic = options.role === "public";
  const responses: Json = {
    "200": jsonResponse(
      "Success",
      options.response ? jsonSchema(options.response, schemas, "Response") : {},
    ),
    "429": { $ref: "#/components/responses/TooManyRequests" },
    "500": { $ref: "#/components/responses/InternalError" },
    default: { $ref: "#/components/responses/Failure" },
  };
  if (!isPublic) {
    responses["401"] = { $ref: "#/components/responses/Unauthorized" };
    responses["403"] = { $ref: "#/components/responses/Forbidden" };
  }
  const body = route.method !== "GET" && route.method !== "DELETE";
  if (body) {
    responses["400"] = { $ref: "#/components/responses/BadRequest" };
    responses["413"] = { $ref: "#/components/responses/PayloadTooLarge" };
  }
  const op: Json = {
    operationId: id.replace(/[^A-Za-z0-9]+/g, "_").replace(/^_|_$/g, ""),
    summary: options.summary ?? id,
    tags: [route.plugin],
    parameters: params,
    responses,
    security: isPublic
      ? []
      : route.path.startsWith("/api/peer/")
      ? [{ peer: [] }]
      : [{ session: [] }, { token: [] }],
    "x-patchpanel-role": options.role,
    "x-patchpanel-tier": options.tier,
    "x-patchpanel-plugin": route.plugin,
  };
  if (body) {
    op.requestBody = {
      required: options.request !== undefined,
      content: {
        "application/json": {
          schema: options.request ? jsonSchema(options.request, schemas, "Request") : {},
        },
      },
    };
  }
  return op;
}

function jsonResponse(description: string, schema: Json): Json {
  return { description, content: { "application/json": { schema } } };
}

let defsSeen = 0;

/**
 * A zod schema as a JSON Schema (2020-12, the dialect of OpenAPI 3.1) of
 * what a client sends or reads. Local definitions (`$defs`, for recursive
 * shapes) move into `components.schemas` under a unique name, and their
 * references with them: `#/$defs/x` would resolve against the document root.
 */
function jsonSchema(schema: z.ZodType, components: Json, hint: string): Json {
  const out = z.toJSONSchema(schema, {
    target: "draft-2020-12",
    io: "input",
    unrepresentable: "any",
  }) as Json;
  delete out.$schema;
  const defs = (out.$defs ?? {}) as Record<string, Json>;
  delete out.$defs;
  if (Object.keys(defs).length === 0) return out;
  const prefix = `${hint}${++defsSeen}_`;
  const rename = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(rename);
    if (node === null || typeof node !== "object") return node;
    const copy: Json = {};
    for (const [k, v] of Object.entries(node)) {
      copy[k] = k === "$ref" && typeof v === "string" && v.startsWith("#/$defs/")
        ? `#/components/schemas/${prefix}${v.slice("#/$defs/".length)}`
        : k === "$ref" && v === "#"
        ? `#/components/schemas/${prefix}root`
        : rename(v);
    }
    return copy;
  };
  for (const [name, def] of Object.entries(defs)) components[`${prefix}${name}`] = rename(def);
  const root = rename(out) as Json;
  components[`${prefix}root`] = root;
  return { $ref: `#/components/schemas/${prefix}root` };
}

/**
 * Serves the document at `GET /openapi.json` (public, read tier). It is
 * built on the first request, when every route is registered, and kept.
 */
export function openapiPlugin(source: () => OpenApiSource): Plugin {
  return definePlugin({
    name: "openapi",
    setup(host) {
      let text: string | null = null;
      host.route("GET", "/openapi.json", {
        role: "public",
        tier: "read",
        summary: "This API as an OpenAPI 3.1 document (routes of the core and the loaded plugins)",
      }, () => {
        text ??= JSON.stringify(buildOpenApi(source()));
        return new Response(text, {
          headers: { "content-type": "application/json; charset=utf-8" },
        });
      });
    },
  });
}
