/**
 * A unified diff (as `POST /api/state/plan` returns it) rendered with added
 * and removed lines marked by more than colour: the `+`/`-` stays visible.
 *
 * @module
 */
import { html, type VNode } from "../html.ts";

/** Whether a unified diff has any change hunks. */
export function diffHasChanges(diff: string): boolean {
  return diff.split("\n").some((l) => l.startsWith("@@"));
}

/** Renders a unified diff; an empty one says so. */
export function Diff(props: { diff: string; label?: string }): VNode {
  const lines = props.diff.split("\n").filter((l) =>
    !l.startsWith("===") && !l.startsWith("Index:")
  );
  if (!diffHasChanges(props.diff)) {
    return html`<p class="muted">No change to haproxy.cfg.</p>`;
  }
  return html`<pre class="diff" aria-label=${props.label ?? "Changes to haproxy.cfg"}>${
    lines.map(
      (l) => {
        const cls = l.startsWith("+++") || l.startsWith("---")
          ? "hunk"
          : l.startsWith("+")
          ? "add"
          : l.startsWith("-")
          ? "del"
          : l.startsWith("@@")
          ? "hunk"
          : "";
        return html`<span class=${cls || undefined}>${l}\n</span>`;
      },
    )
  }</pre>`;
}
