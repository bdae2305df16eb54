/**
 * A unified diff (as `POST /api/state/plan` returns it) rendered with added
 * and removed lines marked by more than colour: the `+`/`-` stays visible.
 *
 * Every line of the diff is its own block element, so unchanged context
 * lines stay on their own line (htm drops a literal newline between
 * elements, which once merged all context into one line), and long lines
 * wrap instead of being cut off.
 *
 * @module
 */
import { html, type VNode } from "../html.ts";

/** Whether a unified diff has any change hunks. */
export function diffHasChanges(diff: string): boolean {
  return diff.split("\n").some((l) => l.startsWith("@@"));
}

/** The class of one diff line: `add`, `del`, `hunk` or `ctx` (unchanged). */
export function lineClass(l: string): "add" | "del" | "hunk" | "ctx" {
  if (l.startsWith("+++") || l.startsWith("---") || l.startsWith("@@")) return "hunk";
  if (l.startsWith("+")) return "add";
  if (l.startsWith("-")) return "del";
  return "ctx";
}

/** The lines a diff view shows: the patch text without its `Index:`/`===` header. */
export function diffLines(diff: string): string[] {
  const lines = diff.split("\n").filter((l) => !l.startsWith("===") && !l.startsWith("Index:"));
  while (lines.length && lines[lines.length - 1] === "") lines.pop();
  return lines;
}

/** Renders a unified diff, one element per line; an empty one says so. */
export function Diff(props: { diff: string; label?: string }): VNode {
  if (!diffHasChanges(props.diff)) {
    return html`<p class="muted">No change to haproxy.cfg.</p>`;
  }
  const lines = diffLines(props.diff);
  return html`<pre class="diff" aria-label=${props.label ?? "Changes to haproxy.cfg"}>${
    lines.map((l) => html`<span class=${`line ${lineClass(l)}`}>${l === "" ? " " : l}</span>`)
  }</pre>`;
}
