/**
 * One `/api/stats/stream` (SSE) per page, shared by the islands that follow
 * it (the server table, a proxy's charts): a browser allows few open
 * connections per host, and one stream per island would spend them.
 *
 * @module
 */
import type { HistoryPoint } from "./metrics.ts";

/** What a listener hears: each entry, or that the stream broke (it reconnects itself). */
export interface StreamListener {
  entry(e: HistoryPoint): void;
  error?(): void;
}

let source: EventSource | null = null;
const listeners = new Set<StreamListener>();

function open(): EventSource {
  const es = new EventSource("/api/stats/stream");
  const push = (m: MessageEvent) => {
    let e: HistoryPoint;
    try {
      e = JSON.parse(m.data) as HistoryPoint;
    } catch {
      return; // a malformed event is skipped
    }
    for (const l of listeners) l.entry(e);
  };
  es.addEventListener("sample", push);
  es.addEventListener("gap", push);
  es.addEventListener("error", () => {
    for (const l of listeners) l.error?.();
  });
  return es;
}

/** Starts hearing the page's stream (opened on first use); returns the stop. */
export function follow(listener: StreamListener): () => void {
  listeners.add(listener);
  source ??= open();
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) {
      source?.close();
      source = null;
    }
  };
}
