/**
 * Hands memory back to the operating system once the daemon is idle after
 * an apply.
 *
 * An apply of a large state allocates tens of MB outside V8's heap: request
 * bodies, TLS buffers, the encoded state and cfg texts. glibc keeps what is
 * freed in its arenas rather than returning it, so a daemon that applied a
 * 100,000-server state once holds ~70 MB it no longer uses until the next
 * apply reuses it; the stats plugin's samples of such a state (a 20 MB
 * `show stat` every interval) leave as much behind. `malloc_trim(0)`
 * returns those free pages. It costs 2–3 ms on a 350 MB process, so it
 * runs once after a quiet second following applies (not during a burst of
 * them), and every {@link RELEASE_PERIOD_MS} for what else the daemon freed.
 *
 * On a libc without `malloc_trim` (musl), or without FFI permission, it
 * does nothing.
 *
 * @module
 */

/** Returns free heap memory to the OS; true when it released some (what `malloc_trim` says). */
export type Trim = () => boolean;

/** How long the daemon must stay quiet after the last apply before trimming. */
export const RELEASE_IDLE_MS = 1000;

/** How often a trim runs regardless of applies. */
export const RELEASE_PERIOD_MS = 10_000;

/**
 * glibc's `malloc_trim(0)` through FFI, or null where there is none. The
 * library is opened once, when the first trim runs, and kept open.
 */
export function glibcTrim(): Trim | null {
  let lib: Deno.DynamicLibrary<typeof SYMBOLS>;
  try {
    lib = Deno.dlopen("libc.so.6", SYMBOLS);
  } catch {
    return null;
  }
  return () => lib.symbols.malloc_trim(0n) === 1;
}

const SYMBOLS = { malloc_trim: { parameters: ["usize"], result: "i32" } } as const;

/**
 * Debounces trims: {@link schedule} after each apply, and one trim runs
 * once none came for `idleMs`; {@link start} adds a periodic one.
 */
export class MemoryRelease {
  #timer: ReturnType<typeof setTimeout> | undefined;
  #period: ReturnType<typeof setInterval> | undefined;
  #trim: Trim | null | undefined;
  #runs = 0;

  /**
   * @param openTrim finds the trim function, on first use (default: glibc's).
   * @param idleMs the quiet time before a trim.
   */
  constructor(
    private openTrim: () => Trim | null = glibcTrim,
    private idleMs = RELEASE_IDLE_MS,
  ) {}

  /** Asks for a trim once the daemon has been quiet for `idleMs`; later calls push it back. */
  schedule(): void {
    if (this.#trim === null) return;
    clearTimeout(this.#timer);
    const timer = setTimeout(() => this.#run(), this.idleMs);
    // A pending trim never keeps the process (or a test) alive.
    Deno.unrefTimer(timer);
    this.#timer = timer;
  }

  /** How many trims have run. */
  get runs(): number {
    return this.#runs;
  }

  /** Trims every `periodMs` from now on, until {@link stop}. */
  start(periodMs = RELEASE_PERIOD_MS): void {
    clearInterval(this.#period);
    const period = setInterval(() => this.#run(), periodMs);
    Deno.unrefTimer(period);
    this.#period = period;
  }

  /** Cancels a pending trim and the periodic one. */
  stop(): void {
    clearTimeout(this.#timer);
    clearInterval(this.#period);
    this.#timer = undefined;
    this.#period = undefined;
  }

  #run(): void {
    this.#timer = undefined;
    this.#trim ??= this.openTrim();
    if (!this.#trim) return this.stop();
    this.#trim();
    this.#runs++;
  }
}
