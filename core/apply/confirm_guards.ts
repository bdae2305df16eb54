/**
 * The guards of a commit-confirmed window, as pure functions of the
 * baseline and live readings of each touched proxy:
 *
 * - `servers`: a backend that had a server up before the apply has none
 *   (judged from the newest sample; needs no traffic).
 * - `5xx`: the share of 5xx responses rose by more than
 *   `maxErrorRisePct` points; needs `minRequests` responses before and during.
 * - `rtime`: HAProxy's `rtime` (its average response time over the last
 *   1,024 requests; the sampler has no median) is more than `rtimeFactor`
 *   times the baseline (taken as at least `rtimeFloorMs`); backends only,
 *   same traffic floor.
 *
 * A guard that cannot judge says `insufficient` and why; it never trips on a guess.
 *
 * @module
 */
import type { GuardSettings, GuardVerdict, Reading } from "./confirm_types.ts";

/** The defaults: the (all servers lost; +5 points of 5xx; response time ×3). */
export const DEFAULT_GUARDS: GuardSettings = {
  serversDown: true,
  maxErrorRisePct: 5,
  minRequests: 20,
  rtimeFactor: 3,
  rtimeFloorMs: 10,
};

/** Every guard's verdict on every touched proxy (keys `frontend/<name>`, `backend/<name>`). */
export function judge(
  keys: string[],
  baseline: Record<string, Reading>,
  live: Record<string, Reading>,
  g: GuardSettings,
): GuardVerdict[] {
  const out: GuardVerdict[] = [];
  for (const key of keys) {
    const [kind, ...rest] = key.split("/");
    const proxy = rest.join("/");
    const k = kind === "frontend" ? "frontend" : "backend";
    const before = baseline[key];
    const now = live[key];
    const verdict = (
      guard: GuardVerdict["guard"],
      status: GuardVerdict["status"],
      detail: string,
    ) => out.push({ guard, proxy, kind: k, status, detail });
    if (k === "backend" && g.serversDown) {
      if (!now || now.serversUp === null) {
        verdict("servers", "insufficient", "no sample since the apply yet");
      } else if ((before?.serversUp ?? 0) > 0 && now.serversUp === 0) {
        verdict(
          "servers",
          "tripped",
          `no server up (had ${before!.serversUp} of ${before!.serversTotal})`,
        );
      } else {
        verdict("servers", "ok", `${now.serversUp} of ${now.serversTotal} servers up`);
      }
    }
    const enough = traffic(before, now, g.minRequests);
    if (g.maxErrorRisePct > 0) {
      if (enough) verdict("5xx", "insufficient", enough);
      else {
        const rise = now!.share5xxPct! - before!.share5xxPct!;
        const text = `5xx ${before!.share5xxPct}% → ${
          now!.share5xxPct
        }% (limit +${g.maxErrorRisePct})`;
        verdict("5xx", rise > g.maxErrorRisePct ? "tripped" : "ok", text);
      }
    }
    if (k === "backend" && g.rtimeFactor > 0) {
      if (enough) verdict("rtime", "insufficient", enough);
      else if (before!.rtimeMs === null || now!.rtimeMs === null) {
        verdict("rtime", "insufficient", "HAProxy reports no response time here");
      } else {
        const base = Math.max(before!.rtimeMs, g.rtimeFloorMs);
        const text = `rtime ${before!.rtimeMs} ms → ${now!.rtimeMs} ms (limit ${
          base * g.rtimeFactor
        } ms)`;
        verdict("rtime", now!.rtimeMs > base * g.rtimeFactor ? "tripped" : "ok", text);
      }
    }
  }
  return out;
}

/** Why there is too little traffic to judge, or null when there is enough. */
function traffic(
  before: Reading | undefined,
  now: Reading | undefined,
  min: number,
): string | null {
  const b = before?.responses ?? 0;
  const n = now?.responses ?? 0;
  if (b < min || n < min) {
    return `not enough traffic: ${b} responses before, ${n} since the apply (need ${min} each)`;
  }
  return null;
}
