/**
 * The edit → review → apply flow for a part of the state that is not a list
 * of entities (the `global` and `defaults` sections, the stats listener):
 * the same steps as {@link ../edit_flow.ts}, with the form building the
 * whole candidate state instead of one entity.
 *
 * 1. `_step=plan`: the candidate is planned (`POST /api/state/plan`, which
 *    runs `haproxy -c`). A 422 puts each issue next to its field (names are
 *    paths relative to `prefix`); a failed check shows HAProxy's output.
 * 2. A good plan shows the cfg diff, the renderer's warnings and any the
 *    page adds, and an Apply form carrying the candidate and its ETag.
 * 3. `_step=apply` sends `PUT /api/state` with `If-Match`; success redirects
 *    with a flash, failure re-shows the form with the API's error.
 *
 * @module
 */
import type { ApiReply, PageContext, PageResult } from "../core/pages.ts";
import { pageWithStatus } from "../core/pages.ts";
import { html, type VNode } from "./html.ts";
import { type FieldErrors, type Issue, issuesByField } from "./components/form.ts";
import { ErrorBox, type HintView } from "./components/errors.ts";
import { loadState, putState, Review, type StateDoc } from "./edit_flow.ts";
import { redirect } from "./respond.ts";

/** What a section form view receives. */
export interface SectionView {
  /** The state whose section the form shows (the candidate, after a refused plan). */
  state: StateDoc;
  errors: FieldErrors;
  /** An alert above the form (a failed check, a conflict, a refused role). */
  problem: VNode | null;
}

/** How one section of the state is edited. */
export interface SectionEditor {
  /** The words of the review title and the flash: `global settings`. */
  what: string;
  /** The page the form posts to and a successful apply returns to. */
  home: string;
  /** Where the form's field names start in the state (`["haproxy"]`). */
  prefix: (string | number)[];
  /** Writes the posted form into `next` (a clone of the live state). */
  fromForm(form: URLSearchParams, next: StateDoc): void;
  /** Warnings the page adds for a candidate (shown on the form and the review). */
  warnings?(state: StateDoc): string[];
  /** The form. */
  view(props: SectionView): VNode;
}

/** A renderer warning as the plan reply carries it. */
interface PlanWarning {
  entity?: { kind: string; id: string };
  message: string;
}

/** The warnings of a candidate: the renderer's and the page's own, each once. */
export function Warnings(props: { messages: string[] }): VNode | null {
  if (!props.messages.length) return null;
  return html`
    <div class="alert warn" role="alert" data-kind="warnings">
      <strong>Warning${props.messages.length === 1 ? "" : "s"}</strong>
      <ul>${props.messages.map((m) => html`<li>${m}</li>`)}</ul>
    </div>
  `;
}

function problemView(ed: SectionEditor, state: StateDoc, reply: ApiReply): PageResult {
  const body = reply.body as { issues?: Issue[] } | undefined;
  if (reply.status === 422 && Array.isArray(body?.issues)) {
    const errors = issuesByField(body.issues, ed.prefix);
    return pageWithStatus(422, ed.view({ state, errors, problem: null }));
  }
  const problem = html`
    <${ErrorBox} reply=${reply}
      title=${reply.status === 502 ? "HAProxy refused this change" : "That did not work"} />
  `;
  return pageWithStatus(
    reply.status >= 400 ? reply.status : 502,
    ed.view({ state, errors: {}, problem }),
  );
}

/** Step 1: plan the candidate the form describes; show the diff or the problems. */
export async function planSection(ctx: PageContext, ed: SectionEditor): Promise<PageResult> {
  const loaded = await loadState(ctx);
  if ("error" in loaded) return html`<${ErrorBox} reply=${loaded.error} />`;
  const next = structuredClone(loaded.state);
  ed.fromForm(ctx.form!, next);
  const plan = await ctx.api<
    { ok: boolean; diff: string; hints: HintView[]; output: string; warnings?: PlanWarning[] }
  >("POST", "/api/state/plan", next);
  if (!plan.ok) return problemView(ed, next, plan);
  if (!plan.body.ok) return problemView(ed, next, { ...plan, status: 502 });
  const messages = [
    ...new Set([
      ...(plan.body.warnings ?? []).map((w) => w.message),
      ...(ed.warnings?.(next) ?? []),
    ]),
  ];
  return html`
    <${Warnings} messages=${messages} />
    <${Review} diff=${plan.body.diff} state=${next} etag=${loaded.etag}
      what=${`Update ${ed.what}`} action=${ed.home} />
  `;
}

/** Step 2: apply the reviewed candidate; success redirects, failure re-shows the form. */
export async function applySection(ctx: PageContext, ed: SectionEditor): Promise<PageResult> {
  let next: StateDoc;
  try {
    next = JSON.parse(ctx.form!.get("state") ?? "");
  } catch {
    return html`<div class="alert" role="alert">The reviewed state was damaged in transit; start
      over.</div>`;
  }
  const reply = await putState(ctx, next, ctx.form!.get("etag") ?? "");
  if (reply.ok) {
    return redirect(ed.home, { kind: "ok", message: `Applied: updated ${ed.what}.` });
  }
  return problemView(ed, next, reply);
}

/** The action of a section page: plan or apply, by `_step`. */
export function sectionAction(ctx: PageContext, ed: SectionEditor): Promise<PageResult> {
  return ctx.form?.get("_step") === "apply" ? applySection(ctx, ed) : planSection(ctx, ed);
}
