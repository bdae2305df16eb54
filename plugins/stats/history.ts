/**
 * The rolling history: the last `historyMs` of samples and gaps in a
 * {@link RingBuffer} sized once from the window and the interval, so its
 * memory is flat however long the daemon runs.
 *
 * @module
 */
import { RingBuffer } from "./ring.ts";
import { trimPoints } from "./retention.ts";
import type { HistoryEntry } from "./summary.ts";

/**
 * Per-proxy points the history keeps by default (~40 MB, ~200 bytes a point
 * as measured with a heap count), over all its
 * samples: with 5 s samples, the whole hour up to ~270 frontends and
 * backends, the last ~17 minutes at 1,000, ~100 s at 10,000.
 */
export const DEFAULT_HISTORY_POINTS = 200_000;

/** A time window of history entries. */
export class History {
  readonly windowMs: number;
  readonly ring: RingBuffer<HistoryEntry>;
  readonly #points: number;

  /**
   * Sized for one entry per interval over the window, plus slack for timer
   * jitter; samples keep their per-proxy points, newest first, up to
   * `points` in all (retention.ts).
   */
  constructor(windowMs: number, intervalMs: number, points = DEFAULT_HISTORY_POINTS) {
    this.windowMs = windowMs;
    this.ring = new RingBuffer(Math.ceil(windowMs / intervalMs) + 2);
    this.#points = points;
  }

  /** Appends an entry and forgets what fell out of the window or past the point budget. */
  record(entry: HistoryEntry, now: number = entry.at): void {
    this.ring.push(entry);
    this.ring.dropWhile((e) => e.at < now - this.windowMs);
    trimPoints(
      this.ring,
      this.#points,
      (e) => e.kind === "sample" ? e.proxies.length : 0,
      (e) => {
        if (e.kind !== "sample") return;
        e.proxies = [];
        e.proxiesTrimmed = true;
      },
    );
  }

  /** Entries newer than `since` (epoch ms), oldest first; the whole window without it. */
  since(since: number | null, now: number): HistoryEntry[] {
    const from = Math.max(since ?? -Infinity, now - this.windowMs);
    return this.ring.toArray((e) => since === null ? e.at >= from : e.at > from);
  }
}
