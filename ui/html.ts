/**
 * The one way UI modules write markup: htm tagged templates bound to
 * Preact's `h`, so server pages and client islands share components
 * without a JSX build step.
 *
 * @module
 */
import { Fragment, h, type VNode } from "preact";
import htm from "htm";

type Tag = (strings: TemplateStringsArray, ...values: unknown[]) => VNode;

// htm's typings are CommonJS-shaped under Deno; its runtime default export has `bind`.
const bindable = htm as unknown as { bind(hyperscript: typeof h): Tag };

/** Tagged template producing Preact VNodes: html`<p class="x">${text}</p>`. */
export const html: Tag = bindable.bind(h);

export { Fragment, h };
export type { ComponentChildren, VNode } from "preact";
