/**
 * The differing region of two renders: whatever the edit, the text before
 * it and after it is the same in both, and it starts and ends on section
 * boundaries in both, so parsing only the region sees every change.
 */
import assert from "node:assert/strict";
import { commonPrefix, commonSuffix, differingRegion } from "./cfg_region.ts";

/** Sections separated by a blank line (as patchpanel prints them), or by nothing. */
function render(backends: string[][], gap = true): string {
  const out = ["# Generated", "", "global", "    maxconn 100", "", "defaults", "    mode http", ""];
  backends.forEach((servers, i) => {
    out.push(`backend b${i}`, "    balance roundrobin");
    for (const s of servers) out.push(`    server ${s}`);
    if (gap) out.push("");
  });
  return out.join("\n");
}

/** A start or end offset where a section opens (or the text begins or ends). */
function onBoundary(text: string, at: number): boolean {
  if (at === 0 || at === text.length) return true;
  const c = text[at];
  return text[at - 1] === "\n" && c !== " " && c !== "\n" && c !== "#";
}

function assertRegion(live: string, next: string): void {
  const r = differingRegion(live, next);
  if (live === next) return assert.equal(r, null);
  assert.ok(r);
  assert.equal(r.live.start, r.next.start);
  assert.equal(live.slice(0, r.live.start), next.slice(0, r.next.start));
  assert.equal(live.slice(r.live.end), next.slice(r.next.end));
  for (
    const [text, at] of [
      [live, r.live.start],
      [live, r.live.end],
      [next, r.next.start],
      [next, r.next.end],
    ] as const
  ) assert.ok(onBoundary(text, at), `offset ${at} is not a section boundary`);
}

/** A small deterministic generator, so a failure replays. */
function rng(seed: number): () => number {
  return () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
}

Deno.test("cfg region - prefix and suffix are compared beyond one chunk", () => {
  const a = "x".repeat(10_000) + "A" + "y".repeat(9_000);
  const b = "x".repeat(10_000) + "BB" + "y".repeat(9_000);
  assert.equal(commonPrefix(a, b), 10_000);
  assert.equal(commonSuffix(a, b, 10_000), 9_000);
  // The suffix never overlaps the prefix: "aa" in "aaa" shares 2, leaving 1 for the suffix.
  assert.equal(commonSuffix("aa", "aaa", commonPrefix("aa", "aaa")), 0);
});

Deno.test("cfg region - one weight among 1,000 backends is one section", () => {
  const servers = (w: number) => [`s0 127.0.0.1:1 weight ${w}`, "s1 127.0.0.1:2 weight 1"];
  const backends = Array.from({ length: 1000 }, () => servers(1));
  const live = render(backends);
  backends[500] = servers(7);
  const next = render(backends);
  const r = differingRegion(live, next)!;
  assert.equal(next.slice(r.next.start, r.next.end).split("\n")[0], "backend b500");
  assert.equal(live.slice(r.live.start, r.live.end).split("\n").filter((l) => l).length, 4);
  assertRegion(live, next);
});

Deno.test("cfg region - random edits keep the region on section boundaries", () => {
  const rand = rng(7);
  const pick = (n: number) => Math.floor(rand() * n);
  for (let round = 0; round < 500; round++) {
    const backends = Array.from(
      { length: 1 + pick(6) },
      () => Array.from({ length: pick(4) }, (_, j) => `s${j} 127.0.0.1:${j + 1} weight 1`),
    );
    const live = render(backends);
    const edited = backends.map((b) => b.slice());
    for (let e = 0; e < 1 + pick(3); e++) {
      const b = edited[pick(edited.length)];
      switch (pick(5)) {
        case 0:
          b.push(`s${9 + pick(9)} 127.0.0.1:${pick(9) + 1} weight ${pick(3)}`);
          break;
        case 1:
          b.splice(pick(b.length + 1), 1);
          break;
        case 2:
          if (b.length) b[pick(b.length)] = `s${pick(3)} 127.0.0.1:1 weight ${pick(9)}`;
          break;
        case 3:
          edited.splice(pick(edited.length + 1), 0, ["n 127.0.0.1:5 weight 1"]);
          break;
        default:
          if (edited.length > 1) edited.splice(pick(edited.length), 1);
      }
    }
    assertRegion(live, render(edited));
    assertRegion(render(edited), live);
    assertRegion(render(backends, false), render(edited, false));
    assertRegion(render(edited, false), render(backends, false));
  }
});
