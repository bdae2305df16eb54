/**
 * Size limits of a state document, checked on the raw JSON before the
 * schema runs. Validating and rendering 200,000 servers costs seconds of
 * CPU and hundreds of MB, and HAProxy would then load it; a document that
 * large is almost always a generator gone wrong, so it is refused at once
 * with a 422 that names the limit (`limits.*` in config.yaml).
 *
 * Pure: counts only what the core owns (backends, their servers, ACL
 * values); anything that is not the expected shape counts as 0 and is left
 * for the schema to refuse.
 *
 * @module
 */
import { HttpError } from "../errors.ts";

/** The ceilings a state must stay under (config.yaml `limits`). */
export interface StateLimits {
  /** Most servers over all backends. */
  servers: number;
  /** Most backends. */
  backends: number;
  /** Most ACL values over all ACLs. */
  aclValues: number;
}

/** The defaults documented in the README (`limits.*`). */
export const DEFAULT_STATE_LIMITS: StateLimits = {
  servers: 50_000,
  backends: 10_000,
  aclValues: 100_000,
};

/** What a document holds, by the measures {@link StateLimits} bounds. */
export interface StateCounts {
  /** Servers over all backends. */
  servers: number;
  /** Backends. */
  backends: number;
  /** Values over all ACLs. */
  aclValues: number;
}

/** One exceeded limit, shaped like a Zod issue so a 422 stays `{error, issues}`. */
export interface LimitIssue {
  /** Always "custom", like the cross-reference checks' issues. */
  code: "custom";
  /** Where in the document the count was taken. */
  path: (string | number)[];
  /** What is too large, with the count and the limit. */
  message: string;
  /** The config.yaml key of the limit, e.g. `limits.servers`. */
  limit: string;
  /** The limit's value. */
  maximum: number;
  /** The document's count. */
  value: number;
}

function arrayAt(value: unknown, key: string): unknown[] | null {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return null;
  const v = (value as Record<string, unknown>)[key];
  return Array.isArray(v) ? v : null;
}

/** Counts backends, servers and ACL values in a raw (unvalidated) document. */
export function countState(raw: unknown): StateCounts {
  const haproxy = typeof raw === "object" && raw !== null
    ? (raw as Record<string, unknown>).haproxy
    : undefined;
  const backends = arrayAt(haproxy, "backends") ?? [];
  let servers = 0;
  for (let i = 0; i < backends.length; i++) servers += arrayAt(backends[i], "servers")?.length ?? 0;
  const acls = arrayAt(raw, "acls") ?? [];
  let aclValues = 0;
  for (let i = 0; i < acls.length; i++) aclValues += arrayAt(acls[i], "values")?.length ?? 0;
  return { servers, backends: backends.length, aclValues };
}

/** The limits a raw document exceeds; empty when it fits. */
export function limitIssues(raw: unknown, limits: StateLimits): LimitIssue[] {
  const counts = countState(raw);
  const issues: LimitIssue[] = [];
  const over = (
    key: keyof StateLimits,
    path: (string | number)[],
    what: string,
  ) => {
    const value = counts[key];
    const maximum = limits[key];
    if (value <= maximum) return;
    issues.push({
      code: "custom",
      path,
      message: `${value} ${what} is more than limits.${key} (${maximum})`,
      limit: `limits.${key}`,
      maximum,
      value,
    });
  };
  over("backends", ["haproxy", "backends"], "backends");
  over("servers", ["haproxy", "backends"], "servers");
  over("aclValues", ["acls"], "ACL values");
  return issues;
}

/** Throws the 422 `{error, issues}` when a raw document exceeds a limit. */
export function assertWithinLimits(raw: unknown, limits: StateLimits): void {
  const issues = limitIssues(raw, limits);
  if (issues.length === 0) return;
  const error = `state exceeds its limits: ${issues.map((i) => i.message).join("; ")}`;
  throw new HttpError("ValidationError", error, { error, issues });
}
