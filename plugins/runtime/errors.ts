/**
 * `GET /api/runtime/errors`: HAProxy's `show errors` (the last invalid
 * request and response each proxy captured, with the position of the fault),
 * parsed. The captured bytes are the client's own request and may carry its
 * cookies or credentials, so only an admin gets them (`capture`); everyone
 * else with viewer access gets where and what failed.
 *
 * @module
 */
import type { PluginHost } from "../../core/plugin.ts";
import type { RuntimeApi } from "./admin.ts";

/** One captured protocol error. */
export interface CapturedError {
  /** When HAProxy captured it, as HAProxy prints it (`03/Dec/2026:14:31:03.542`). */
  at: string;
  /** The proxy that refused the message, and whether it is a frontend or a backend. */
  proxy: string;
  proxyKind: "frontend" | "backend";
  /** Whether the request or the response was invalid. */
  direction: "request" | "response";
  /** The other side, when HAProxy knew it (`null` for `<NONE>`). */
  backend: string | null;
  server: string | null;
  /** The client's address and port. */
  source: string;
  /** The byte offset of the fault in the captured message. */
  errorAt: number | null;
  /** The captured message's length in bytes. */
  length: number | null;
  /** The captured bytes as HAProxy escapes them, one line per dumped line (admins only). */
  capture?: string[];
}

const HEAD = /^\[([^\]]+)\] (frontend|backend) (\S+) \(#-?\d+\): invalid (request|response)\s*$/;
const SIDES = /backend (\S+) \(#-?\d+\), server (\S+) \(#-?\d+\), event #\d+, src (\S+)/;
const DUMP = /^\s+\d{5}\s{2}(.*)$/;

/** Parses the text of `show errors`; lines it does not know are skipped. */
export function parseShowErrors(text: string): CapturedError[] {
  const out: CapturedError[] = [];
  let current: CapturedError | null = null;
  for (const line of text.split("\n")) {
    const head = HEAD.exec(line);
    if (head) {
      current = {
        at: head[1],
        proxyKind: head[2] as "frontend" | "backend",
        proxy: head[3],
        direction: head[4] as "request" | "response",
        backend: null,
        server: null,
        source: "",
        errorAt: null,
        length: null,
        capture: [],
      };
      out.push(current);
      continue;
    }
    if (!current) continue;
    const sides = SIDES.exec(line);
    if (sides) {
      current.backend = sides[1] === "<NONE>" ? null : sides[1];
      current.server = sides[2] === "<NONE>" ? null : sides[2];
      current.source = sides[3];
      continue;
    }
    const at = /error at position (\d+)/.exec(line);
    if (at) current.errorAt = Number(at[1]);
    const len = /\blen (\d+),/.exec(line);
    if (len) current.length = Number(len[1]);
    const dump = DUMP.exec(line);
    if (dump) current.capture!.push(dump[1]);
  }
  return out;
}

/** Registers the route. */
export function errorRoutes(host: PluginHost, api: RuntimeApi): void {
  host.route("GET", "/api/runtime/errors", {
    role: "viewer",
    tier: "read",
    summary: "The last invalid request/response per proxy (show errors), parsed",
  }, async (ctx) => {
    const errors = parseShowErrors(await api.raw("show errors"));
    const admin = ctx.principal?.role === "admin";
    return {
      errors: admin ? errors : errors.map(({ capture: _capture, ...rest }) => rest),
      captureShown: admin,
    };
  });
}
