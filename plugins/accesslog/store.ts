/**
 * The bounded in-memory store of access-log entries: a ring of at most
 * `maxEntries` lines, of which those older than `maxAgeMs` are dropped as
 * new ones arrive and before each query. Memory stays bounded whatever the
 * traffic; what is evicted is counted, never silently lost from the counts.
 * Live subscribers (the SSE stream) get each entry as it is added.
 *
 * @module
 */
import type { LogEntry } from "./parse.ts";

/** What `GET /api/logs` filters on; every field is optional. */
export interface LogQuery {
  frontend?: string;
  backend?: string;
  /** An exact status (`404`) or a class (`5xx`). */
  status?: string;
  /** The client's address, exactly. */
  client?: string;
  /** Only entries received at or after this time (ms since the epoch). */
  since?: number;
  /** Only entries with a larger `seq` (a cursor). */
  after?: number;
  /** The newest this many (default 100). */
  limit?: number;
}

/** Whether an entry passes a query's filters (not `limit`). */
export function matches(e: LogEntry, q: LogQuery): boolean {
  if (q.frontend !== undefined && e.frontend !== q.frontend) return false;
  if (q.backend !== undefined && e.backend !== q.backend) return false;
  if (q.client !== undefined && e.client !== q.client) return false;
  if (q.since !== undefined && e.at < q.since) return false;
  if (q.after !== undefined && e.seq <= q.after) return false;
  if (q.status !== undefined) {
    if (e.status === null) return false;
    const cls = /^([1-5])xx$/i.exec(q.status);
    if (cls ? Math.floor(e.status / 100) !== Number(cls[1]) : String(e.status) !== q.status) {
      return false;
    }
  }
  return true;
}

/** The ring plus its counters. */
export class LogStore {
  #ring: (LogEntry | undefined)[];
  #start = 0;
  #size = 0;
  #seq = 0;
  #listeners = new Set<(e: LogEntry) => void>();
  /** Lines evicted because the ring was full or they grew too old. */
  evicted = 0;
  /** Lines received in all, since start. */
  received = 0;

  /** `maxEntries` bounds memory; `maxAgeMs` bounds how far back a query sees. */
  constructor(readonly maxEntries: number, readonly maxAgeMs: number) {
    this.#ring = new Array(maxEntries);
  }

  /** How many entries are held now. */
  get size(): number {
    return this.#size;
  }

  /** The next sequence number (the count of lines received so far, plus one). */
  nextSeq(): number {
    return ++this.#seq;
  }

  /** Adds an entry (evicting the oldest when full) and hands it to every subscriber. */
  add(e: LogEntry): void {
    this.received++;
    if (this.#size === this.maxEntries) {
      this.#ring[this.#start] = e;
      this.#start = (this.#start + 1) % this.maxEntries;
      this.evicted++;
    } else {
      this.#ring[(this.#start + this.#size) % this.maxEntries] = e;
      this.#size++;
    }
    this.prune(e.at);
    for (const listener of this.#listeners) listener(e);
  }

  /** Drops entries older than `maxAgeMs` before `now`. */
  prune(now = Date.now()): void {
    const oldest = now - this.maxAgeMs;
    while (this.#size > 0 && this.#ring[this.#start]!.at < oldest) {
      this.#ring[this.#start] = undefined;
      this.#start = (this.#start + 1) % this.maxEntries;
      this.#size--;
      this.evicted++;
    }
  }

  /** The newest `limit` entries that match, oldest first. */
  query(q: LogQuery): LogEntry[] {
    this.prune();
    const limit = q.limit ?? 100;
    const out: LogEntry[] = [];
    for (let i = this.#size - 1; i >= 0 && out.length < limit; i--) {
      const e = this.#ring[(this.#start + i) % this.maxEntries]!;
      if (q.after !== undefined && e.seq <= q.after) break;
      if (matches(e, q)) out.push(e);
    }
    return out.reverse();
  }

  /** Calls `listener` for every entry added from now on; returns the unsubscribe. */
  subscribe(listener: (e: LogEntry) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
