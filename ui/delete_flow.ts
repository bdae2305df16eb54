/**
 * Deleting an entity through the same review as an edit: the candidate
 * state without it is planned (`POST /api/state/plan`), so the operator sees
 * the haproxy.cfg diff and confirms with the Apply button, or, when
 * something still refers to it (a frontend's default backend, a route, a
 * condition naming an ACL), sees the 422 with each referencing entity.
 *
 * @module
 */
import type { ApiReply, PageContext, PageResult } from "../core/pages.ts";
import { pageWithStatus } from "../core/pages.ts";
import { html, type VNode } from "./html.ts";
import { Form, type Issue } from "./components/form.ts";
import { ErrorBox, type HintView } from "./components/errors.ts";
import { type Entity, loadState, Review, type StateDoc } from "./edit_flow.ts";

/** How one kind of entity is removed from a state. */
export interface Deleter {
  /** `backend`, `frontend`, `server`, `ACL`: the wording. */
  kind: string;
  /** Removes the entity from a clone of the state; false when it is not there. */
  remove(state: StateDoc, id: string): boolean;
  /** Where the Cancel link and a successful delete lead. */
  home: string;
}

/** The entity an issue path points at, in words (`frontend fe-web`, `ACL host_a`). */
export function referrerOf(state: StateDoc, path: (string | number)[]): string {
  const [a, b, c] = path;
  if (a === "haproxy" && (b === "frontends" || b === "backends") && typeof c === "number") {
    const list = (state.haproxy[b] as Entity[]) ?? [];
    const kind = b === "frontends" ? "frontend" : "backend";
    return `${kind} ${String(list[c]?.id ?? c)}`;
  }
  if (a === "acls" && typeof b === "number") return `ACL ${String(state.acls[b]?.name ?? b)}`;
  return path.join(".");
}

/** The 422 of a delete that leaves a dangling reference: which entity still refers to it, and how. */
export function StillReferenced(props: {
  what: string;
  state: StateDoc;
  issues: Issue[];
  home: string;
}): VNode {
  return html`
    <div class="alert" role="alert" data-status="422">
      <h2>${props.what} is still in use</h2>
      <p>Nothing was changed. Remove these references first:</p>
      <ul class="referrers">${props.issues.map((i) =>
        html`<li><strong>${referrerOf(props.state, i.path)}</strong>: ${i.message} <span
        class="muted">(<code>${i.path.join(".")}</code>)</span></li>`
      )}</ul>
      <p><a class="button" href=${props.home}>Back</a></p>
    </div>
  `;
}

/** Plans the state without the entity and shows the diff with an Apply button, or why it cannot go. */
export async function deleteStep(
  ctx: PageContext,
  deleter: Deleter,
  id: string,
  action?: string,
): Promise<PageResult> {
  const loaded = await loadState(ctx);
  if ("error" in loaded) return html`<${ErrorBox} reply=${loaded.error} />`;
  const next = structuredClone(loaded.state);
  const what = `${deleter.kind} ${id}`;
  if (!deleter.remove(next, id)) {
    return pageWithStatus(404, html`<div class="alert" role="alert">There is no ${what}.</div>`);
  }
  const plan = await ctx.api<{ ok: boolean; diff: string; hints: HintView[]; output: string }>(
    "POST",
    "/api/state/plan",
    next,
  );
  const issues = (plan.body as { issues?: Issue[] } | undefined)?.issues;
  if (plan.status === 422 && Array.isArray(issues)) {
    return pageWithStatus(
      422,
      html`
        <${StillReferenced} what=${capitalized(what)} state=${next} issues=${issues}
          home=${deleter.home} />
      `,
    );
  }
  if (!plan.ok || !plan.body.ok) {
    const reply: ApiReply = plan.ok ? { ...plan, status: 502 } : plan;
    return pageWithStatus(reply.status, html`<${ErrorBox} reply=${reply} />`);
  }
  return html`
    <${Review} diff=${plan.body.diff} state=${next} etag=${loaded.etag}
      what=${`Delete ${what}`} entityId="" originalId=${id} action=${action} />
  `;
}

function capitalized(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** A "Delete …" button that leads to the delete review (a plain post: no JavaScript needed). */
export function DeleteButton(
  props: { what: string; action?: string; fields?: Record<string, string> },
): VNode {
  return html`<${Form} action=${props.action} class="inline delete" label=${`Delete ${props.what}`}>
    <input type="hidden" name="_step" value="delete" />
    ${
    Object.entries(props.fields ?? {}).map(([k, v]) =>
      html`<input type="hidden" name=${k} value=${v} />`
    )
  }
    <button type="submit" class="danger">Delete ${props.what}</button>
  <//>`;
}
