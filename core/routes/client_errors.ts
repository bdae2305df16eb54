/**
 * `POST /api/client-errors`: the web console reports its own failures (a
 * script error, a failed fetch) so an operator sees them in the audit log
 * (category `client-error`) instead of only in one browser's devtools.
 * Any signed-in user may report; each principal may report at most
 * {@link REPORTS_PER_MINUTE} a minute (a broken page in a loop must not fill
 * the audit log), and every field is bounded.
 *
 * @module
 */
import { z } from "zod";
import { HttpError } from "../errors.ts";
import type { PluginHost } from "../plugin.ts";

/** How many reports one principal may send a minute. */
export const REPORTS_PER_MINUTE = 10;

const Report = z.object({
  message: z.string().trim().min(1).max(1000),
  /** The page the error happened on (a path, not a whole URL with a query). */
  page: z.string().max(300).optional(),
  source: z.string().max(300).optional(),
  line: z.number().int().nonnegative().optional(),
  column: z.number().int().nonnegative().optional(),
  stack: z.string().max(4000).optional(),
}).strict();

/** A fixed one-minute window per principal: enough for a report route. */
export class ReportLimiter {
  #windows = new Map<string, { start: number; count: number }>();

  constructor(private perMinute = REPORTS_PER_MINUTE, private now = () => Date.now()) {}

  /** Seconds until `who` may report again, or 0 when this report is allowed. */
  take(who: string): number {
    const t = this.now();
    const w = this.#windows.get(who);
    if (!w || t - w.start >= 60_000) {
      if (this.#windows.size > 10_000) this.#windows.clear(); // bounded memory
      this.#windows.set(who, { start: t, count: 1 });
      return 0;
    }
    if (w.count >= this.perMinute) return Math.ceil((w.start + 60_000 - t) / 1000);
    w.count++;
    return 0;
  }
}

/** Registers the route. */
export function clientErrorRoutes(host: PluginHost): void {
  const limiter = new ReportLimiter();
  host.route("POST", "/api/client-errors", {
    role: "viewer",
    tier: "write",
    summary: "Report a web console error {message, page?, source?, line?, column?, stack?}",
  }, async (ctx) => {
    const report = await ctx.body(Report);
    const wait = limiter.take(ctx.actor);
    if (wait > 0) {
      const message = `at most ${REPORTS_PER_MINUTE} client error reports a minute`;
      throw new HttpError("TooManyRequests", message, { error: message }, {
        "retry-after": String(wait),
      });
    }
    host.audit.record({
      actor: ctx.actor,
      category: "client-error",
      action: "report",
      target: report.page ?? null,
      details: { ip: ctx.ip, ...report },
      outcome: "failure",
    });
    return { ok: true };
  });
}
