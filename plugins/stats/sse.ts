/**
 * `GET /api/stats/stream`: server-sent events, one `sample` (or `gap`)
 * event per history entry as the sampler records it, starting with the
 * newest one. The hub tracks open streams so stopping the plugin closes them
 * (an open stream would otherwise hold the HTTP server's shutdown).
 *
 * @module
 */
import type { HistoryEntry } from "./summary.ts";

const encoder = new TextEncoder();

/** Response headers of an event stream (no caching, no proxy buffering). */
export const SSE_HEADERS: Record<string, string> = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache",
  "x-accel-buffering": "no",
};

/** One SSE frame for a history entry. */
export function frame(entry: HistoryEntry): string {
  return `event: ${entry.kind}\nid: ${entry.at}\ndata: ${JSON.stringify(entry)}\n\n`;
}

/** Open streams, closed together on shutdown. */
export class StreamHub {
  #closers = new Set<() => void>();
  readonly heartbeatMs: number;

  /** `heartbeatMs`: how often an idle stream gets a comment line to keep proxies from cutting it. */
  constructor(heartbeatMs = 15_000) {
    this.heartbeatMs = heartbeatMs;
  }

  /** How many streams are open. */
  get open(): number {
    return this.#closers.size;
  }

  /**
   * A streaming response fed by `subscribe`: it receives a push function and
   * returns its unsubscribe. `initial` is sent first when present.
   */
  response(
    subscribe: (push: (entry: HistoryEntry) => void) => () => void,
    initial: HistoryEntry | undefined,
  ): Response {
    let cleanup = () => {};
    const body = new ReadableStream<Uint8Array>({
      start: (controller) => {
        const send = (text: string) => {
          try {
            controller.enqueue(encoder.encode(text));
          } catch {
            cleanup();
          }
        };
        send("retry: 5000\n\n");
        if (initial) send(frame(initial));
        const unsubscribe = subscribe((entry) => send(frame(entry)));
        const beat = setInterval(() => send(": keepalive\n\n"), this.heartbeatMs);
        let done = false;
        const close = () => {
          cleanup();
          try {
            controller.close();
          } catch {
            // already closed or errored by the client going away
          }
        };
        cleanup = () => {
          if (done) return;
          done = true;
          unsubscribe();
          clearInterval(beat);
          this.#closers.delete(close);
        };
        this.#closers.add(close);
      },
      cancel: () => cleanup(),
    });
    return new Response(body, { headers: SSE_HEADERS });
  }

  /** Ends every open stream. */
  closeAll(): void {
    for (const close of [...this.#closers]) close();
  }
}
