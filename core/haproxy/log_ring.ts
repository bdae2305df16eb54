/**
 * A bounded ring of recent output lines, each stamped with a monotonic
 * sequence number.
 *
 * The embedded HAProxy writes its load errors to stderr, not to the master
 * CLI, so the reload step needs "everything HAProxy printed since I pressed
 * reload". A sequence number (rather than an index) stays meaningful after old
 * lines fall off the ring, so a caller can take a {@link LogRing.mark} before an
 * action and read {@link LogRing.since} after it.
 *
 * @module
 */

/** Default number of lines kept; enough for several reloads' worth of alerts. */
export const DEFAULT_LOG_CAPACITY = 2000;

/**
 * Recent lines with sequence numbers. Lines are numbered from 1; a mark of 0
 * means "before anything was logged".
 */
export class LogRing {
  #lines: string[] = [];
  #seq = 0;
  #capacity: number;

  /** Keeps at most `capacity` lines so a chatty HAProxy cannot grow memory. */
  constructor(capacity: number = DEFAULT_LOG_CAPACITY) {
    this.#capacity = Math.max(1, capacity);
  }

  /** Appends one line (without its newline). */
  push(line: string): void {
    this.#seq++;
    this.#lines.push(line);
    if (this.#lines.length > this.#capacity) this.#lines.shift();
  }

  /** The sequence number of the newest line: pass it to {@link since} later. */
  mark(): number {
    return this.#seq;
  }

  /** The lines logged after `mark`, joined with "\n" (older ones may have been dropped). */
  since(mark: number): string {
    const firstSeq = this.#seq - this.#lines.length + 1;
    const start = Math.max(0, mark + 1 - firstSeq);
    return this.#lines.slice(start).join("\n");
  }

  /** The newest `n` lines, for event details and start-up errors. */
  tail(n: number): string {
    return this.#lines.slice(-n).join("\n");
  }
}

/**
 * Pumps a byte stream into `onLine`, one call per line (a trailing partial
 * line is flushed at end of stream). Resolves when the stream ends.
 */
export async function pumpLines(
  stream: ReadableStream<Uint8Array>,
  onLine: (line: string) => void,
): Promise<void> {
  let pending = "";
  const decoder = new TextDecoder();
  const reader = stream.getReader();
  try {
    while (true) {
      const { value: bytes, done } = await reader.read();
      const value = bytes ? decoder.decode(bytes, { stream: true }) : undefined;
      if (done) break;
      pending += value;
      let nl: number;
      while ((nl = pending.indexOf("\n")) >= 0) {
        onLine(pending.slice(0, nl).replace(/\r$/, ""));
        pending = pending.slice(nl + 1);
      }
    }
  } catch {
    // The process went away mid-read; whatever arrived is already logged.
  } finally {
    if (pending !== "") onLine(pending);
    reader.releaseLock();
  }
}
