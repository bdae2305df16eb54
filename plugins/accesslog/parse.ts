/**
 * Parses HAProxy's access-log lines as the `log ... format raw` target
 * delivers them (the message alone, no syslog header), in the two standard
 * formats: `option httplog` and `option tcplog` (configuration.txt 8.2.3
 * and 8.2.2). A line in neither shape (a custom `log-format`, a proxy's
 * start/stop notice) is kept as `message` with its fields null, so the store
 * never loses a line it cannot read.
 *
 * @module
 */

/** One access-log line, parsed. */
export interface LogEntry {
  /** Order of arrival, from 1: the SSE `id` and the `after` cursor. */
  seq: number;
  /** When patchpanel received the line (ms since the epoch): what `since` filters on. */
  at: number;
  /** HAProxy's accept date as it prints it (`03/Dec/2026:17:29:16.285`), or null. */
  accepted: string | null;
  /** Which format the line had. */
  kind: "http" | "tcp" | "other";
  /** The frontend (a trailing `~` of TLS frontends removed), or null. */
  frontend: string | null;
  /** The backend (`<NOSRV>` lines keep their backend), or null. */
  backend: string | null;
  /** The server, or null for `<NOSRV>` and unparsed lines. */
  server: string | null;
  /** The HTTP status (httplog) or null. */
  status: number | null;
  /** Bytes sent to the client. */
  bytes: number | null;
  /** Total time in ms (`Ta` of httplog, `Tt` of tcplog). */
  durationMs: number | null;
  /** The termination state (`----`, `LR--`, `SC--`...), or null. */
  termination: string | null;
  /** The client's address (personal data: shown to operators and admins only). */
  client: string | null;
  /** The client's source port. */
  clientPort: number | null;
  /** The request line (httplog), e.g. `GET /x HTTP/1.1`. */
  request: string | null;
  /** The whole line as received (newline removed). */
  message: string;
}

const num = (s: string | undefined): number | null => {
  if (s === undefined) return null;
  const n = Number(s.replace(/^\+/, ""));
  return Number.isFinite(n) ? n : null;
};

// %ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %CC %CS %tsc %ac/%fc/%bc/%sc/%rc %sq/%bq %hr %hs %{+Q}r
const HTTP = new RegExp(
  "^(\\S+):(\\d+) \\[([^\\]]+)\\] (\\S+) ([^\\s/]+)/(\\S+) " +
    "-?\\d+/-?\\d+/-?\\d+/-?\\d+/(\\+?-?\\d+) (-?\\d+) (\\+?\\d+) \\S+ \\S+ (\\S{4}) " +
    "\\d+/\\d+/\\d+/\\d+/\\+?\\d+ \\d+/\\d+(?: (.*))?$",
);
// %ci:%cp [%t] %ft %b/%s %Tw/%Tc/%Tt %B %ts %ac/%fc/%bc/%sc/%rc %sq/%bq
const TCP = new RegExp(
  "^(\\S+):(\\d+) \\[([^\\]]+)\\] (\\S+) ([^\\s/]+)/(\\S+) " +
    "-?\\d+/-?\\d+/(\\+?-?\\d+) (\\+?\\d+) (\\S{2}) " +
    "\\d+/\\d+/\\d+/\\d+/\\+?\\d+ \\d+/\\d+$",
);

function base(seq: number, at: number, message: string): LogEntry {
  return {
    seq,
    at,
    accepted: null,
    kind: "other",
    frontend: null,
    backend: null,
    server: null,
    status: null,
    bytes: null,
    durationMs: null,
    termination: null,
    client: null,
    clientPort: null,
    request: null,
    message,
  };
}

const server = (s: string): string | null => s === "<NOSRV>" ? null : s;
const frontend = (f: string): string => f.endsWith("~") ? f.slice(0, -1) : f;

/** Parses one line (a trailing newline is ignored). */
export function parseLogLine(line: string, seq: number, at: number): LogEntry {
  const message = line.replace(/\r?\n$/, "");
  const entry = base(seq, at, message);
  const h = HTTP.exec(message);
  if (h) {
    return {
      ...entry,
      kind: "http",
      client: h[1],
      clientPort: num(h[2]),
      accepted: h[3],
      frontend: frontend(h[4]),
      backend: h[5],
      server: server(h[6]),
      durationMs: num(h[7]),
      status: num(h[8]),
      bytes: num(h[9]),
      termination: h[10],
      request: h[11] ? (/"([^"]*)"$/.exec(h[11])?.[1] ?? null) : null,
    };
  }
  const t = TCP.exec(message);
  if (t) {
    return {
      ...entry,
      kind: "tcp",
      client: t[1],
      clientPort: num(t[2]),
      accepted: t[3],
      frontend: frontend(t[4]),
      backend: t[5],
      server: server(t[6]),
      durationMs: num(t[7]),
      bytes: num(t[8]),
      termination: t[9],
    };
  }
  return entry;
}
