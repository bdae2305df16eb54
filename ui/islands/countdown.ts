/**
 * The pending window's countdown: the banner's `<time data-island="countdown"
 * data-left-ms>` shows the time left at render (that is the no-JavaScript
 * view); this island counts it down once a second from there. It counts
 * from the server's time left and the page's own monotonic clock, never the
 * browser's wall clock against the server's, so a skewed client clock
 * cannot show a wrong time. At zero it says the window is ending.
 *
 * @module
 */

/** "4m 05s" for a time left in ms (the banner renders it; the island repeats it). */
export function timeLeft(ms: number): string {
  const s = Math.max(0, Math.ceil(ms / 1000));
  const m = Math.floor(s / 60);
  return m > 0 ? `${m}m ${String(s % 60).padStart(2, "0")}s` : `${s}s`;
}

/** What the countdown shows `elapsedMs` after a render that said `leftMs`. */
export function countdownText(leftMs: number, elapsedMs: number): string {
  const left = leftMs - elapsedMs;
  return left > 0 ? timeLeft(left) : "0s (ending)";
}

/**
 * Ticks `el` each second from its `data-left-ms`; returns a stop function.
 * `now` is a monotonic clock in ms (tests pass their own).
 */
export function countdown(
  el: HTMLElement,
  now: () => number = () => performance.now(),
): () => void {
  const leftMs = Number(el.dataset.leftMs);
  if (!Number.isFinite(leftMs)) return () => {};
  const start = now();
  const tick = () => {
    el.textContent = countdownText(leftMs, now() - start);
    if (leftMs - (now() - start) <= 0) clearInterval(timer);
  };
  const timer = setInterval(tick, 1000);
  return () => clearInterval(timer);
}
