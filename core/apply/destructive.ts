/**
 * The destructive-change guard. A truncated document from a broken pipeline
 * (a `jq` filter that matched nothing, a template that rendered half) is
 * valid JSON and valid state, and looks exactly like "remove everything".
 * So a replacement that removes every frontend, every backend, or shrinks
 * the servers by more than a configured share (`limits.destructiveShare`;
 * the net loss, so replacing a server by another is not destructive) is refused
 * with a 409 `{error, removes: {frontends, backends, servers}}` unless the
 * caller says `?allowDestructive=true`.
 *
 * Pure: compares two states by identity (frontend id, backend id, server
 * name within its backend). A server moved to a renamed backend counts as
 * removed: HAProxy loses its state and counters just the same.
 *
 * @module
 */
import { HttpError } from "../errors.ts";

/** What the guard reads of a state: ids of frontends, backends and servers. */
export interface Topology {
  /** The proxies, by id; servers by name within their backend. */
  haproxy: {
    frontends: readonly { id: string }[];
    backends: readonly { id: string; servers: readonly { name: string }[] }[];
  };
}

/** How much of the current configuration a replacement removes. */
export interface Removals {
  /** Frontends of the current state missing from the next one. */
  frontends: number;
  /** Backends of the current state missing from the next one. */
  backends: number;
  /** Servers (backend id + server name) of the current state missing from the next one. */
  servers: number;
}

/**
 * The topology of a raw document, for a plan's preview: what is not the
 * expected shape counts as absent (the schema refuses it anyway), and a
 * missing list is empty, as its default is.
 */
export function topologyOf(raw: unknown): Topology {
  const obj = (v: unknown) =>
    typeof v === "object" && v !== null && !Array.isArray(v) ? v as Record<string, unknown> : {};
  const list = (v: unknown) => Array.isArray(v) ? v.map(obj) : [];
  const hp = obj(obj(raw).haproxy);
  return {
    haproxy: {
      frontends: list(hp.frontends).map((f) => ({ id: String(f.id) })),
      backends: list(hp.backends).map((b) => ({
        id: String(b.id),
        servers: list(b.servers).map((s) => ({ name: String(s.name) })),
      })),
    },
  };
}

/** The default share of servers one apply may remove without `allowDestructive`. */
export const DEFAULT_DESTRUCTIVE_SHARE = 0.5;

/** Counts what `next` removes from `current`. */
export function removals(current: Topology, next: Topology): Removals {
  const nextFrontends = new Set(next.haproxy.frontends.map((f) => f.id));
  const nextBackends = new Map<string, Topology["haproxy"]["backends"][number]>();
  for (const b of next.haproxy.backends) if (!nextBackends.has(b.id)) nextBackends.set(b.id, b);
  let frontends = 0;
  for (const f of current.haproxy.frontends) if (!nextFrontends.has(f.id)) frontends++;
  let backends = 0;
  let servers = 0;
  for (const b of current.haproxy.backends) {
    const after = nextBackends.get(b.id);
    // The very object (a PATCH shares what it did not touch): nothing of it is removed.
    if (after === b) continue;
    if (!after) backends++;
    const kept = after ? new Set(after.servers.map((s) => s.name)) : null;
    for (const s of b.servers) if (!kept?.has(s.name)) servers++;
  }
  return { frontends, backends, servers };
}

/** Servers over all backends. */
function serverCount(state: Topology): number {
  let n = 0;
  for (const b of state.haproxy.backends) n += b.servers.length;
  return n;
}

/**
 * Why replacing `current` with `next` is destructive, or null when it is
 * not: it removes every frontend, every backend, or the server count drops
 * by more than `share` of it (`share` 1 turns the server rule off).
 */
export function destructiveReason(
  current: Topology,
  next: Topology,
  share: number,
): string | null {
  const cur = current.haproxy;
  if (cur.frontends.length > 0 && next.haproxy.frontends.length === 0) {
    return `removes every frontend (${cur.frontends.length})`;
  }
  if (cur.backends.length > 0 && next.haproxy.backends.length === 0) {
    return `removes every backend (${cur.backends.length})`;
  }
  // The net loss, not every removed name: replacing a server by another (a rolling
  // replacement) keeps the count, while a truncated document loses servers.
  const total = serverCount(current);
  const lost = total - serverCount(next);
  if (total > 0 && lost / total > share) {
    return `removes ${lost} of ${total} servers, more than limits.destructiveShare (${share})`;
  }
  return null;
}

/**
 * Throws the 409 when the replacement is destructive. `what` names the
 * operation in the message (`this PUT`, `restoring snapshot X`).
 */
export function assertNotDestructive(
  current: Topology,
  next: Topology,
  share: number,
  what = "this change",
): void {
  const removed = removals(current, next);
  const reason = destructiveReason(current, next, share);
  if (reason === null) return;
  const error = `${what} ${reason}; if that is intended, repeat it with ?allowDestructive=true`;
  throw new HttpError("Conflict", error, { error, removes: removed });
}
