/**
 * A copy-to-clipboard button for a shown-once secret; says whether it
 * worked, and falls back to selecting the text for a manual copy.
 *
 * @module
 */
import { useState } from "preact/hooks";
import { html, type VNode } from "../html.ts";

/** Copies `target`'s text. */
export function CopyButton(props: { target: HTMLElement }): VNode {
  const [done, setDone] = useState<"" | "copied" | "select">("");
  const copy = async () => {
    const text = props.target.textContent ?? "";
    try {
      await navigator.clipboard.writeText(text);
      setDone("copied");
    } catch {
      const range = document.createRange();
      range.selectNodeContents(props.target);
      const sel = getSelection();
      sel?.removeAllRanges();
      sel?.addRange(range);
      setDone("select");
    }
  };
  return html`
    <button type="button" class="primary" onClick=${copy}>Copy token</button>
    <span role="status">${done === "copied"
      ? "Copied to the clipboard."
      : done === "select"
      ? "Selected: press Ctrl+C to copy."
      : ""}</span>
  `;
}
