/**
 * Form building blocks that work as plain HTML form posts: a CSRF-carrying
 * form, labelled fields that show their own errors, and the mapping from
 * Zod issues (the API's 422 `issues[]`) to field names.
 *
 * Field names are dotted paths relative to the entity being edited
 * (`servers.0.address`), so an issue at `haproxy.backends.3.servers.0.address`
 * lands next to its input once the entity's prefix is stripped.
 *
 * @module
 */
import { type ComponentChildren, html, type VNode } from "../html.ts";
import { useUi } from "./context.ts";

/** The name of the hidden CSRF field in every form. */
export const CSRF_FIELD = "_csrf";

/** A Zod issue as it arrives in a 422 envelope. */
export interface Issue {
  /** Where in the request body the issue is, e.g. `["backends", 0, "name"]`. */
  path: (string | number)[];
  /** Zod's message, shown next to the field. */
  message: string;
  /** Zod's issue code, e.g. `too_small`. */
  code?: string;
}

/** Errors keyed by dotted field name; `""` holds issues that match no field. */
export type FieldErrors = Record<string, string[]>;

/**
 * Groups issues by field: issues under `prefix` become relative dotted
 * names; the rest go under `""` with their full path.
 */
export function issuesByField(issues: Issue[], prefix: (string | number)[] = []): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of issues) {
    const path = issue.path ?? [];
    const under = prefix.every((p, i) => String(path[i]) === String(p));
    const key = under ? path.slice(prefix.length).join(".") : "";
    const message = under ? issue.message : `${path.join(".") || "(document)"}: ${issue.message}`;
    (out[key] ??= []).push(message);
  }
  return out;
}

/** Errors for one field, including those reported on its children (e.g. `binds.0` → `binds.0.address`). */
export function errorsFor(errors: FieldErrors | undefined, name: string): string[] {
  return errors?.[name] ?? [];
}

/**
 * A POST form to the current page (or `action`), carrying the CSRF token;
 * `enctype="multipart/form-data"` for a form with a file input.
 */
export function Form(props: {
  action?: string;
  children: ComponentChildren;
  class?: string;
  confirm?: string;
  id?: string;
  label?: string;
  enctype?: "multipart/form-data";
}): VNode {
  const { csrf } = useUi();
  return html`
    <form method="post" action=${props.action ?? ""} class=${props.class} enctype=${props.enctype}
      id=${props.id} aria-label=${props.label} data-confirm=${props.confirm}>
        <input type="hidden" name=${CSRF_FIELD} value=${csrf} />
        ${props.children}
      </form>
  `;
}

/** The field-error list under an input, announced to screen readers. */
export function FieldError(props: { id: string; errors: string[] }): VNode | null {
  if (!props.errors.length) return null;
  return html`<div class="error" id=${props.id} role="alert">
    ${props.errors.map((e) => html`<div>${e}</div>`)}
  </div>`;
}

/** Common props of a labelled field. */
export interface FieldProps {
  /** The form field's name, also the key its errors are found under. */
  name: string;
  /** The visible label. */
  label: string;
  /** The current value; empty when omitted. */
  value?: string | number | null;
  /** Errors by field name, as {@link issuesByField} builds them. */
  errors?: FieldErrors;
  /** A line of help under the field. */
  hint?: string;
  /** Marks the field required for the browser and assistive technology. */
  required?: boolean;
}

function fieldId(name: string): string {
  return `f-${name.replace(/[^A-Za-z0-9_-]/g, "-")}`;
}

/** A field's label, with its hint after it when there is one. */
function FieldLabel(props: { id: string; label: string; hint?: string }): VNode {
  return html`<label for=${props.id}>${props.label}${
    props.hint ? [" ", html`<span class="hint">${props.hint}</span>`] : null
  }</label>`;
}

