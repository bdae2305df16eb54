/**
 * Runs plugins' background services and keeps them running: a service whose
 * `start()` throws, or whose `run()` loop ends or throws while the daemon
 * runs, has crashed; it is reported (the daemon logs and audits it, naming
 * the plugin), stopped, and started again after a backoff that doubles up to
 * a ceiling and resets once the service has stayed up that long.
 *
 * @module
 */
import type { Service } from "./plugin.ts";

/** One registered service and its plugin. */
export interface ServiceEntry {
  /** The plugin that registered the service. */
  plugin: string;
  /** The service itself. */
  service: Service;
}

/** A crash, as the supervisor reports it before the restart. */
export interface ServiceCrash {
  plugin: string;
  service: string;
  error: unknown;
  /** How many crashes in a row, counting this one. */
  attempt: number;
  /** When the next start is tried. */
  restartInMs: number;
}

/** What the supervisor tells its owner, and its backoff bounds. */
export interface SupervisorOptions {
  /** A service crashed; it restarts after `restartInMs`. */
  onCrash(crash: ServiceCrash): void;
  /** A crashed service started again. */
  onRestart?(entry: ServiceEntry, attempt: number): void;
  /** First backoff, ms (default 1000). */
  baseMs?: number;
  /** Backoff ceiling, ms (default 60000); a service up this long has its count reset. */
  maxMs?: number;
}

/** Starts, watches, restarts and stops a daemon's services. */
export class ServiceSupervisor {
  #abort = new AbortController();
  #started = new Set<Service>();

  /** Supervises `entries` (started by {@link startAll}). */
  constructor(private entries: ServiceEntry[], private opts: SupervisorOptions) {}

  /**
   * Starts every service, in registration order; resolves once each has
   * had its first start (a failed one keeps being retried in the background).
   */
  async startAll(): Promise<void> {
    for (const entry of this.entries) {
      const first = Promise.withResolvers<void>();
      void this.#supervise(entry, first.resolve);
      await first.promise;
    }
  }

  /**
   * Stops every started service, newest first, and ends every backoff and
   * loop. It does not wait for `run()` loops to return: one that ignores its
   * signal must not hold the daemon's shutdown.
   */
  async stopAll(): Promise<void> {
    this.#abort.abort();
    for (const entry of [...this.entries].reverse()) {
      if (!this.#started.delete(entry.service)) continue;
      await Promise.resolve().then(() => entry.service.stop()).catch(() => {});
    }
  }

  async #supervise(entry: ServiceEntry, firstDone: () => void): Promise<void> {
    const signal = this.#abort.signal;
    const base = this.opts.baseMs ?? 1000;
    const max = this.opts.maxMs ?? 60_000;
    let attempt = 0;
    while (!signal.aborted) {
      let upSince = 0;
      try {
        await entry.service.start();
        if (signal.aborted) {
          // Stopped while it was starting: stop it now, or it would outlive the daemon.
          await Promise.resolve().then(() => entry.service.stop()).catch(() => {});
          return;
        }
        this.#started.add(entry.service);
        if (attempt > 0) {
          try {
            this.opts.onRestart?.(entry, attempt);
          } catch { /* reporting must not end the supervision */ }
        }
        firstDone();
        if (!entry.service.run) return;
        upSince = Date.now();
        await entry.service.run(signal);
        if (signal.aborted) return;
        throw new Error("its run() loop ended while the daemon runs");
      } catch (error) {
        firstDone();
        if (signal.aborted) return;
        if (upSince && Date.now() - upSince >= max) attempt = 0;
        attempt++;
        const restartInMs = Math.min(max, base * 2 ** (attempt - 1));
        try {
          this.opts.onCrash({
            plugin: entry.plugin,
            service: entry.service.name,
            error,
            attempt,
            restartInMs,
          });
        } catch { /* reporting must not end the supervision */ }
        if (this.#started.delete(entry.service)) {
          await Promise.resolve().then(() => entry.service.stop()).catch(() => {});
        }
        await sleep(restartInMs, signal);
      }
    }
  }
}

/** Waits `ms`, or less when `signal` aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
  });
}
