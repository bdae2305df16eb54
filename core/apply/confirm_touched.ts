/**
 * Which frontends and backends a change touched, from the two states:
 * every frontend or backend added, removed or changed, plus the frontends
 * that route to a touched backend (their clients see its failures, and
 * HAProxy counts the 503s it answers for a dead server on the frontend).
 * A change that touches no proxy (globals, defaults, ACLs, maps, a
 * plugin's key) may change any of them, so it watches all.
 *
 * @module
 */
import type { State } from "../state/schema.ts";

/** The names a window watches. */
export interface Touched {
  frontends: string[];
  backends: string[];
}

type Named = { id: string };

function changed<T extends Named>(before: T[], after: T[]): Set<string> {
  const old = new Map(before.map((x) => [x.id, JSON.stringify(x)]));
  const out = new Set<string>();
  for (const x of after) if (old.get(x.id) !== JSON.stringify(x)) out.add(x.id);
  const now = new Set(after.map((x) => x.id));
  for (const id of old.keys()) if (!now.has(id)) out.add(id);
  return out;
}

/** What `next` changed against `prev`; names that `next` no longer has are kept (they were). */
export function touched(prev: State, next: State): Touched {
  const pf = prev.haproxy.frontends, nf = next.haproxy.frontends;
  const pb = prev.haproxy.backends, nb = next.haproxy.backends;
  const backends = changed(pb, nb);
  const frontends = changed(pf, nf);
  if (backends.size === 0 && frontends.size === 0) {
    return {
      frontends: nf.map((f) => f.id).sort(),
      backends: nb.map((b) => b.id).sort(),
    };
  }
  for (const f of nf) {
    const targets = [f.defaultBackend, ...f.useBackends.map((u) => u.backend)];
    if (targets.some((t) => t && backends.has(t))) frontends.add(f.id);
  }
  return { frontends: [...frontends].sort(), backends: [...backends].sort() };
}

/** Both lists together, without repeats. */
export function mergeTouched(a: Touched, b: Touched): Touched {
  const u = (x: string[], y: string[]) => [...new Set([...x, ...y])].sort();
  return { frontends: u(a.frontends, b.frontends), backends: u(a.backends, b.backends) };
}
