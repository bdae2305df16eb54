/**
 * The access-log live tail: opens the stream the element names
 * (`data-src`, `/api/logs/stream?...`) and shows the newest lines first.
 *
 * @module
 */
import { useEffect, useState } from "preact/hooks";
import { html, type VNode } from "../html.ts";

interface Line {
  seq: number;
  at: number;
  frontend: string | null;
  backend: string | null;
  server: string | null;
  status: number | null;
  request: string | null;
  message: string;
}

const KEEP = 50;

/** The live list. */
export function LogTail(props: { src: string }): VNode {
  const [lines, setLines] = useState<Line[]>([]);
  const [status, setStatus] = useState("connecting…");
  useEffect(() => {
    const source = new EventSource(props.src);
    source.addEventListener("open", () => setStatus("live"));
    source.addEventListener("error", () => setStatus("reconnecting…"));
    source.addEventListener("log", (e) => {
      try {
        const line = JSON.parse((e as MessageEvent).data) as Line;
        setLines((old) => [line, ...old].slice(0, KEEP));
      } catch {
        // A malformed event is skipped.
      }
    });
    return () => source.close();
  }, [props.src]);
  return html`
    <div>
      <p class="muted" role="status" aria-live="polite">Live tail: ${status}</p>
      <ol class="log-tail">
        ${lines.map((l) =>
          html`
            <li
              key=${l.seq}><code>${new Date(l.at).toISOString()} ${l.frontend ?? ""} ${l.backend ??
                ""}/${l.server ?? "-"} ${l.status ?? ""} ${l.request ?? l.message}</code></li>
          `
        )}
      </ol>
    </div>
  `;
}
