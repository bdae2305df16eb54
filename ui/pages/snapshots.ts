/**
 * Snapshots: the list, one snapshot's state, its diff against the current
 * state, and restore (through the full apply pipeline) after a
 * confirmation that names the snapshot.
 *
 * @module
 */
import { createTwoFilesPatch } from "diff";
import type { PageContext, PageDefinition, PageResult } from "../../core/pages.ts";
import { html } from "../html.ts";
import { Table } from "../components/table.ts";
import { ErrorBox } from "../components/errors.ts";
import { ConfirmForm, ConfirmPage, isConfirmed } from "../components/confirm.ts";
import { Diff } from "../components/diff.ts";
import { redirect } from "../respond.ts";
import { describeError } from "../components/errors.ts";

interface SnapshotMeta {
  id: string;
  snapshotAt: string;
  actor: string;
  reason: string | null;
}

/** A readable JSON diff between two states. */
export function stateDiff(from: unknown, to: unknown, fromLabel: string, toLabel: string): string {
  return createTwoFilesPatch(
    "state.json",
    "state.json",
    `${JSON.stringify(from, null, 2)}\n`,
    `${JSON.stringify(to, null, 2)}\n`,
    fromLabel,
    toLabel,
  );
}

/** The page of snapshot `id` (the audit page links the ids its entries name here). */
export function snapshotHref(id: string): string {
  return `/snapshots/${encodeURIComponent(id)}`;
}

const href = snapshotHref;

async function list(ctx: PageContext): Promise<PageResult> {
  const r = await ctx.api<{ snapshots: SnapshotMeta[] }>("GET", "/api/snapshots?limit=200");
  if (!r.ok) return html`<${ErrorBox} reply=${r} />`;
  return html`
    <div class="panel">
      <${Table} caption="Snapshots, newest first" id="snapshots"
        rows=${r.body.snapshots} empty="No snapshots yet: every apply records one."
        columns=${[
          {
            label: "When (UTC)",
            cell: (s: SnapshotMeta) =>
              html`<a href=${href(s.id)}>${s.snapshotAt.replace("T", " ")}</a>`,
          },
          { label: "Actor", cell: (s: SnapshotMeta) => s.actor },
          { label: "Reason", cell: (s: SnapshotMeta) => s.reason ?? "" },
          { label: "Id", cell: (s: SnapshotMeta) => html`<code>${s.id}</code>` },
        ]} />
    </div>
  `;
}

async function one(ctx: PageContext): Promise<PageResult> {
  const id = ctx.params.id;
  const snap = await ctx.api<SnapshotMeta & { state: unknown }>(
    "GET",
    `/api/snapshots/${encodeURIComponent(id)}`,
  );
  if (!snap.ok) {
    return { kind: "page", status: snap.status, body: html`<${ErrorBox} reply=${snap} />` };
  }
  const current = await ctx.api("GET", "/api/state");
  const diff = current.ok ? stateDiff(current.body, snap.body.state, "current", "snapshot") : "";
  // What the restore would do to haproxy.cfg, and whether haproxy -c accepts it, before the
  // operator confirms (plan is an operator route: a viewer sees the state diff only).
  const plan = await ctx.api<{ ok: boolean; diff: string }>(
    "POST",
    "/api/state/plan",
    snap.body.state,
  );
  return {
    kind: "page",
    status: 200,
    title: `Snapshot ${snap.body.snapshotAt.replace("T", " ")}`,
    body: html`
      <div class="panel">
        <p>Applied by <strong>${snap.body.actor}</strong>${snap.body.reason
          ? html`
            (${snap.body.reason})
          `
          : null}. Id <code>${id}</code>.</p>
        <div class="actions">
          <${ConfirmForm} label="Restore this snapshot" danger=${true} fields=${{}}
            question=${`Restore snapshot ${id}? Its state replaces the current one through the full apply pipeline.`} />
          <a class="button" href="/snapshots">All snapshots</a>
        </div>
      </div>
      <h2>Changes to haproxy.cfg if restored</h2>
      <div class="panel" id="restore-plan">
        ${plan.ok && plan.body.ok
          ? html`
            <p class="muted">HAProxy accepts the snapshot's configuration
                          (<code>haproxy -c</code>).</p>
            <${Diff} diff=${plan.body.diff} label="Changes to haproxy.cfg if restored" />
          `
          : plan.status === 403
          ? html`<p class="muted">Checking a restore needs the operator role.</p>`
          : html`
            <${ErrorBox} reply=${plan.ok ? { ...plan, status: 502 } : plan}
              title="Restoring this snapshot would fail" />
          `}
      </div>
      <h2>Changes to the state if restored (current → snapshot)</h2>
      <div class="panel">
        <${Diff} diff=${diff} label="Difference between current state and snapshot" />
      </div>
      <details>
        <summary>The snapshot's state</summary>
        <pre>${JSON.stringify(snap.body.state, null, 2)}</pre>
      </details>
    `,
  };
}

async function restore(ctx: PageContext): Promise<PageResult> {
  const id = ctx.params.id;
  if (!isConfirmed(ctx.form)) {
    return html`
      <${ConfirmPage} question=${`Restore snapshot ${id}?`} fields=${{}} danger=${true}
        cancel=${href(id)} detail=${html`<p>The snapshot's state goes through validation,
        haproxy -c, the swap and the reload; a new snapshot is recorded.</p>`} />
    `;
  }
  // Confirmed after the diff was shown: a destructive restore is meant (see putState).
  const r = await ctx.api(
    "POST",
    `/api/snapshots/${encodeURIComponent(id)}/restore?allowDestructive=true`,
  );
  if (r.ok) return redirect("/snapshots", { kind: "ok", message: `Restored snapshot ${id}.` });
  return redirect(href(id), { kind: "bad", message: `Restore failed. ${describeError(r)}` });
}

/** The snapshot pages. */
export function snapshotPages(): PageDefinition[] {
  return [
    {
      path: "/snapshots",
      title: "Snapshots",
      role: "viewer",
      nav: { group: "System", order: 10 },
      render: list,
    },
    {
      path: "/snapshots/:id",
      title: "Snapshot",
      role: "viewer",
      actionRole: "operator",
      render: one,
      action: restore,
    },
  ];
}
