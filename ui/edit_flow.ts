/**
 * The edit → review → apply flow every state-editing page shares.
 *
 * 1. The form posts `_step=plan`: the page builds the candidate state from
 *    the form, `POST /api/state/plan` validates and `haproxy -c`s it. A 422
 *    puts each Zod issue next to its field; a failed check shows HAProxy's
 *    output and hints with the entity highlighted.
 * 2. A good plan shows the cfg diff and an Apply form carrying the
 *    candidate state and the ETag it was based on.
 * 3. Apply (`_step=apply`) sends `PUT /api/state` with `If-Match`; success
 *    redirects with a flash naming the snapshot, failures re-show the form
 *    with the API's error in plain words.
 *
 * @module
 */
import type { ApiReply, PageContext, PageResult } from "../core/pages.ts";
import { pageWithStatus } from "../core/pages.ts";
import { html, type VNode } from "./html.ts";
import { type FieldErrors, Form, type Issue, issuesByField } from "./components/form.ts";
import { Diff } from "./components/diff.ts";
import { describeError, ErrorBox, type HintView } from "./components/errors.ts";
import { redirect } from "./respond.ts";
import { ConfirmChoice, confirmQuery } from "./components/pending_banner.ts";

/** A state document as the UI handles it: plain JSON. */
export type StateDoc = Record<string, unknown> & {
  haproxy: Record<string, unknown> & { frontends: Entity[]; backends: Entity[] };
  acls: Entity[];
};

/** An entity of the state as the form edits it (values may still be invalid). */
export type Entity = Record<string, unknown>;

/** What the form view receives. */
export interface FormView<E> {
  entity: E;
  isNew: boolean;
  errors: FieldErrors;
  /** An alert to show above the form (a failed check, a conflict). */
  problem: VNode | null;
  /** Whether a hint named this entity (draws the highlight). */
  highlighted: boolean;
}

/** How one kind of entity is edited. */
export interface EntityEditor<E extends Entity> {
  /** `backend`, `frontend`: the hint entity kind and the flash wording. */
  kind: string;
  /** The list holding the entities, inside a (cloned) state. */
  list(state: StateDoc): E[];
  /** The path of that list, for mapping issues (`["haproxy", "backends"]`). */
  listPath: (string | number)[];
  idOf(entity: E): string;
  /** Builds the entity from a posted form, keeping what the form does not edit from `existing`. */
  fromForm(form: URLSearchParams, existing: E | undefined): E;
  /**
   * Changes the candidate state beyond the entity (a frontend's routes
   * generate ACLs in `state.acls`); runs after the entity is put in place.
   */
  patchState?(next: StateDoc, entity: E, originalId: string | null): void;
  /** The edit form. */
  view(props: FormView<E>): VNode;
  /**
   * The edit form redrawn from a post that asked for more rows (`_addrow`):
   * what was typed stays, one more blank row appears. Without it, `view`.
   */
  redraw?(props: FormView<E>, form: URLSearchParams): VNode;
  /** Where to go after a successful apply. */
  after(entity: E): string;
  /** The list page, where a successful delete leads. */
  home?: string;
}

/** Reads the state and its ETag through the API; throws the reply's error as a page problem. */
export async function loadState(
  ctx: PageContext,
): Promise<{ state: StateDoc; etag: string } | { error: ApiReply }> {
  const r = await ctx.api<StateDoc>("GET", "/api/state");
  if (!r.ok) return { error: r };
  return { state: r.body, etag: r.headers.get("etag") ?? "" };
}

function clone<T>(v: T): T {
  return structuredClone(v);
}

/** Replaces (or appends) an entity in a clone of the state; returns the clone and the index. */
export function withEntity<E extends Entity>(
  editor: EntityEditor<E>,
  state: StateDoc,
  originalId: string | null,
  entity: E,
): { next: StateDoc; index: number } {
  const next = clone(state);
  const list = editor.list(next);
  let index = originalId === null ? -1 : list.findIndex((e) => editor.idOf(e) === originalId);
  if (index < 0) {
    list.push(entity);
    index = list.length - 1;
  } else list[index] = entity;
  return { next, index };
}

