/**
 * Matches a method and path against the registered routes. Routes are data
 * ({@link RouteRecord}); this module only finds one and extracts params.
 *
 * @module
 */
import type { Method, RouteRecord } from "../plugin.ts";

/** A route matched to a request, with its decoded path parameters. */
export interface Match {
  route: RouteRecord;
  params: Record<string, string>;
}

/** Why nothing matched: no such path, or the path exists under other methods. */
export type MatchResult =
  | { kind: "found"; match: Match }
  | { kind: "not-found" }
  | { kind: "method-not-allowed"; allow: Method[] };

interface Compiled {
  route: RouteRecord;
  segments: string[];
}

/** Splits a path into segments, ignoring one trailing slash. */
function split(path: string): string[] {
  const trimmed = path.length > 1 && path.endsWith("/") ? path.slice(0, -1) : path;
  return trimmed.split("/").slice(1);
}

/** A path router: static segments beat `:param` segments. */
export class Router {
  #compiled: Compiled[] = [];
  /** Routes without params, by method and then path: two lookups answer most requests. */
  #exact = new Map<string, Map<string, MatchResult>>();

  /** Adds a route; duplicate detection is the plugin host's job. */
  add(route: RouteRecord): void {
    const segments = split(route.path);
    this.#compiled.push({ route, segments });
    // Static routes first, so /api/snapshots/latest would beat /api/snapshots/:id.
    this.#compiled.sort((a, b) => score(b.segments) - score(a.segments));
    if (!segments.some((s) => s.charCodeAt(0) === COLON)) {
      const found: MatchResult = { kind: "found", match: { route, params: NO_PARAMS } };
      let paths = this.#exact.get(route.method);
      if (!paths) this.#exact.set(route.method, paths = new Map());
      paths.set(`/${segments.join("/")}`, found);
    }
  }

  /** Finds the route for a request. */
  match(method: string, path: string): MatchResult {
    const trimmed = path.length > 1 && path.endsWith("/") ? path.slice(0, -1) : path;
    const exact = this.#exact.get(method)?.get(trimmed);
    if (exact) return exact;
    const parts = split(path);
    const allow: Method[] = [];
    for (const c of this.#compiled) {
      const params = matchSegments(c.segments, parts);
      if (!params) continue;
      if (c.route.method === method) return { kind: "found", match: { route: c.route, params } };
      allow.push(c.route.method);
    }
    return allow.length ? { kind: "method-not-allowed", allow } : { kind: "not-found" };
  }
}

/** The params of a route without `:param` segments, shared and frozen. */
const NO_PARAMS: Record<string, string> = Object.freeze({}) as Record<string, string>;

function score(segments: string[]): number {
  return segments.reduce((n, s) => n * 2 + (s.startsWith(":") ? 0 : 1), 1);
}

function matchSegments(pattern: string[], parts: string[]): Record<string, string> | null {
  if (pattern.length !== parts.length) return null;
  // Static segments first and without allocating: most candidates fail on them.
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i];
    if (p.charCodeAt(0) !== COLON && p !== parts[i]) return null;
  }
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i];
    if (p.charCodeAt(0) !== COLON) continue;
    let value: string;
    try {
      value = decodeURIComponent(parts[i]);
    } catch {
      return null;
    }
    if (value === "") return null;
    params[p.slice(1)] = value;
  }
  return params;
}

const COLON = 58; // ":"
