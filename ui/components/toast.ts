/**
 * Toasts: the outcome of the last action (carried across the post-redirect
 * by a flash cookie), shown in a live region; the toast island dismisses
 * them after a while when JavaScript runs.
 *
 * @module
 */
import { html, type VNode } from "../html.ts";

/** A one-shot message from an action to the next page view. */
export interface Flash {
  /** Success or failure, which decides the toast's colour and role. */
  kind: "ok" | "bad";
  /** The text shown. */
  message: string;
}

/** The live region holding the flash, if any. */
export function Toasts(props: { flash: Flash | null }): VNode {
  return html`<div class="toasts" role="status" aria-live="polite" data-island="toasts">
    ${
    props.flash
      ? html`<div class=${
        props.flash.kind === "bad" ? "toast bad" : "toast"
      }>${props.flash.message}</div>`
      : null
  }
  </div>`;
}