function hintNames(body: unknown, kind: string, id: string): boolean {
  const hints = (body as { hints?: HintView[] })?.hints ?? [];
  return hints.some((h) =>
    h.entity && (h.entity.kind === kind && h.entity.id === id ||
      h.entity.id.startsWith(`${id}/`))
  );
}

/** Renders the form with the outcome of a failed plan or apply. */
function formWithProblem<E extends Entity>(
  editor: EntityEditor<E>,
  entity: E,
  isNew: boolean,
  index: number,
  reply: ApiReply,
): PageResult {
  const body = reply.body as { issues?: Issue[] };
  if (reply.status === 422 && Array.isArray(body?.issues)) {
    const errors = issuesByField(body.issues, [...editor.listPath, index]);
    return pageWithStatus(
      422,
      editor.view({ entity, isNew, errors, problem: null, highlighted: false }),
    );
  }
  const problem = html`
    <${ErrorBox} reply=${reply}
      title=${reply.status === 502 ? "HAProxy refused this change" : "That did not work"} />
  `;
  return pageWithStatus(
    reply.status >= 400 ? reply.status : 502,
    editor.view({
      entity,
      isNew,
      errors: {},
      problem,
      highlighted: hintNames(reply.body, editor.kind, editor.idOf(entity)),
    }),
  );
}

/**
 * The "add a row" step: the form is posted back (no JavaScript needed) and
 * drawn again with what was typed and one more blank row; nothing is planned.
 */
export async function redrawStep<E extends Entity>(
  ctx: PageContext,
  editor: EntityEditor<E>,
  originalId: string | null,
): Promise<PageResult> {
  const loaded = await loadState(ctx);
  if ("error" in loaded) return html`<${ErrorBox} reply=${loaded.error} />`;
  const existing = originalId === null
    ? undefined
    : editor.list(loaded.state).find((e) => editor.idOf(e) === originalId);
  const entity = editor.fromForm(ctx.form!, existing);
  const props: FormView<E> = {
    entity,
    isNew: originalId === null,
    errors: {},
    problem: null,
    highlighted: false,
  };
  return editor.redraw ? editor.redraw(props, ctx.form!) : editor.view(props);
}

/** Whether a post asks for the form again with one more row rather than a plan. */
export function wantsRedraw(form: URLSearchParams | null): boolean {
  return form?.has("_addrow") ?? false;
}

/** Step 1: plan the candidate built from the form; show the diff or the problems. */
export async function planStep<E extends Entity>(
  ctx: PageContext,
  editor: EntityEditor<E>,
  originalId: string | null,
): Promise<PageResult> {
  const loaded = await loadState(ctx);
  if ("error" in loaded) return html`<${ErrorBox} reply=${loaded.error} />`;
  const existing = originalId === null
    ? undefined
    : editor.list(loaded.state).find((e) => editor.idOf(e) === originalId);
  const entity = editor.fromForm(ctx.form!, existing);
  const { next, index } = withEntity(editor, loaded.state, originalId, entity);
  editor.patchState?.(next, entity, originalId);
  const plan = await ctx.api<{ ok: boolean; diff: string; hints: HintView[]; output: string }>(
    "POST",
    "/api/state/plan",
    next,
  );
  const isNew = originalId === null;
  if (!plan.ok) return formWithProblem(editor, entity, isNew, index, plan);
  if (!plan.body.ok) {
    return formWithProblem(editor, entity, isNew, index, { ...plan, status: 502 });
  }
  return html`
    <${Review} diff=${plan.body.diff} state=${next} etag=${loaded.etag}
      what=${`${isNew ? "Create" : "Update"} ${editor.kind} ${editor.idOf(entity)}`}
      entityId=${editor.idOf(entity)} originalId=${originalId ?? ""} />
  `;
}

