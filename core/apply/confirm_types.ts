/**
 * The shapes of commit-confirmed applies: what a traffic source (the stats
 * plugin's sampler) hands the core, the readings taken from it, the guards'
 * settings and verdicts, and the pending window as persisted.
 *
 * The traffic source is a capability (`host.provide("traffic", ...)`): the
 * core declares its contract here and never imports the plugin that offers it.
 *
 * @module
 */

/** One frontend or backend in one sample: HAProxy's cumulative counters (per worker). */
export interface TrafficProxy {
  name: string;
  kind: "frontend" | "backend";
  /** HTTP responses sent, all classes (`hrsp_1xx` … `hrsp_other`). */
  responses: number;
  /** 5xx responses (`hrsp_5xx`). */
  r5xx: number;
  /** Connection errors to servers (`econ`, backends; 0 for frontends). */
  connErrors: number;
  /** Response errors from servers (`eresp`, backends; 0 for frontends). */
  respErrors: number;
  /** HAProxy's average response time over the last 1,024 requests, ms (`rtime`, backends). */
  rtimeMs: number | null;
  /** Servers that are up, and all servers (backends only). */
  serversUp: number | null;
  serversTotal: number | null;
}

/** One successful sample of the traffic source. */
export interface TrafficSample {
  /** When it was taken, epoch ms. */
  at: number;
  proxies: TrafficProxy[];
}

/** The `traffic` capability: the samples the stats sampler has taken. */
export interface TrafficSource {
  /** How often a sample is taken, ms. */
  readonly intervalMs: number;
  /** Samples taken at or after `since` (epoch ms), oldest first. */
  samples(since: number): TrafficSample[];
}

declare module "../providers.ts" {
  interface Providers {
    /** Samples of HAProxy's per-proxy counters (the stats plugin provides it). */
    traffic: TrafficSource;
  }
}

/** What one proxy did over a stretch of time (counters as increases, resets handled). */
export interface Reading {
  /** Samples the reading is built from. */
  samples: number;
  responses: number;
  r5xx: number;
  /** 5xx share of responses, percent (null without responses). */
  share5xxPct: number | null;
  connErrors: number;
  respErrors: number;
  /** HAProxy's `rtime` in the newest sample, ms (backends). */
  rtimeMs: number | null;
  serversUp: number | null;
  serversTotal: number | null;
}

/** The guards' settings (config.yaml `confirm.guards`, overridable per request). */
export interface GuardSettings {
  /** Trip when a touched backend that had servers up has none. */
  serversDown: boolean;
  /** Trip when the 5xx share rises by more than this many percentage points (0 disables). */
  maxErrorRisePct: number;
  /** Responses needed, before and during the window, to judge the 5xx share and response time. */
  minRequests: number;
  /** Trip when response time is more than this many times the baseline (0 disables). */
  rtimeFactor: number;
  /** The baseline response time is taken as at least this, ms (sub-ms loopback is not 0). */
  rtimeFloorMs: number;
}

/** The guards by name. */
export type GuardName = "servers" | "5xx" | "rtime";

/** One guard's verdict on one proxy. */
export interface GuardVerdict {
  guard: GuardName;
  proxy: string;
  kind: "frontend" | "backend";
  /** `insufficient`: too little traffic (or no sample yet) to judge; said, not guessed. */
  status: "ok" | "tripped" | "insufficient";
  detail: string;
}

/** How a window ended, or that it has not. */
export type WindowStatus =
  | "pending"
  | "confirmed"
  | "kept"
  | "rolled-back"
  | "cancelled"
  | "rollback-failed";

/** The pending window, as persisted in the data directory and shown by `GET /api/state/pending`. */
export interface WindowRecord {
  id: string;
  status: WindowStatus;
  actor: string;
  /** Epoch ms: the apply started; the baseline is the minute before. */
  startedAt: number;
  /** Epoch ms: the (latest) apply finished; live readings count samples from here. */
  watchFrom: number;
  /** Epoch ms: the window ends, and the change is kept, unless a guard trips first. */
  endsAt: number;
  /** The snapshot a rollback restores (the state before the first apply of the window). */
  rollbackTo: string;
  /** The snapshot the (latest) apply of the window recorded. */
  appliedSnapshot: string;
  /** How many applies superseded the first one. */
  superseded: number;
  /** The frontends and backends the change touched, which the guards watch. */
  touched: { frontends: string[]; backends: string[] };
  guards: GuardSettings;
  /** Per touched proxy: the minute before the apply. */
  baseline: Record<string, Reading>;
  /** The newest live readings and verdicts (refreshed on each check). */
  live: Record<string, Reading>;
  verdicts: GuardVerdict[];
  /** Epoch ms when it ended, and why, in words. */
  endedAt: number | null;
  why: string | null;
  /** The snapshot the rollback recorded, when it rolled back. */
  restoredSnapshot: string | null;
}
