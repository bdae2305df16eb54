/**
 * The raw state document: a JSON editor with validate + plan before apply,
 * and the rendered haproxy.cfg, live on disk versus the candidate rendered
 * from the state, with their diff.
 *
 * @module
 */
import { createTwoFilesPatch } from "diff";
import type { PageContext, PageDefinition, PageResult } from "../../core/pages.ts";
import { pageWithStatus } from "../../core/pages.ts";
import { html, type VNode } from "../html.ts";
import { ErrorBox, type HintView } from "../components/errors.ts";
import { type FieldErrors, Form, type Issue, TextArea } from "../components/form.ts";
import { Diff } from "../components/diff.ts";
import { putState, Review } from "../edit_flow.ts";
import { redirect } from "../respond.ts";

function Editor(props: { text: string; etag: string; errors: FieldErrors; problem?: VNode }) {
  return html`<section class="panel" aria-label="State editor">
    ${props.problem}
    <${Form} label="Edit the state document" id="state-editor">
      <input type="hidden" name="_step" value="plan" />
      <input type="hidden" name="etag" value=${props.etag} />
      <div data-island="json-editor">
        <${TextArea} name="state" label="state.json" code=${true} rows=${28} value=${props.text}
          errors=${props.errors}
          hint="The whole desired configuration. Validate and plan before applying." />
      </div>
      <div class="actions">
        <button type="submit" class="primary">Validate and plan</button>
        <a class="button" href="/state">Reload current state</a>
      </div>
    <//>
  </section>`;
}

async function render(ctx: PageContext): Promise<PageResult> {
  const r = await ctx.api("GET", "/api/state");
  if (!r.ok) return html`<${ErrorBox} reply=${r} />`;
  return html`
    <${Editor} text=${JSON.stringify(r.body, null, 2)}
      etag=${r.headers.get("etag") ?? ""} errors=${{}} />
  `;
}

function issueLines(issues: Issue[]): string[] {
  return issues.map((i) => `${(i.path ?? []).join(".") || "(document)"}: ${i.message}`);
}

async function action(ctx: PageContext): Promise<PageResult> {
  const form = ctx.form!;
  const text = form.get("state") ?? "";
  const etag = form.get("etag") ?? "";
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    return pageWithStatus(
      400,
      html`
        <${Editor} text=${text} etag=${etag}
          errors=${{ state: [`Not valid JSON: ${(error as Error).message}`] }} />
      `,
    );
  }
  if (form.get("_step") === "apply") {
    const reply = await putState(ctx, doc, etag);
    if (reply.ok) return redirect("/state", { kind: "ok", message: "Applied the state document." });
    return pageWithStatus(
      reply.status,
      html`
        <${Editor} text=${JSON.stringify(doc, null, 2)} etag=${etag} errors=${{}}
          problem=${html`<${ErrorBox} reply=${reply} />`} />
      `,
    );
  }
  const plan = await ctx.api<{ ok: boolean; diff: string; hints: HintView[] }>(
    "POST",
    "/api/state/plan",
    doc,
  );
  if (plan.status === 422) {
    const issues = (plan.body as unknown as { issues?: Issue[] }).issues ?? [];
    return pageWithStatus(
      422,
      html`<${Editor} text=${text} etag=${etag} errors=${{ state: issueLines(issues) }} />`,
    );
  }
  if (!plan.ok || !plan.body.ok) {
    return pageWithStatus(
      plan.ok ? 502 : plan.status,
      html`
        <${Editor} text=${text} etag=${etag} errors=${{}}
          problem=${html`
            <${ErrorBox} reply=${{ ...plan, status: plan.ok ? 502 : plan.status }}
              title="HAProxy refused this state" />
          `} />
      `,
    );
  }
  return html`
    <${Review} diff=${plan.body.diff} state=${doc} etag=${etag}
      what="Replace the whole state document" />
    <details>
      <summary>The candidate state</summary>
      <pre>${JSON.stringify(doc, null, 2)}</pre>
    </details>
  `;
}

async function cfg(ctx: PageContext): Promise<PageResult> {
  const [live, candidate] = await Promise.all([
    ctx.api<string>("GET", "/api/haproxy/cfg?source=disk"),
    ctx.api<string>("GET", "/api/haproxy/cfg?source=state"),
  ]);
  if (!live.ok) return html`<${ErrorBox} reply=${live} />`;
  if (!candidate.ok) return html`<${ErrorBox} reply=${candidate} />`;
  const diff = createTwoFilesPatch(
    "haproxy.cfg",
    "haproxy.cfg",
    live.text,
    candidate.text,
    "live",
    "candidate",
  );
  return html`
    <section class="panel" aria-labelledby="cfg-diff">
      <h2 id="cfg-diff">Live versus candidate</h2>
      <p class="muted">Live is the file HAProxy runs; the candidate is rendered from the current
            state. They differ only while a change is pending or after a manual edit.</p>
      <${Diff} diff=${diff} />
    </section>
    <section class="panel" aria-labelledby="cfg-live">
      <h2 id="cfg-live">Live haproxy.cfg</h2>
      <pre class="cfg">${live.text}</pre>
    </section>
  `;
}

/** The raw state editor and the haproxy.cfg view. */
export function statePages(): PageDefinition[] {
  return [
    {
      path: "/state",
      title: "Raw state",
      role: "viewer",
      actionRole: "operator",
      nav: { group: "Configuration", order: 90 },
      render,
      action,
    },
    {
      path: "/haproxy-cfg",
      title: "haproxy.cfg",
      role: "viewer",
      nav: { group: "Configuration", order: 95 },
      render: cfg,
    },
  ];
}
