/**
 * Composes the state document's schema from the core's part and the
 * plugins' fragments, and checks what a schema alone cannot: that every
 * reference (a `use_backend`, an ACL in a condition, a certificate) points
 * at something that exists, and that names are unique.
 *
 * Issues are Zod's own (`code: "custom"` with a `path`), so a 422 body is
 * `{error, issues}` with Zod's issues verbatim.
 *
 * @module
 */
import { z } from "zod";
import { type BackendFact, backendFact, backendsWith } from "./backend_facts.ts";
import {
  Acl,
  type AclModel,
  type BackendModel,
  ErrorPage,
  type ErrorPageModel,
  type FrontendModel,
  type HaproxyModel,
  haproxyWith,
  isDynamicBackend,
  StateMap,
  type StateMapModel,
} from "./haproxy_schema.ts";
import type { BackendMemo } from "./backend_memo.ts";
import { type EntitySchemas, entitySchemas } from "./entity_fields.ts";
import { aclNamesIn, PREDEFINED_ACLS } from "./condition.ts";
import { resolverIssues } from "./resolvers_check.ts";

/**
 * Plugins add their top-level keys to the state type by declaration merging:
 *
 * ```ts
 * declare module "../../core/state/schema.ts" {
 *   interface PluginState { geoip: GeoIpState }
 * }
 * ```
 */
// deno-lint-ignore no-empty-interface
export interface PluginState {}

/** The keys the core owns. */
export interface CoreState {
  /** The document's format version; always 1 so far. */
  version: 1;
  /** The proxy model: global, defaults, frontends, backends, stats. */
  haproxy: HaproxyModel;
  /** Named ACLs, used by frontends' conditions. */
  acls: AclModel[];
  /** Named maps (`map(@name)` in rules), rendered as files under `<data>/maps/`. */
  maps: StateMapModel[];
  /** Custom error pages, rendered as files and `errorfile` lines in defaults. */
  errorPages: ErrorPageModel[];
}

/** The whole, parsed and defaulted state document. */
export type State = CoreState & PluginState;

/** A problem found by a cross-reference check: where, and what is wrong. */
export interface RefIssue {
  /** Where in the state the problem is, as Zod's issue path. */
  path: (string | number)[];
  /** What is wrong there, in one sentence. */
  message: string;
}

/** A cross-reference check contributed by the core or a plugin. */
export type StateCheck = (state: State) => RefIssue[];

/** The core's own top-level keys, which no plugin may claim. */
export const CORE_KEYS = ["version", "haproxy", "acls", "maps", "errorPages"] as const;

/** The core keys' schemas, with `backend` and `frontend` validating each of them. */
const coreShape = (
  backend: z.ZodType<BackendModel>,
  frontend: z.ZodType<FrontendModel>,
  backends?: z.ZodType<BackendModel[]>,
) => ({
  version: z.literal(1).default(1),
  haproxy: haproxyWith(backend, frontend, backends).default({
    global: { logs: [], tune: {}, statsSockets: [], rawDirectives: [] },
    defaults: {
      mode: "http",
      log: "global",
      options: [],
      timeouts: { connect: "5s", client: "30s", server: "30s" },
      idleCloseOnResponse: true,
      rawDirectives: [],
    },
    frontends: [],
    backends: [],
    stats: null,
    resolvers: [],
  }),
  acls: z.array(Acl).default([]),
  maps: z.array(StateMap).default([]),
  errorPages: z.array(ErrorPage).default([]),
});

/**
 * Builds the validating schema: the core keys, their binds and servers
 * with the plugins' entity fields (`entities`, from entity_fields.ts), plus
 * each plugin fragment (already checked for clashes by the plugin host),
 * then every check. With a {@link BackendMemo} (made for the same
 * entities), backends validated by recent calls are looked up instead of
 * validated again (the apply path); without one the schema is plain Zod
 * throughout (JSON Schema export, offline checks).
 */
export function composeStateSchema(
  fragments: Record<string, z.ZodType>,
  checks: StateCheck[],
  memo?: BackendMemo,
  entities: EntitySchemas = entitySchemas(),
): z.ZodType<State> {
  const backend = memo?.schema ?? entities.backend;
  const object = z.object({
    ...coreShape(backend, entities.frontend, memo?.arraySchema),
    ...fragments,
  }).strict();
  const all = [coreChecks, resolverIssues, ...checks];
  const checked = object.superRefine((value, ctx) => {
    for (const check of all) {
      for (const issue of check(value as unknown as State)) {
        const plugin = (issue as { plugin?: string }).plugin;
        ctx.addIssue({
          code: "custom",
          path: issue.path,
          message: issue.message,
          ...(plugin ? { params: { plugin } } : {}),
        });
      }
    }
  });
  if (!memo) return checked as unknown as z.ZodType<State>;
  return z.preprocess((raw) => {
    memo.begin();
    return raw;
  }, checked) as unknown as z.ZodType<State>;
}

