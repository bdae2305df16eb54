/**
 * Flood control. The first occurrence of an event for an entity goes out at
 * once and opens a window (`notifications.coalesceMs`, 60 s by default);
 * further occurrences of the same event for the same entity inside it are
 * only counted. When the window closes, if more came, one notice goes out
 * for all of them: "web-pool/web-1 down ×12", dated at the last one. A
 * flapping server therefore costs two messages per event per window, not
 * one per flap. Windows live in memory; on shutdown the open ones are
 * flushed into the outbox, so a count is never lost.
 *
 * @module
 */
import type { Notice } from "./notice.ts";

interface Window {
  /** Occurrences inside the window, the first (already sent) included. */
  count: number;
  /** The latest occurrence, sent with the count at the window's end. */
  last: Notice;
  timer: ReturnType<typeof setTimeout>;
}

/** Coalesces notices by event and entity; `emit` receives what is to be sent. */
export class Coalescer {
  #windows = new Map<string, Window>();

  constructor(
    private windowMs: number,
    private emit: (notice: Notice) => void,
  ) {}

  /** Takes one occurrence: sent now when its window is closed, counted otherwise. */
  push(notice: Notice): void {
    const key = `${notice.event}\u0000${notice.entity ?? ""}`;
    const open = this.#windows.get(key);
    if (open) {
      open.count++;
      open.last = notice;
      return;
    }
    this.emit(notice);
    const timer = setTimeout(() => this.#close(key), this.windowMs);
    this.#windows.set(key, { count: 1, last: notice, timer });
  }

  /** Open windows, for tests and the page. */
  get open(): number {
    return this.#windows.size;
  }

  /** Closes every window now, sending the counts (shutdown). */
  flush(): void {
    for (const key of [...this.#windows.keys()]) this.#close(key);
  }

  #close(key: string): void {
    const w = this.#windows.get(key);
    if (!w) return;
    clearTimeout(w.timer);
    this.#windows.delete(key);
    if (w.count > 1) this.emit({ ...w.last, count: w.count });
  }
}
