/**
 * Serializes async work: applies run one at a time, in arrival order, and a
 * caller that waits too long gives up its place instead of running later.
 *
 * Without the bound, a PUT whose client had long given up (a hung `haproxy -c`
 * ahead of it) would still be applied once the lock came free, changing the
 * load balancer behind everyone's back.
 *
 * @module
 */

/** Options of {@link Mutex.run}. */
export interface RunOptions {
  /** Give up if `fn` has not started within this many ms (default: wait forever). */
  waitMs?: number;
  /** The rejection when the wait runs out (default: a {@link LockWaitTimeout}). */
  timeoutError?: () => Error;
}

/** The default rejection of a wait that ran out: `fn` never ran. */
export class LockWaitTimeout extends Error {
  /** `waitMs` is the bound that ran out. */
  constructor(readonly waitMs: number) {
    super(`waited ${waitMs} ms for the lock`);
    this.name = "LockWaitTimeout";
  }
}

interface Waiter {
  start: () => void;
}

/** A FIFO lock around async functions, with an optional bound on the wait. */
export class Mutex {
  #busy = false;
  #queue: Waiter[] = [];

  /** Whether something holds the lock now. */
  get busy(): boolean {
    return this.#busy;
  }

  /**
   * Runs `fn` after every earlier call has settled. With `waitMs`, a call
   * still queued after that long is rejected and `fn` is never run.
   */
  run<T>(fn: () => Promise<T>, opts: RunOptions = {}): Promise<T> {
    if (!this.#busy) {
      this.#busy = true;
      return this.#hold(fn);
    }
    return new Promise<T>((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const waiter: Waiter = {
        start: () => {
          clearTimeout(timer);
          this.#hold(fn).then(resolve, reject);
        },
      };
      this.#queue.push(waiter);
      if (opts.waitMs !== undefined) {
        const waitMs = opts.waitMs;
        timer = setTimeout(() => {
          const at = this.#queue.indexOf(waiter);
          if (at < 0) return; // already started
          this.#queue.splice(at, 1);
          reject(opts.timeoutError?.() ?? new LockWaitTimeout(waitMs));
        }, waitMs);
      }
    });
  }

  async #hold<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } finally {
      const next = this.#queue.shift();
      if (next) next.start();
      else this.#busy = false;
    }
  }
}
