/**
 * Where two printed cfgs differ, in whole sections. A small change to a
 * 100,000-server render (one weight) differs in one `backend` section;
 * comparing the two texts natively and parsing only the sections that hold
 * the difference costs a few milliseconds, where parsing both renders costs
 * most of a second. Everything before the region is the same text in both
 * (a common prefix), everything after it too (a common suffix), so no
 * section outside it can hold a change.
 *
 * @module
 */

/** The differing sections: `[start, end)` offsets into each text, on section boundaries. */
export interface CfgRegion {
  live: { start: number; end: number };
  next: { start: number; end: number };
}

/** Compared natively this many characters at a time before the last few are walked. */
const CHUNK = 4096;

/** Length of the longest common prefix of `a` and `b`. */
export function commonPrefix(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  // Slices of flat strings compare as memory; a character loop over 12 MB would not.
  while (i + CHUNK <= n && a.slice(i, i + CHUNK) === b.slice(i, i + CHUNK)) i += CHUNK;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

/** Length of the longest common suffix of `a` and `b` that leaves at least `keep` of each. */
export function commonSuffix(a: string, b: string, keep: number): number {
  const n = Math.min(a.length, b.length) - keep;
  let i = 0;
  while (
    i + CHUNK <= n &&
    a.slice(a.length - i - CHUNK, a.length - i) === b.slice(b.length - i - CHUNK, b.length - i)
  ) i += CHUNK;
  while (i < n && a.charCodeAt(a.length - 1 - i) === b.charCodeAt(b.length - 1 - i)) i++;
  return i;
}

/** Whether the line starting at `at` opens a section (unindented, not blank, not a comment). */
function isHeaderAt(text: string, at: number): boolean {
  const c = text.charCodeAt(at);
  return at < text.length && c !== 32 && c !== 9 && c !== 10 && c !== 13 && c !== 35;
}

/**
 * The start of the last section that opens before offset `at` (0 when none
 * does). A line starting at `at` itself does not count: its first character
 * is the first that differs, so it may open a section in one text only.
 */
function sectionStart(text: string, at: number): number {
  let line = text.lastIndexOf("\n", at - 1) + 1;
  if (line === at && line > 0) line = text.lastIndexOf("\n", line - 2) + 1;
  while (line > 0 && !isHeaderAt(text, line)) line = text.lastIndexOf("\n", line - 2) + 1;
  return line;
}

/**
 * The start of the first section that opens after offset `last` (the text's
 * end if none), found from the newline after it: both that newline and the
 * header are past the last differing character, in text the two share.
 */
export function sectionEnd(text: string, last: number): number {
  let nl = text.indexOf("\n", last + 1);
  while (nl >= 0) {
    if (isHeaderAt(text, nl + 1)) return nl + 1;
    nl = text.indexOf("\n", nl + 1);
  }
  return text.length;
}

/**
 * The sections that hold every difference between `live` and `next`, or
 * null when the texts are equal. The region starts at the same offset in
 * both (their common prefix ends inside the same section) and ends where
 * the common suffix takes over, widened to whole sections on each side.
 */
export function differingRegion(live: string, next: string): CfgRegion | null {
  if (live === next) return null;
  const prefix = commonPrefix(live, next);
  const suffix = commonSuffix(live, next, prefix);
  const start = sectionStart(next, prefix);
  // The last differing character of each text; the suffix after it is shared.
  const liveLast = Math.max(prefix, live.length - suffix - 1);
  const nextLast = Math.max(prefix, next.length - suffix - 1);
  let liveEnd = sectionEnd(live, liveLast);
  let nextEnd = sectionEnd(next, nextLast);
  // Both ends must fall on the same point of the shared suffix, or a section would be cut
  // in one text and not the other: widen the shorter side to the other's boundary.
  const liveTail = live.length - liveEnd;
  const nextTail = next.length - nextEnd;
  if (liveTail > nextTail) liveEnd = live.length - nextTail;
  else if (nextTail > liveTail) nextEnd = next.length - liveTail;
  return { live: { start, end: liveEnd }, next: { start, end: nextEnd } };
}

/**
 * The text of the `backend` (or `listen`) section named `name`, or null
 * when the cfg has none: the servers of one backend are read without
 * reading the other 10,000.
 */
export function proxySection(cfg: string, name: string): string | null {
  for (const kind of ["backend", "listen"]) {
    const header = `${kind} ${name}`;
    let at = cfg.startsWith(header + "\n") ? 0 : cfg.indexOf(`\n${header}\n`);
    if (at < 0) continue;
    if (at > 0) at++;
    return cfg.slice(at, sectionEnd(cfg, at));
  }
  return null;
}
