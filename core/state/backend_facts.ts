/**
 * What a check needs to know of one backend, remembered per backend.
 *
 * The state's cross-reference checks run over the whole state on every
 * apply, and most of them visit every server: with 100,000 servers that is
 * several passes of 100,000 for a PATCH of one weight. Most of what they
 * look for in a backend depends on that backend alone (its servers that
 * name a resolvers section, use TLS, or repeat a name), so it is computed
 * once per backend and remembered for the frozen backends the memo hands out
 * (backend_memo.ts), which consecutive states share. A check then visits
 * every backend but only the few servers its fact lists, and compares those
 * with the rest of the state as before.
 *
 * @module
 */
import type { BackendModel } from "./haproxy_schema.ts";

/** A fact about a backend: a pure function of the backend alone, named for diagnostics. */
export interface BackendFact<T> {
  /** What the fact is, for whoever reads a profile or a test. */
  readonly name: string;
  /** The fact of one backend; must read nothing but `backend`. */
  compute(backend: BackendModel): T;
}

const remembered = new WeakMap<BackendModel, Map<BackendFact<unknown>, unknown>>();

/**
 * `fact` of `backend`, computed once for a frozen backend (which cannot
 * change under it) and every time for any other.
 */
export function backendFact<T>(fact: BackendFact<T>, backend: BackendModel): T {
  if (!Object.isFrozen(backend)) return fact.compute(backend);
  let facts = remembered.get(backend);
  if (!facts) {
    facts = new Map();
    remembered.set(backend, facts);
  }
  if (facts.has(fact)) return facts.get(fact) as T;
  const value = fact.compute(backend);
  facts.set(fact, value);
  return value;
}

/** A fact listing the indices of the servers that match `test`. */
export function serversWhere(
  name: string,
  test: (server: BackendModel["servers"][number]) => boolean,
): BackendFact<readonly number[]> {
  return {
    name,
    compute: (backend) => {
      const out: number[] = [];
      backend.servers.forEach((s, i) => {
        if (test(s)) out.push(i);
      });
      return out;
    },
  };
}

/** What {@link backendsWith} found for one fact last time. */
interface Holders {
  /** The backends it looked at (null where one was not frozen: never reused). */
  seen: (BackendModel | null)[];
  /** Per backend of `seen`, whether its fact was non-empty. */
  holds: Uint8Array;
}

const holders = new WeakMap<BackendFact<readonly unknown[]>, Holders>();

/**
 * The indices of the backends whose list `fact` is not empty, in order: the
 * only backends a check that reads nothing else of them needs to visit. The
 * answer for the last array asked about is kept, so a state that shares its
 * frozen backends with that one costs a pointer comparison per backend (no
 * lookup), and a fact is computed for the backends that changed alone.
 */
export function backendsWith(
  fact: BackendFact<readonly unknown[]>,
  backends: readonly BackendModel[],
): number[] {
  const last = holders.get(fact);
  const seen: (BackendModel | null)[] = new Array(backends.length);
  const holds = new Uint8Array(backends.length);
  const out: number[] = [];
  for (let i = 0; i < backends.length; i++) {
    const b = backends[i];
    const reused = last !== undefined && i < last.seen.length && last.seen[i] === b;
    const has = reused ? last.holds[i] === 1 : backendFact(fact, b).length > 0;
    seen[i] = reused || Object.isFrozen(b) ? b : null;
    holds[i] = has ? 1 : 0;
    if (has) out.push(i);
  }
  holders.set(fact, { seen, holds });
  return out;
}
