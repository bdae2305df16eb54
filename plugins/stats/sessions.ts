/**
 * Who is connected: parses `show sess` (one line per stream, with
 * `src=<ip>:<port>`) into per-client session counts, ranked.
 *
 * @module
 */
import { isIP } from "node:net";

/** One client address and how many sessions it holds. */
export interface ClientCount {
  ip: string;
  sessions: number;
}

/** All sessions by client, plus the count of streams that have a network client. */
export interface SessionSummary {
  current: number;
  clients: ClientCount[];
}

const SRC = /\bsrc=(\S+)/;

/** The client IP of a `src=` value, or null for unix sockets and the CLI itself. */
export function clientIp(src: string): string | null {
  if (src.startsWith("unix") || src.startsWith("abns")) return null;
  let host = src;
  const bracket = /^\[([^\]]+)\]:\d+$/.exec(src);
  if (bracket) host = bracket[1];
  else {
    const i = src.lastIndexOf(":");
    if (i > 0 && /^\d+$/.test(src.slice(i + 1))) host = src.slice(0, i);
  }
  host = host.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, "");
  return isIP(host) ? host : null;
}

/** Counts `show sess` streams per client IP; the top `limit` by count, ties by address. */
export function topClients(showSess: string, limit: number): SessionSummary {
  const counts = new Map<string, number>();
  let current = 0;
  for (const line of showSess.split("\n")) {
    const m = SRC.exec(line);
    if (!m) continue;
    const ip = clientIp(m[1]);
    if (!ip) continue;
    current++;
    counts.set(ip, (counts.get(ip) ?? 0) + 1);
  }
  const clients = [...counts].map(([ip, sessions]) => ({ ip, sessions }));
  clients.sort((a, b) => b.sessions - a.sessions || (a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : 0));
  return { current, clients: clients.slice(0, limit) };
}
