/**
 * Where an apply's time went, stage by stage. Operators see it as the
 * `Server-Timing` header of `PUT /api/state` (browsers' dev tools and
 * `curl -D-` show it), and the core benchmark breaks its ratio down with it,
 * so a slow apply can be blamed on HAProxy's check, its reload or on us.
 *
 * @module
 */

/** One named stage and how long it took, in milliseconds. */
export interface StageTiming {
  /** A token (`validate`, `check`, `reload`, …), usable as a Server-Timing metric name. */
  name: string;
  /** Wall-clock milliseconds. */
  ms: number;
}

/** Laps a monotonic clock; each lap closes the stage that ran since the previous one. */
export class StageClock {
  #last = performance.now();
  /** The stages closed so far, in order. */
  readonly stages: StageTiming[] = [];

  /** Closes the stage `name` at now. */
  lap(name: string): void {
    const now = performance.now();
    this.stages.push({ name, ms: now - this.#last });
    this.#last = now;
  }
}

/** The stages as a `Server-Timing` header value (RFC-less W3C syntax: `name;dur=ms`). */
export function serverTiming(stages: readonly StageTiming[]): string {
  return stages.map((s) => `${s.name};dur=${s.ms.toFixed(1)}`).join(", ");
}
