// deno-lint-ignore-file no-explicit-any
/**
 * Helpers of the commit-confirmed tests: a daemon with the stats sampler at
 * a fast interval and a short minimum window, and a traffic generator that
 * keeps requests flowing through HAProxy (a fresh connection each) so the
 * guards have something to judge.
 *
 * @module
 */
import type { Plugin } from "../../core/plugin.ts";
import { stats } from "../../plugins/stats/mod.ts";
import {
  freePort,
  simpleState,
  startTestDaemon,
  type TestDaemon,
  through,
  waitFor,
} from "./daemon.ts";

/** Loops of requests through a frontend port, counting answers by status. */
export interface Traffic {
  /** Answers so far, by HTTP status (0: refused). */
  counts: Map<number, number>;
  /** Every answer so far. */
  total(): number;
  /** Stops the loops and waits for them. */
  stop(): Promise<void>;
}

/** Starts `loops` request loops against 127.0.0.1:`port`. */
export function startTraffic(port: number, loops = 8): Traffic {
  let running = true;
  const counts = new Map<number, number>();
  const loop = async () => {
    while (running) {
      const r = await through(port);
      counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
      // A pause keeps the load modest on a shared machine (a refused connection: longer).
      await new Promise((res) => setTimeout(res, r.status === 0 ? 100 : 40));
    }
  };
  const all = Array.from({ length: loops }, loop);
  return {
    counts,
    total: () => [...counts.values()].reduce((a, b) => a + b, 0),
    stop: async () => {
      running = false;
      await Promise.all(all);
    },
  };
}

/** Options of {@link startConfirmDaemon}. */
export interface ConfirmDaemonOptions {
  dataDir?: string;
  /** Skip the initial apply (a restart on the same data dir). */
  noState?: boolean;
  /** More plugins next to stats. */
  plugins?: Plugin[];
  /** Changes the initial state (e.g. adds a notifications channel). */
  extra?: (state: any) => void;
}

/** A daemon with stats every 200 ms, windows from 1 s, and `fe` → `app` → `server`. */
export async function startConfirmDaemon(
  fe: number,
  server: string,
  opts: ConfirmDaemonOptions = {},
): Promise<TestDaemon> {
  return await startTestDaemon({
    plugins: [stats(), ...(opts.plugins ?? [])],
    dataDir: opts.dataDir,
    config: { stats: { intervalMs: 200 }, confirm: { minMs: 1000 } },
    state: opts.noState ? undefined : stateWith(fe, server, opts.extra),
  });
}

/** The state of {@link startConfirmDaemon} with `app`'s server at another address. */
export function stateWith(fe: number, server: string, extra?: (s: any) => void): any {
  const state = simpleState(fe, [{ name: "s1", address: server }]);
  extra?.(state);
  return state;
}

/** An address nothing listens on (a port just freed). */
export function deadAddress(): string {
  return `127.0.0.1:${freePort()}`;
}

/** Waits until the traffic has `n` more answers than now. */
export async function moreAnswers(t: Traffic, n: number, timeoutMs = 15_000): Promise<boolean> {
  const want = t.total() + n;
  return await waitFor(() => t.total() >= want, timeoutMs);
}

/**
 * Lets traffic flow for a while (`ms`, 2 s: ten samples at 200 ms), so the
 * minute before the next apply holds a baseline; true once answers came.
 */
export async function warmUp(t: Traffic, ms = 2000): Promise<boolean> {
  if (!await moreAnswers(t, 20)) return false;
  await new Promise((r) => setTimeout(r, ms));
  return true;
}

/** Waits until no window is pending and returns the last one that ended. */
export async function waitEnded(d: TestDaemon, timeoutMs = 30_000): Promise<any> {
  let last: any = null;
  await waitFor(
    async () => {
      const r = await d.api("GET", "/api/state/pending");
      last = r.body?.last ?? null;
      return r.body?.pending === null && last !== null;
    },
    timeoutMs,
    200,
  );
  return last;
}
