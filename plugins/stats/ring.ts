/**
 * A fixed-capacity ring buffer: the history's memory is allocated once and
 * never grows, however long the daemon runs; the oldest entry is overwritten.
 *
 * @module
 */

/** A ring of at most `capacity` items, oldest first when read. */
export class RingBuffer<T> {
  readonly capacity: number;
  #slots: (T | undefined)[];
  #start = 0;
  #size = 0;

  /** Allocates every slot up front. */
  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`ring capacity must be a positive integer, got ${capacity}`);
    }
    this.capacity = capacity;
    this.#slots = new Array(capacity).fill(undefined);
  }

  /** How many items it holds. */
  get size(): number {
    return this.#size;
  }

  /** Slots allocated (always `capacity`; exposed so tests can prove it). */
  get allocated(): number {
    return this.#slots.length;
  }

  /** Appends, overwriting the oldest item when full. */
  push(item: T): void {
    const at = (this.#start + this.#size) % this.capacity;
    this.#slots[at] = item;
    if (this.#size < this.capacity) this.#size++;
    else this.#start = (this.#start + 1) % this.capacity;
  }

  /** The newest item, if any. */
  last(): T | undefined {
    return this.#size === 0
      ? undefined
      : this.#slots[(this.#start + this.#size - 1) % this.capacity];
  }

  /** Items oldest first, optionally only those `keep` accepts. */
  toArray(keep: (item: T) => boolean = () => true): T[] {
    const out: T[] = [];
    for (let i = 0; i < this.#size; i++) {
      const item = this.#slots[(this.#start + i) % this.capacity] as T;
      if (keep(item)) out.push(item);
    }
    return out;
  }

  /** Drops items from the old end while `expired` says so. */
  dropWhile(expired: (item: T) => boolean): void {
    while (this.#size > 0 && expired(this.#slots[this.#start] as T)) {
      this.#slots[this.#start] = undefined;
      this.#start = (this.#start + 1) % this.capacity;
      this.#size--;
    }
  }
}
