/**
 * Finding the declared server a `show servers state` line names, cheaply.
 * HAProxy dumps servers in the order the cfg declares them, which is the
 * order of `declaredServers()`' map, so each line is first read as the
 * server after the previous line's: its backend and server names compared
 * in place (server_state.ts `RowView.is`), with no key built and no hash
 * looked up. A line that is not that server is looked up by its key, and
 * the expectation moves on from where it was found.
 *
 * @module
 */
import { COL, type RowView } from "./server_state.ts";
import { type DeclaredServer, serverKey } from "./declared_servers.ts";

/** Walks a declared-servers map beside a dump of the worker that runs it. */
export class DeclaredCursor {
  #map: ReadonlyMap<string, DeclaredServer>;
  #keys: string[];
  #servers: DeclaredServer[];
  /** The position the next line is expected to name. */
  #next = 0;
  /** Key → position, built only when a line is not the expected one. */
  #positions: Map<string, number> | null = null;

  /** Over `map` (a `declaredServers()` result, or any map keyed by {@link serverKey}). */
  constructor(map: ReadonlyMap<string, DeclaredServer>) {
    this.#map = map;
    this.#keys = [...map.keys()];
    this.#servers = [...map.values()];
  }

  /** The declared servers and their keys, in the map's order. */
  get servers(): readonly DeclaredServer[] {
    return this.#servers;
  }

  /** The key of the server at `position`. */
  keyAt(position: number): string {
    return this.#keys[position];
  }

  /** The position of the server `row` names; -1 when none is declared under its key. */
  find(row: RowView): number {
    const i = this.#next;
    const d = this.#servers[i];
    if (
      d !== undefined && row.is(COL.be_name, d.backend) && row.is(COL.srv_name, d.server) &&
      isKeyOf(this.#keys[i], d)
    ) {
      this.#next = i + 1;
      return i;
    }
    return this.findKey(serverKey(row.field(COL.be_name), row.field(COL.srv_name)));
  }

  /** The position of the server under `key`; -1 when none is. */
  findKey(key: string): number {
    const i = this.#keys[this.#next] === key ? this.#next : this.#positionOf(key);
    if (i >= 0) this.#next = i + 1;
    return i;
  }

  #positionOf(key: string): number {
    if (!this.#map.has(key)) return -1;
    this.#positions ??= new Map(this.#keys.map((k, i) => [k, i]));
    return this.#positions.get(key)!;
  }
}

/** Whether `key` is {@link serverKey} of `d`, compared without building it. */
function isKeyOf(key: string, d: DeclaredServer): boolean {
  const b = d.backend.length;
  return key.length === b + 1 + d.server.length && key.charCodeAt(b) === 47 &&
    key.startsWith(d.backend) && key.endsWith(d.server);
}
