/**
 * patchpanel's console kit for plugin pages: the page contract and the
 * components the built-in plugins' pages are made of, so a third-party
 * plugin's page looks and behaves like the console's own.
 *
 * A page is registered with `host.page(definition)` (see {@link PageDefinition});
 * the console wraps what `render` returns in its layout (sidebar, title,
 * flash toasts, CSRF), so a page returns only its body. Forms built with
 * {@link Form} carry the CSRF token; a changing action asks first with
 * {@link ConfirmPage}; an API refusal is shown with {@link ErrorBox}.
 *
 * This entry is separate from `mod.ts` so a headless build (API only) does
 * not load the console's components.
 *
 * @example A read-only page listing what an API route answers
 * ```ts
 * import { definePlugin } from "./mod.ts";
 * import { ErrorBox, html, type PageDefinition, Table } from "./mod_ui.ts";
 *
 * const page: PageDefinition = {
 *   path: "/notes",
 *   title: "Notes",
 *   role: "viewer",
 *   nav: { group: "Operations", order: 90 },
 *   async render(ctx) {
 *     const reply = await ctx.api<{ notes: { text: string }[] }>("GET", "/api/notes");
 *     if (!reply.ok) return html`<${ErrorBox} reply=${reply} />`;
 *     return html`<${Table}
 *       rows=${reply.body.notes}
 *       columns=${[{ label: "Note", cell: (n: { text: string }) => n.text }]}
 *     />`;
 *   },
 * };
 * export const notes = definePlugin({ name: "notes", setup: (host) => host.page(page) });
 * ```
 *
 * @module
 */

export { NAV_GROUPS, pageWithStatus } from "./core/pages.ts";
export type {
  ApiReply,
  Markup,
  NavEntry,
  NavGroup,
  PageBody,
  PageContext,
  PageDefinition,
  PageHandler,
  PageResult,
  PostedFile,
} from "./core/pages.ts";
export type { Principal, Role } from "./core/plugin.ts";
export { html } from "./ui/html.ts";
export type { ComponentChildren, Tag, VNode } from "./ui/html.ts";
export { type Column, Table } from "./ui/components/table.ts";
export {
  Checkbox,
  CSRF_FIELD,
  errorsFor,
  ErrorSummary,
  Field,
  FieldError,
  type FieldErrors,
  type FieldProps,
  Form,
  type Issue,
  issuesByField,
  Select,
  TextArea,
} from "./ui/components/form.ts";
export { describeError, ErrorBox } from "./ui/components/errors.ts";
export { CONFIRM_FIELD, ConfirmForm, ConfirmPage, isConfirmed } from "./ui/components/confirm.ts";
export { Diff, diffHasChanges } from "./ui/components/diff.ts";
export type { Flash } from "./ui/components/toast.ts";
export { redirect } from "./ui/respond.ts";
export { patchState, putState } from "./ui/edit_flow.ts";