/** Reports the second and later occurrences of each key in a list. */
export function duplicates<T>(
  items: T[],
  key: (item: T) => string,
  path: (index: number) => (string | number)[],
  what: string,
): RefIssue[] {
  const seen = new Set<string>();
  const issues: RefIssue[] = [];
  items.forEach((item, i) => {
    const k = key(item);
    if (seen.has(k)) issues.push({ path: path(i), message: `duplicate ${what} '${k}'` });
    seen.add(k);
  });
  return issues;
}

/**
 * One page per code and place (defaults, or each named frontend/backend),
 * and every name a page lists is a proxy of the state: a page scoped to a
 * proxy that was renamed away would silently stop being served.
 */
function errorPageIssues(state: State): RefIssue[] {
  const issues: RefIssue[] = [];
  const seen = new Set<string>();
  const known = {
    frontends: new Set(state.haproxy.frontends.map((f) => f.id)),
    backends: new Set(state.haproxy.backends.map((b) => b.id)),
  };
  state.errorPages.forEach((page, i) => {
    const places: string[] = [];
    if (!page.frontends && !page.backends) places.push("defaults");
    for (const kind of ["frontends", "backends"] as const) {
      (page[kind] ?? []).forEach((name, j) => {
        if (!known[kind].has(name)) {
          const what = kind === "frontends" ? "frontend" : "backend";
          issues.push({ path: ["errorPages", i, kind, j], message: `unknown ${what} '${name}'` });
        }
        places.push(`${kind} ${name}`);
      });
    }
    for (const place of places) {
      const key = `${page.code} in ${place}`;
      if (seen.has(key)) {
        issues.push({ path: ["errorPages", i, "code"], message: `duplicate error page '${key}'` });
      }
      seen.add(key);
    }
  });
  return issues;
}

/** The indices of a backend's servers whose name an earlier server of it already has. */
const REPEATED_SERVER_NAMES: BackendFact<readonly number[]> = {
  name: "repeated server names",
  compute: (backend) => {
    const names = new Set<string>();
    const out: number[] = [];
    backend.servers.forEach((s, i) => {
      if (names.has(s.name)) out.push(i);
      names.add(s.name);
    });
    return out;
  },
};

function coreChecks(state: State): RefIssue[] {
  const { frontends, backends } = state.haproxy;
  const issues: RefIssue[] = [
    ...duplicates(frontends, (f) => f.id, (i) => ["haproxy", "frontends", i, "id"], "frontend"),
    ...duplicates(backends, (b) => b.id, (i) => ["haproxy", "backends", i, "id"], "backend"),
    ...duplicates(state.acls, (a) => a.name, (i) => ["acls", i, "name"], "ACL"),
    ...duplicates(state.maps, (m) => m.name, (i) => ["maps", i, "name"], "map"),
    ...errorPageIssues(state),
  ];
  state.maps.forEach((m, mi) => {
    issues.push(
      ...duplicates(m.entries, (e) => e.key, (i) => ["maps", mi, "entries", i, "key"], "map key"),
    );
  });
  // A backend's repeated server names are its own fact (backend_facts.ts): a state of
  // 100,000 servers that shares its backends with the last one visits none of them here.
  for (const bi of backendsWith(REPEATED_SERVER_NAMES, backends)) {
    for (const i of backendFact(REPEATED_SERVER_NAMES, backends[bi])) {
      issues.push({
        path: ["haproxy", "backends", bi, "servers", i, "name"],
        message: `duplicate server '${backends[bi].servers[i].name}'`,
      });
    }
  }
  const backendIds = new Set(backends.map((b) => b.id));
  const aclNames = new Set(state.acls.map((a) => a.name));
  const checkCond = (cond: string | undefined, path: (string | number)[]) => {
    if (!cond) return;
    for (const name of aclNamesIn(cond)) {
      if (!aclNames.has(name) && !PREDEFINED_ACLS.has(name)) {
        issues.push({ path, message: `condition uses ACL '${name}', which is not in state.acls` });
      }
    }
  };
  frontends.forEach((f, fi) => {
    const base = ["haproxy", "frontends", fi];
    if (f.defaultBackend && !backendIds.has(f.defaultBackend)) {
      issues.push({
        path: [...base, "defaultBackend"],
        message: `backend '${f.defaultBackend}' does not exist`,
      });
    }
    f.useBackends.forEach((u, ui) => {
      if (!isDynamicBackend(u.backend) && !backendIds.has(u.backend)) {
        issues.push({
          path: [...base, "useBackends", ui, "backend"],
          message: `backend '${u.backend}' does not exist`,
        });
      }
      checkCond(u.cond, [...base, "useBackends", ui, "cond"]);
    });
    f.httpRequest.forEach((r, ri) => checkCond(r.cond, [...base, "httpRequest", ri, "cond"]));
    f.tcpRequest.forEach((r, ri) => checkCond(r.cond, [...base, "tcpRequest", ri, "cond"]));
  });
  return issues;
}
