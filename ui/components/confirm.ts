/**
 * Confirmation for mutating actions, without and with JavaScript.
 *
 * A {@link ConfirmForm} posts its fields plus `_confirm=ask`; the server
 * answers with a {@link ConfirmPage} naming exactly what will happen, whose
 * button re-posts with `_confirm=yes`. With JavaScript the `confirm` island
 * asks in a `<dialog>` instead and posts `_confirm=yes` directly.
 *
 * @module
 */
import { type ComponentChildren, html, type VNode } from "../html.ts";
import { Form } from "./form.ts";

/** The hidden field a confirmed action carries. */
export const CONFIRM_FIELD = "_confirm";

/** Whether a posted form has been confirmed. */
export function isConfirmed(form: URLSearchParams | null): boolean {
  return form?.get(CONFIRM_FIELD) === "yes";
}

function Hidden(props: { fields: Record<string, string> }): VNode {
  return html`${
    Object.entries(props.fields).map(([k, v]) => html`<input type="hidden" name=${k} value=${v} />`)
  }`;
}

/** A button that posts an action after confirming `question`. */
export function ConfirmForm(props: {
  action?: string;
  fields: Record<string, string>;
  label: string;
  question: string;
  danger?: boolean;
  small?: boolean;
  children?: ComponentChildren;
}): VNode {
  const cls = [props.danger ? "danger" : "", props.small ? "small" : ""].join(" ").trim();
  return html`<${Form} action=${props.action} class="inline" confirm=${props.question}>
    <${Hidden} fields=${props.fields} />
    <input type="hidden" name=${CONFIRM_FIELD} value="ask" />
    ${props.children}
    <button type="submit" class=${cls || undefined}>${props.label}</button>
  <//>`;
}

/** The no-JavaScript confirmation step: states the action and re-posts it confirmed. */
export function ConfirmPage(props: {
  question: string;
  detail?: ComponentChildren;
  action?: string;
  fields: Record<string, string>;
  cancel: string;
  danger?: boolean;
}): VNode {
  return html`<section class="panel" aria-labelledby="confirm-q">
    <h2 id="confirm-q">${props.question}</h2>
    ${props.detail}
    <${Form} action=${props.action}>
      <${Hidden} fields=${props.fields} />
      <input type="hidden" name=${CONFIRM_FIELD} value="yes" />
      <div class="actions">
        <button type="submit" class=${props.danger ? "danger" : "primary"}>Yes, do it</button>
        <a class="button" href=${props.cancel}>Cancel</a>
      </div>
    <//>
  </section>`;
}
