/**
 * The sampler service: every `intervalMs` it reads `show info` and
 * `show stat` from the admin socket, keeps the latest full sample, appends a
 * compact point to the history, tells subscribers (the SSE stream) and
 * emits health transitions. A failed read (HAProxy reloading or down) is
 * recorded as a gap; the loop never throws.
 *
 * @module
 */
import type { SocketResult } from "../../core/haproxy/socket.ts";
import { type Info, parseInfo, parseStat, StatTable } from "./csv.ts";
import { History } from "./history.ts";
import { NameInterner } from "./retention.ts";
import {
  type HealthMap,
  healthMap,
  type HistoryEntry,
  summarize,
  type Transition,
  transitions,
} from "./summary.ts";

/** One full sample: everything `GET /api/stats` returns. */
export interface Sample {
  at: number;
  info: Info;
  table: StatTable;
}

/** What the sampler needs from its surroundings. */
export interface SamplerDeps {
  intervalMs: number;
  historyMs: number;
  /** Per-proxy points the history keeps in all (default: history.ts `DEFAULT_HISTORY_POINTS`). */
  historyPoints?: number;
  /** A runtime API command on the admin socket. */
  admin(command: string): Promise<SocketResult>;
  /** Called for each health transition. */
  onTransition(t: Transition, at: number): void;
  /**
   * Why the admin socket does not answer as patchpanel's should (wrong level), or null;
   * asked before each sample, which becomes a gap when it says why.
   */
  probe?: () => Promise<string | null>;
  now?: () => number;
}

/** Counters the metrics endpoint reports. */
export interface SamplerCounters {
  samples: number;
  gaps: number;
  lastLagMs: number;
  lastDurationMs: number;
}

/** The sampling loop and what it has seen. */
export class Sampler {
  readonly history: History;
  readonly counters: SamplerCounters = { samples: 0, gaps: 0, lastLagMs: 0, lastDurationMs: 0 };
  #deps: SamplerDeps;
  #now: () => number;
  #latest: Sample | null = null;
  #failure: string | null = null;
  #health: HealthMap | null = null;
  #running = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #inflight: Promise<void> | null = null;
  #subscribers = new Set<(entry: HistoryEntry) => void>();
  readonly #names = new NameInterner();

  /** Creates a stopped sampler. */
  constructor(deps: SamplerDeps) {
    this.#deps = deps;
    this.#now = deps.now ?? Date.now;
    this.history = new History(deps.historyMs, deps.intervalMs, deps.historyPoints);
  }

  /** Whether the loop runs. */
  get running(): boolean {
    return this.#running;
  }

  /** The newest successful sample, or null before the first. */
  get latest(): Sample | null {
    return this.#latest;
  }

  /**
   * Why the newest attempt failed, or null when it gave a sample: while set, the latest
   * sample is not current and `/api/stats` answers 503 rather than serve it as if it were.
   */
  get failure(): string | null {
    return this.#failure;
  }

  /** Takes the first sample now, then one per interval. */
  async start(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    const first = this.#now();
    await this.#run(first);
    this.#schedule(first + this.#deps.intervalMs);
  }

  /** Stops the loop and waits for a sample in flight. */
  async stop(): Promise<void> {
    this.#running = false;
    clearTimeout(this.#timer);
    await this.#inflight;
    this.#subscribers.clear();
  }

  /** Registers a listener for every new history entry; returns the unsubscribe. */
  subscribe(listener: (entry: HistoryEntry) => void): () => void {
    this.#subscribers.add(listener);
    return () => this.#subscribers.delete(listener);
  }

  /** Reads one sample (or records one gap) as if scheduled at `scheduledAt`. */
  async sampleOnce(scheduledAt: number = this.#now()): Promise<HistoryEntry> {
    const started = this.#now();
    const lagMs = Math.max(0, started - scheduledAt);
    const refused = (await this.#deps.probe?.()) ?? null;
    const infoOut = refused === null
      ? await this.#deps.admin("show info")
      : { ok: false as const, error: { kind: "level" as const, message: refused } };
    const statOut = infoOut.ok ? await this.#deps.admin("show stat") : infoOut;
    let entry: HistoryEntry;
    if (!infoOut.ok || !statOut.ok) {
      const failed = !infoOut.ok ? infoOut : statOut;
      entry = { kind: "gap", at: started, reason: failed.ok ? "unknown" : failed.error.kind };
      this.#failure = refused ??
        `reading HAProxy's stats failed (${failed.ok ? "unknown" : failed.error.message})`;
    } else {
      const table = parseStat(statOut.output);
      if (!(table instanceof StatTable)) {
        entry = { kind: "gap", at: started, reason: "parse" };
        this.#failure = "HAProxy's show stat answer could not be parsed";
      } else {
        const info = parseInfo(infoOut.output);
        const durationMs = this.#now() - started;
        entry = summarize(started, info, table, { durationMs, lagMs }, this.#names);
        this.#names.endSample();
        this.#accept({ at: started, info, table });
        this.#failure = null;
        this.counters.lastDurationMs = durationMs;
      }
    }
    this.counters.lastLagMs = lagMs;
    if (entry.kind === "gap") this.counters.gaps++;
    else this.counters.samples++;
    this.history.record(entry, started);
    for (const listener of this.#subscribers) {
      try {
        listener(entry);
      } catch {
        // a broken subscriber (closed stream) must not stop sampling
      }
    }
    return entry;
  }

  #accept(sample: Sample): void {
    this.#latest = sample;
    const health = healthMap(sample.table);
    if (this.#health) {
      for (const t of transitions(this.#health, health)) this.#deps.onTransition(t, sample.at);
    }
    this.#health = health;
  }

  async #run(scheduledAt: number): Promise<void> {
    const run = this.sampleOnce(scheduledAt).then(() => {}, () => {});
    this.#inflight = run;
    await run;
    this.#inflight = null;
  }

  #schedule(at: number): void {
    if (!this.#running) return;
    const now = this.#now();
    let next = at;
    while (next <= now - this.#deps.intervalMs) next += this.#deps.intervalMs;
    this.#timer = setTimeout(async () => {
      if (!this.#running) return;
      await this.#run(next);
      this.#schedule(next + this.#deps.intervalMs);
    }, Math.max(0, next - now));
  }
}
