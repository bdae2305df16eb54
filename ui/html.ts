/**
 * The one way UI modules write markup: htm tagged templates bound to
 * Preact's `h`, so server pages and client islands share components
 * without a JSX build step.
 *
 * @module
 */
import {
  type ComponentChildren as PreactChildren,
  Fragment,
  h,
  type VNode as PreactVNode,
} from "preact";
import htm from "htm";

/**
 * Preact markup, as {@link html} builds it. Named here so the console kit's
 * documentation links to Preact rather than restating Preact's types.
 *
 * @internal
 */
export type VNode = PreactVNode;

/**
 * What may stand inside markup: text, numbers, markup, arrays of them, or
 * nothing (Preact's children type).
 *
 * @internal
 */
export type ComponentChildren = PreactChildren;

/** The `html` template tag's type: template parts in, markup out. */
export type Tag = (strings: TemplateStringsArray, ...values: unknown[]) => VNode;

// htm's typings are CommonJS-shaped under Deno; its runtime default export has `bind`.
const bindable = htm as unknown as { bind(hyperscript: typeof h): Tag };

/** Tagged template producing Preact VNodes: html`<p class="x">${text}</p>`. */
export const html: Tag = bindable.bind(h);

export { Fragment, h };
