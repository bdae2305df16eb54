/**
 * The `traffic` capability the core's commit-confirmed applies read
 * (core/apply/confirm_types.ts): for each sample the sampler takes, the
 * counters of every frontend and backend that the guards judge (responses
 * by class, server connection and response errors, `rtime`) and the
 * servers up per backend. Kept in its own ring for `retainMs` (a window
 * of up to 30 minutes plus its baseline minute), so the history's compact
 * points stay as they are.
 *
 * @module
 */
import type { TrafficProxy, TrafficSample, TrafficSource } from "../../core/apply/confirm_types.ts";
import type { StatTable } from "./csv.ts";
import { RingBuffer } from "./ring.ts";
import { NameInterner, trimPoints } from "./retention.ts";
import type { Sampler } from "./sampler.ts";
import { CODE_CLASSES, healthOf } from "./summary.ts";

/** A window's longest default (30 min) plus its baseline minute and some slack. */
export const TRAFFIC_RETAIN_MS = 35 * 60_000;

/**
 * Per-proxy points the recorder keeps in all by default (~31 MB, ~100 bytes a
 * point as measured with a heap count): with 5 s
 * samples, the whole 35 minutes up to ~700 frontends and backends, the
 * last ~25 minutes at 1,000, ~2.5 minutes at 10,000 (retention.ts).
 */
export const DEFAULT_TRAFFIC_POINTS = 300_000;

/** The per-proxy counters of one `show stat` table. */
export function trafficOf(
  at: number,
  table: StatTable,
  names: NameInterner = new NameInterner(),
): TrafficSample {
  const col = (name: string) => table.col(name);
  const hrsp = CODE_CLASSES.map((k) => col(`hrsp_${k}`));
  const c = { econ: col("econ"), eresp: col("eresp"), rtime: col("rtime"), status: col("status") };
  const byKey = new Map<string, TrafficProxy>();
  const servers = new Map<string, { up: number; total: number }>();
  for (const row of table.rows) {
    const kind = table.kind(row);
    if (kind === "server") {
      const s = servers.get(table.proxy(row)) ?? { up: 0, total: 0 };
      s.total++;
      if (healthOf(table.raw(row, c.status)) === "up") s.up++;
      servers.set(table.proxy(row), s);
      continue;
    }
    if (kind !== "frontend" && kind !== "backend") continue;
    const n = (i: number) => table.num(row, i) ?? 0;
    byKey.set(`${kind}/${table.proxy(row)}`, {
      // Detached: a slice of the CSV would keep the sample's whole text alive (retention.ts).
      name: names.take(table.proxy(row)),
      kind,
      responses: hrsp.reduce((sum, i) => sum + n(i), 0),
      r5xx: n(hrsp[4]),
      connErrors: kind === "backend" ? n(c.econ) : 0,
      respErrors: kind === "backend" ? n(c.eresp) : 0,
      rtimeMs: kind === "backend" ? table.num(row, c.rtime) : null,
      // A backend without server rows has none: 0 of 0 (the servers guard sees "lost all").
      serversUp: kind === "backend" ? 0 : null,
      serversTotal: kind === "backend" ? 0 : null,
    });
  }
  for (const [backend, s] of servers) {
    const p = byKey.get(`backend/${backend}`);
    if (p) {
      p.serversUp = s.up;
      p.serversTotal = s.total;
    }
  }
  return { at, proxies: [...byKey.values()] };
}

/**
 * Records a {@link TrafficSample} per successful sample of a sampler.
 * {@link attach} subscribes (again after each start: stopping the sampler
 * drops its subscribers).
 */
export class TrafficRecorder implements TrafficSource {
  readonly intervalMs: number;
  #ring: RingBuffer<TrafficSample>;
  #retainMs: number;
  #detach: (() => void) | null = null;
  readonly #names = new NameInterner();
  readonly #points: number;

  /** Sized for one sample per interval over `retainMs`. */
  constructor(
    private sampler: Sampler,
    intervalMs: number,
    retainMs = TRAFFIC_RETAIN_MS,
    points = DEFAULT_TRAFFIC_POINTS,
  ) {
    this.intervalMs = intervalMs;
    this.#retainMs = retainMs;
    this.#points = points;
    this.#ring = new RingBuffer(Math.ceil(retainMs / intervalMs) + 2);
  }

  /** Subscribes to the sampler's new entries (once: a second call replaces the first). */
  attach(): void {
    this.#detach?.();
    this.#detach = this.sampler.subscribe((entry) => {
      const latest = this.sampler.latest;
      if (entry.kind !== "sample" || !latest || latest.at !== entry.at) return;
      this.#ring.push(trafficOf(latest.at, latest.table, this.#names));
      this.#names.endSample();
      this.#ring.dropWhile((s) => s.at < latest.at - this.#retainMs);
      // Older samples lose their per-proxy points first; a guard then reads fewer samples.
      trimPoints(this.#ring, this.#points, (s) => s.proxies.length, (s) => {
        s.proxies = [];
      });
    });
  }

  /** Samples taken at or after `since`, oldest first. */
  samples(since: number): TrafficSample[] {
    return this.#ring.toArray((s) => s.at >= since);
  }
}
