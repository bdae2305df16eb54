/**
 * The events the stats sampler emits, added to the core's typed event map by
 * declaration merging. The notifications plugin turns them into alerts.
 *
 * @module
 */

/** A server changed health between two samples. */
export interface ServerHealthEvent {
  backend: string;
  server: string;
  /** HAProxy's status text at the later sample, e.g. "DOWN" or "UP 1/3". */
  status: string;
  /** When the sample that saw it was taken, epoch ms. */
  at: number;
}

declare module "../../core/events.ts" {
  interface Events {
    /** A server went from up to down (health checks failed). */
    "server:down": ServerHealthEvent;
    /** A server went from down back to up. */
    "server:up": ServerHealthEvent;
    /** A backend has no usable server left. */
    "backend:down": { backend: string; at: number };
  }
}