/** A labelled text/number/password input with its errors. */
export function Field(
  props: FieldProps & {
    type?: "text" | "number" | "password";
    autocomplete?: string;
    min?: number;
    max?: number;
    /** The id of a `<datalist>` of suggestions (the host's addresses for a bind). */
    list?: string;
  },
): VNode {
  const id = fieldId(props.name);
  const errors = errorsFor(props.errors, props.name);
  return html`
    <div class=${errors.length ? "field invalid" : "field"}>
      <${FieldLabel} id=${id} label=${props.label} hint=${props.hint} />
      <input id=${id} name=${props.name} type=${props.type ?? "text"} value=${props.value ?? ""}
        required=${props.required} autocomplete=${props.autocomplete} min=${props.min} max=${props
          .max} list=${props.list}
        aria-invalid=${errors.length ? "true" : undefined}
        aria-describedby=${errors.length ? `${id}-err` : undefined} />
      <${FieldError} id=${`${id}-err`} errors=${errors} />
    </div>
  `;
}

/** A labelled select with its errors. */
export function Select(
  props: FieldProps & { options: (string | { value: string; label: string })[] },
): VNode {
  const id = fieldId(props.name);
  const errors = errorsFor(props.errors, props.name);
  return html`
    <div class=${errors.length ? "field invalid" : "field"}>
      <label for=${id}>${props.label}</label>
      <select id=${id} name=${props.name} aria-invalid=${errors.length ? "true" : undefined}
        aria-describedby=${errors.length ? `${id}-err` : undefined}>
          ${props.options.map((o) => {
            const opt = typeof o === "string" ? { value: o, label: o } : o;
            return html`<option value=${opt.value} selected=${
              String(props.value ?? "") === opt.value
            }>
          ${opt.label}</option>`;
          })}
        </select>
      <${FieldError} id=${`${id}-err`} errors=${errors} />
    </div>
  `;
}

/** A labelled checkbox; posts `on` when checked (plus a hidden `0` so unchecked is explicit). */
export function Checkbox(props: FieldProps & { checked: boolean }): VNode {
  const id = fieldId(props.name);
  const errors = errorsFor(props.errors, props.name);
  return html`
    <div class=${errors.length ? "field invalid" : "field"}>
      <input type="hidden" name=${props.name} value="0" />
      <label for=${id}><input id=${id} type="checkbox" name=${props.name} value="1"
          checked=${props.checked} /> ${props.label}</label>
      <${FieldError} id=${`${id}-err`} errors=${errors} />
    </div>
  `;
}

/** A labelled textarea (JSON, PEM) with its errors. */
export function TextArea(props: FieldProps & { code?: boolean; rows?: number }): VNode {
  const id = fieldId(props.name);
  const errors = errorsFor(props.errors, props.name);
  return html`
    <div class=${errors.length ? "field invalid" : "field"}>
      <${FieldLabel} id=${id} label=${props.label} hint=${props.hint} />
      <textarea id=${id} name=${props.name} class=${props.code ? "code" : undefined}
        rows=${props.rows} spellcheck="false"
        aria-invalid=${errors.length ? "true" : undefined}
        aria-describedby=${errors.length ? `${id}-err` : undefined}>${props.value ?? ""}</textarea>
      <${FieldError} id=${`${id}-err`} errors=${errors} />
    </div>
  `;
}

/** Issues that match no field, listed above the form so nothing is silently dropped. */
export function ErrorSummary(props: { errors?: FieldErrors }): VNode | null {
  const all = Object.entries(props.errors ?? {});
  if (!all.length) return null;
  const loose = props.errors?.[""] ?? [];
  return html`<div class="alert" role="alert">
    <strong>The state did not validate (${all.reduce((n, [, v]) => n + v.length, 0)} problem${
    all
          .length === 1 && all[0][1].length === 1
      ? ""
      : "s"
  }).</strong>
    ${
    loose.length ? html`<ul>${loose.map((m) => html`<li>${m}</li>`)}</ul>` : html`<p>
      Each problem is shown next to its field.</p>`
  }
  </div>`;
}