/** The review step: the cfg diff and the Apply form. */
export function Review(props: {
  diff: string;
  state: unknown;
  etag: string;
  what: string;
  entityId?: string;
  originalId?: string;
  action?: string;
}): VNode {
  return html`
    <section class="panel" aria-labelledby="review-h">
      <h2 id="review-h">Review: ${props.what}</h2>
      <p>HAProxy accepted the candidate configuration (<code>haproxy -c</code>). Applying will
          swap haproxy.cfg, reload HAProxy, and record a snapshot. The change to haproxy.cfg:</p>
      <${Diff} diff=${props.diff} />
      <${Form} action=${props.action} label="Apply the change">
        <input type="hidden" name="_step" value="apply" />
        <input type="hidden" name="state" value=${JSON.stringify(props.state)} />
        <input type="hidden" name="etag" value=${props.etag} />
        <input type="hidden" name="_entity" value=${props.entityId ?? ""} />
        <input type="hidden" name="_original" value=${props.originalId ?? ""} />
        <${ConfirmChoice} />
        <div class="actions">
          <button type="submit" class="primary">Apply: ${props.what}</button>
          <a class="button" href="">Discard and start over</a>
        </div>
        <//>
        </section>
  `;
}

/**
 * Sends a reviewed state with `If-Match`; returns the reply. A person read
 * the diff and pressed Apply, so a destructive change (the last frontend
 * deleted) is meant: `allowDestructive` is for unattended pipelines.
 */
export function putState(ctx: PageContext, state: unknown, etag: string): Promise<ApiReply> {
  const headers: Record<string, string> = etag ? { "if-match": etag } : {};
  const reason = `ui:${ctx.url.pathname}`;
  // The dialog's "keep if traffic stays healthy" choice: a commit-confirmed window.
  const query = `reason=${encodeURIComponent(reason)}&allowDestructive=true${
    confirmQuery(ctx.form)
  }`;
  return ctx.api("PUT", `/api/state?${query}`, state, headers);
}

/**
 * Applies a JSON Patch a person confirmed (a map added, an error page taken out), through
 * `PATCH /api/state` like a CI job's: the audit entry's reason names the page, as
 * {@link putState}'s does, and the patch is applied to whatever state is live now.
 */
export function patchState(
  ctx: PageContext,
  ops: unknown[],
): Promise<ApiReply<{ snapshotId?: string }>> {
  const reason = `ui:${ctx.url.pathname}`;
  return ctx.api(
    "PATCH",
    `/api/state?reason=${encodeURIComponent(reason)}&allowDestructive=true`,
    JSON.stringify(ops),
    { "content-type": "application/json-patch+json" },
  );
}

/** Step 2: apply the reviewed candidate; success redirects, failure re-shows the form. */
export async function applyStep<E extends Entity>(
  ctx: PageContext,
  editor: EntityEditor<E>,
): Promise<PageResult> {
  const form = ctx.form!;
  let next: StateDoc;
  try {
    next = JSON.parse(form.get("state") ?? "");
  } catch {
    return html`<div class="alert" role="alert">The reviewed state was damaged in transit; start
      over.</div>`;
  }
  const id = form.get("_entity") ?? "";
  const original = form.get("_original") || null;
  const reply = await putState(ctx, next, form.get("etag") ?? "");
  const list = editor.list(next) ?? [];
  const index = list.findIndex((e) => editor.idOf(e) === id);
  if (reply.ok && id === "" && original) {
    return redirect(editor.home ?? "/", {
      kind: "ok",
      message: `Applied: deleted ${editor.kind} ${original}; snapshot recorded.`,
    });
  }
  if (reply.ok) {
    const snap = reply.headers.get("etag") ?? "";
    return redirect(editor.after(list[index]), {
      kind: "ok",
      message: `Applied: ${original ? "updated" : "created"} ${editor.kind} ${id}${
        snap ? "; snapshot recorded" : ""
      }.`,
    });
  }
  if (index < 0) return html`<${ErrorBox} reply=${reply} />`;
  if (reply.status === 412) {
    const problem = html`
      <div class="alert" role="alert">
        <p>${describeError(reply)}</p>
      </div>
    `;
    return pageWithStatus(
      412,
      editor.view({
        entity: list[index],
        isNew: original === null,
        errors: {},
        problem,
        highlighted: false,
      }),
    );
  }
  return formWithProblem(editor, list[index], original === null, index, reply);
}
