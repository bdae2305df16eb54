/**
 * `GET /api/logs` (the stored access-log lines, filtered) and
 * `GET /api/logs/stream` (the same filters, live, as server-sent events).
 *
 * Viewers see every line's proxy, backend, server, status, size, timing and
 * the request's method and path; the client's address and port, the query
 * string and the raw line (which holds both) are personal data and shown to
 * operators and admins only, who alone may filter by `client`.
 *
 * @module
 */
import { badRequest, forbidden } from "../../core/errors.ts";
import type { PluginHost, Principal } from "../../core/plugin.ts";
import { covers } from "../../core/auth/roles.ts";
import type { LogEntry } from "./parse.ts";
import { type LogQuery, type LogStore, matches } from "./store.ts";
import type { LogReceiver } from "./receiver.ts";
import type { AccessLogConfig } from "./schema.ts";

/** What the routes need. */
export interface LogRouteDeps {
  store: LogStore;
  receiver: LogReceiver;
  config: AccessLogConfig;
  /** Lines live streams dropped because their reader fell behind (shared counter). */
  streamDrops: { count: number };
  /** Open streams, closed on shutdown. */
  streams: Set<() => void>;
}

/** Whether the caller may see client addresses (operators and admins). */
export function seesClients(p: Principal | null): boolean {
  return !!p && covers(p.role, "operator");
}

/** An entry as a viewer may see it: no client address, no query string, no raw line. */
export function redact(e: LogEntry): LogEntry {
  return {
    ...e,
    client: null,
    clientPort: null,
    request: e.request ? e.request.replace(/\?[^ ]*/, "") : null,
    message: "",
  };
}

/** Parses the query string into a {@link LogQuery}; bad values are a 400 naming the parameter. */
export function parseQuery(url: URL, principal: Principal | null, max: number): LogQuery {
  const q: LogQuery = {};
  const p = url.searchParams;
  const text = (name: "frontend" | "backend") => {
    const v = p.get(name);
    if (v === null || v === "") return;
    if (!/^[A-Za-z0-9._:-]{1,128}$/.test(v)) throw badRequest(`${name} must be a proxy name`);
    q[name] = v;
  };
  text("frontend");
  text("backend");
  const status = p.get("status");
  if (status) {
    if (!/^([1-5]\d\d|[1-5]xx)$/i.test(status)) {
      throw badRequest("status must be a status such as 404 or a class such as 5xx");
    }
    q.status = status.toLowerCase();
  }
  const client = p.get("client");
  if (client) {
    if (!seesClients(principal)) {
      throw forbidden("filtering by client address needs the operator role");
    }
    if (!/^[0-9A-Fa-f.:]{2,45}$/.test(client)) throw badRequest("client must be an IP address");
    q.client = client;
  }
  const since = p.get("since");
  if (since) {
    const ms = /^\d+$/.test(since) ? Number(since) : Date.parse(since);
    if (!Number.isFinite(ms)) {
      throw badRequest("since must be an ISO 8601 time or milliseconds since the epoch");
    }
    q.since = ms;
  }
  const after = p.get("after");
  if (after) {
    if (!/^\d{1,15}$/.test(after)) throw badRequest("after must be a sequence number");
    q.after = Number(after);
  }
  const limit = p.get("limit");
  if (limit) {
    const n = Number(limit);
    if (!Number.isInteger(n) || n < 1 || n > max) {
      throw badRequest(`limit must be an integer from 1 to ${max}`);
    }
    q.limit = n;
  }
  return q;
}

/** HAProxy's own count of log lines it could not send (`DroppedLogs` of `show info`). */
async function haproxyDropped(host: PluginHost): Promise<number | null> {
  const res = await host.haproxy.admin("show info").catch(() => null);
  if (!res?.ok) return null;
  const m = /^DroppedLogs: (\d+)$/m.exec(res.output);
  return m ? Number(m[1]) : null;
}

/** The counters `GET /api/logs` reports beside the entries. */
export async function logCounters(host: PluginHost, deps: LogRouteDeps) {
  return {
    socket: deps.receiver.path,
    listening: deps.receiver.listening,
    received: deps.store.received,
    held: deps.store.size,
    evicted: deps.store.evicted,
    maxEntries: deps.config.maxEntries,
    maxAgeMs: deps.config.maxAgeMs,
    dropped: { haproxy: await haproxyDropped(host), stream: deps.streamDrops.count },
  };
}

const encoder = new TextEncoder();

/** Registers both routes. */
export function registerLogRoutes(host: PluginHost, deps: LogRouteDeps): void {
  host.route("GET", "/api/logs", {
    role: "viewer",
    tier: "read",
    summary: "Access-log lines HAProxy sent patchpanel, filtered (client address: operator+)",
  }, async (ctx) => {
    const q = parseQuery(ctx.url, ctx.principal, deps.config.maxEntries);
    const shown = seesClients(ctx.principal);
    const entries = deps.store.query(q);
    return {
      entries: shown ? entries : entries.map(redact),
      clientShown: shown,
      ...(await logCounters(host, deps)),
    };
  });

  host.route("GET", "/api/logs/stream", {
    role: "viewer",
    tier: "read",
    summary: "Access-log lines as they arrive (server-sent events `log`), same filters",
  }, (ctx) => {
    const q = parseQuery(ctx.url, ctx.principal, deps.config.maxEntries);
    const shown = seesClients(ctx.principal);
    let cleanup = () => {};
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        const send = (text: string) => controller.enqueue(encoder.encode(text));
        send("retry: 3000\n\n");
        const unsubscribe = deps.store.subscribe((e) => {
          if (!matches(e, { ...q, limit: undefined })) return;
          // A reader that fell behind loses lines (counted) rather than growing the queue.
          if ((controller.desiredSize ?? 0) <= 0) {
            deps.streamDrops.count++;
            return;
          }
          try {
            send(`event: log\nid: ${e.seq}\ndata: ${JSON.stringify(shown ? e : redact(e))}\n\n`);
          } catch {
            cleanup();
          }
        });
        const beat = setInterval(() => {
          try {
            send(": keepalive\n\n");
          } catch {
            cleanup();
          }
        }, 15_000);
        let done = false;
        const close = () => {
          cleanup();
          try {
            controller.close();
          } catch { /* the client went away */ }
        };
        cleanup = () => {
          if (done) return;
          done = true;
          unsubscribe();
          clearInterval(beat);
          deps.streams.delete(close);
        };
        deps.streams.add(close);
      },
      cancel: () => cleanup(),
    }, new CountQueuingStrategy({ highWaterMark: deps.config.streamQueue }));
    return new Response(body, {
      headers: {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-cache",
        "x-accel-buffering": "no",
      },
    });
  });
}
