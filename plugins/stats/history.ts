/**
 * The rolling history: the last `historyMs` of samples and gaps in a
 * {@link RingBuffer} sized once from the window and the interval, so its
 * memory is flat however long the daemon runs.
 *
 * @module
 */
import { RingBuffer } from "./ring.ts";
import type { HistoryEntry } from "./summary.ts";

/** A time window of history entries. */
export class History {
  readonly windowMs: number;
  readonly ring: RingBuffer<HistoryEntry>;

  /** Sized for one entry per interval over the window, plus slack for timer jitter. */
  constructor(windowMs: number, intervalMs: number) {
    this.windowMs = windowMs;
    this.ring = new RingBuffer(Math.ceil(windowMs / intervalMs) + 2);
  }

  /** Appends an entry and forgets what fell out of the window. */
  record(entry: HistoryEntry, now: number = entry.at): void {
    this.ring.push(entry);
    this.ring.dropWhile((e) => e.at < now - this.windowMs);
  }

  /** Entries newer than `since` (epoch ms), oldest first; the whole window without it. */
  since(since: number | null, now: number): HistoryEntry[] {
    const from = Math.max(since ?? -Infinity, now - this.windowMs);
    return this.ring.toArray((e) => since === null ? e.at >= from : e.at > from);
  }
}
