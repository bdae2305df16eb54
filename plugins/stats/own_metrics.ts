/**
 * patchpanel's metrics about itself, which HAProxy managers usually do not
 * expose: applies by outcome and an apply-latency histogram (from the
 * `apply:succeeded` / `apply:failed` events), reloads and rollbacks, the
 * sampler's lag and health, and the SQLite database's size on disk.
 * Counters count since the daemon started, as Prometheus counters do.
 *
 * @module
 */
import type { Events } from "../../core/events.ts";
import type { Exposition } from "./exposition.ts";
import type { SamplerCounters } from "./sampler.ts";

/** How an apply ended: success, or the stage that stopped it. */
export type ApplyOutcome = "success" | "invalid" | "rejected" | "rolled_back";

/** Upper bounds (seconds) of the apply-latency histogram buckets. */
export const APPLY_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** Counts applies as they happen. */
export class ApplyMetrics {
  readonly outcomes: Record<ApplyOutcome, number> = {
    success: 0,
    invalid: 0,
    rejected: 0,
    rolled_back: 0,
  };
  readonly latency = {
    bounds: APPLY_BUCKETS,
    counts: APPLY_BUCKETS.map(() => 0),
    sum: 0,
    count: 0,
  };

  /** Records a successful apply (one reload). */
  succeeded(e: Events["apply:succeeded"]): void {
    this.outcomes.success++;
    this.#observe(e.durationMs / 1000);
  }

  /** Records a failed apply; a failure at the reload stage was a reload and a rollback. */
  failed(e: Events["apply:failed"]): void {
    const outcome: ApplyOutcome = e.stage === "validate"
      ? "invalid"
      : e.stage === "check"
      ? "rejected"
      : "rolled_back";
    this.outcomes[outcome]++;
    this.#observe(e.durationMs / 1000);
  }

  /** Reloads attempted: every success, plus every attempt that was rolled back. */
  get reloads(): number {
    return this.outcomes.success + this.outcomes.rolled_back;
  }

  #observe(seconds: number): void {
    const i = this.latency.bounds.findIndex((le) => seconds <= le);
    if (i >= 0) this.latency.counts[i]++;
    this.latency.sum += seconds;
    this.latency.count++;
  }
}

/** Everything the own-metrics section reads. */
export interface OwnMetricsInput {
  applies: ApplyMetrics;
  sampler: SamplerCounters & { running: boolean; intervalMs: number };
  /** Database files (main + WAL); missing files count as 0 bytes. */
  databaseFiles: string[];
}

/** Adds the `patchpanel_*` families. */
export async function addOwnMetrics(out: Exposition, input: OwnMetricsInput): Promise<void> {
  const { applies, sampler } = input;
  for (const [outcome, n] of Object.entries(applies.outcomes)) {
    out.add(
      "patchpanel_applies_total",
      "counter",
      "State applies since start, by outcome (success, invalid, rejected by haproxy -c, rolled back).",
      { outcome },
      n,
    );
  }
  out.histogram(
    "patchpanel_apply_duration_seconds",
    "Time from receiving a state to HAProxy running it (or the failure).",
    {},
    applies.latency,
  );
  out.add(
    "patchpanel_haproxy_reloads_total",
    "counter",
    "HAProxy reloads attempted by the apply pipeline.",
    {},
    applies.reloads,
  );
  out.add(
    "patchpanel_haproxy_rollbacks_total",
    "counter",
    "Applies whose reload failed and were rolled back to the previous config.",
    {},
    applies.outcomes.rolled_back,
  );
  out.add(
    "patchpanel_stats_sampler_up",
    "gauge",
    "Whether the stats sampler runs.",
    {},
    sampler.running ? 1 : 0,
  );
  out.add(
    "patchpanel_stats_sampler_interval_seconds",
    "gauge",
    "Configured sampling interval.",
    {},
    sampler.intervalMs / 1000,
  );
  out.add(
    "patchpanel_stats_sampler_lag_seconds",
    "gauge",
    "How late the last sample started against its schedule.",
    {},
    sampler.lastLagMs / 1000,
  );
  out.add(
    "patchpanel_stats_sample_duration_seconds",
    "gauge",
    "How long reading and parsing the last sample took.",
    {},
    sampler.lastDurationMs / 1000,
  );
  for (const [result, n] of [["ok", sampler.samples], ["gap", sampler.gaps]] as const) {
    out.add(
      "patchpanel_stats_samples_total",
      "counter",
      "Samples taken; a gap is a sample that could not be read (HAProxy reloading or down).",
      { result },
      n,
    );
  }
  let bytes = 0;
  for (const file of input.databaseFiles) {
    bytes += await Deno.stat(file).then((s) => s.size, () => 0);
  }
  out.add(
    "patchpanel_database_size_bytes",
    "gauge",
    "Size of the SQLite database on disk, WAL included.",
    {},
    bytes,
  );
}
