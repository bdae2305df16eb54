/**
 * What the stats plugin keeps between samples, bounded by what it holds
 * rather than by how long the daemon runs.
 *
 * Two things made a long-running daemon with a big state grow without end:
 *
 * - A proxy's name read from `show stat` is a slice of that sample's whole
 *   CSV text (V8 keeps a substring of 13 characters or more as a view of its
 *   parent), so every history point named `production-pool-17` kept its
 *   sample's 20 MB text alive: ~100 MiB more RSS every 15 s at 100,000
 *   servers. {@link NameInterner} keeps one copy of each name, detached from
 *   the text.
 * - Every sample keeps a point per frontend and backend for the whole
 *   window: an hour of 10,000 backends is 7 million points. {@link trimPoints}
 *   keeps the newest samples' points up to a budget and strips older ones of
 *   theirs (their totals stay), so a small state keeps per-proxy history for
 *   the whole window and a big one for as long as the budget allows.
 *
 * @module
 */
import type { RingBuffer } from "./ring.ts";

/**
 * Detached copies of the names (and statuses) samples carry, shared by
 * consecutive samples: the names of two samples in a row are mostly the
 * same, so each is copied once and looked up after that.
 */
export class NameInterner {
  #known = new Map<string, string>();
  #seen = new Map<string, string>();

  /** `copy` makes the detached copy (a test counts its calls). */
  constructor(private readonly copy: (text: string) => string = detach) {}

  /** A copy of `text` that shares nothing with the string it was cut from. */
  take(text: string): string {
    let kept = this.#seen.get(text);
    if (kept !== undefined) return kept;
    kept = this.#known.get(text) ?? this.copy(text);
    this.#seen.set(kept, kept);
    return kept;
  }

  /** Ends a sample: names no longer seen are forgotten. */
  endSample(): void {
    this.#known = this.#seen;
    this.#seen = new Map();
  }
}

/** A fresh string with `text`'s characters (not a view of a longer one). */
function detach(text: string): string {
  // A JSON round trip builds the string anew; short strings are copied by V8 anyway.
  return text.length < 13 ? text : JSON.parse(JSON.stringify(text));
}

/**
 * Keeps the newest items' points up to `budget` in all: walking from the
 * newest, an item whose points would pass the budget has them stripped
 * (the newest item always keeps its own). Returns the points kept.
 */
export function trimPoints<T>(
  ring: RingBuffer<T>,
  budget: number,
  points: (item: T) => number,
  strip: (item: T) => void,
): number {
  const items = ring.toArray();
  let kept = 0;
  for (let i = items.length - 1; i >= 0; i--) {
    const n = points(items[i]);
    if (n === 0) continue;
    if (i < items.length - 1 && kept + n > budget) strip(items[i]);
    else kept += n;
  }
  return kept;
}
