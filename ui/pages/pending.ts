/**
 * The commit-confirmed window page: the pending window's baseline, live
 * readings and guard verdicts (or how the last one ended), and the form
 * target of the banner's confirm and roll-back buttons.
 *
 * @module
 */
import type { PageContext, PageDefinition, PageResult } from "../../core/pages.ts";
import { html } from "../html.ts";
import { Table } from "../components/table.ts";
import { describeError, ErrorBox } from "../components/errors.ts";
import type { PendingWindow } from "../components/pending_banner.ts";
import { timeLeft } from "../islands/countdown.ts";
import { redirect } from "../respond.ts";
import type { Reading } from "../../core/apply/confirm_types.ts";

interface WindowView extends PendingWindow {
  status: string;
  why: string | null;
  baseline: Record<string, Reading>;
  live: Record<string, Reading>;
}

function readingRows(w: WindowView) {
  const keys = [...new Set([...Object.keys(w.baseline), ...Object.keys(w.live)])].sort();
  return keys.map((k) => ({ key: k, before: w.baseline[k], now: w.live[k] }));
}

function fmt(r: Reading | undefined): string {
  if (!r) return "no samples";
  const parts = [`${r.responses} responses`, `5xx ${r.share5xxPct ?? "–"}%`];
  if (r.serversTotal !== null) parts.push(`${r.serversUp}/${r.serversTotal} servers up`);
  if (r.rtimeMs !== null) parts.push(`rtime ${r.rtimeMs} ms`);
  if (r.connErrors || r.respErrors) {
    parts.push(`${r.connErrors} conn / ${r.respErrors} resp errors`);
  }
  return parts.join(", ");
}

function Details(props: { w: WindowView }) {
  const w = props.w;
  return html`
    <${Table} caption="Readings: the minute before the apply, and since" id="readings"
      rows=${readingRows(w)} empty="No readings: the stats sampler has no samples for these."
      columns=${[
        { label: "Proxy", cell: (r: { key: string }) => html`<code>${r.key}</code>` },
        { label: "Before", cell: (r: { before?: Reading }) => fmt(r.before) },
        { label: "Since the apply", cell: (r: { now?: Reading }) => fmt(r.now) },
      ]} />
    <${Table} caption="Guards" id="verdicts" rows=${w.verdicts} empty="No check has run yet."
      columns=${[
        { label: "Guard", cell: (v: PendingWindow["verdicts"][0]) => v.guard },
        { label: "On", cell: (v: PendingWindow["verdicts"][0]) => `${v.kind} ${v.proxy}` },
        { label: "Verdict", cell: (v: PendingWindow["verdicts"][0]) => v.status },
        { label: "Detail", cell: (v: PendingWindow["verdicts"][0]) => v.detail },
      ]} />
  `;
}

async function render(ctx: PageContext): Promise<PageResult> {
  const r = await ctx.api<{ pending: WindowView | null; last: WindowView | null }>(
    "GET",
    "/api/state/pending",
  );
  if (!r.ok) return html`<${ErrorBox} reply=${r} />`;
  const { pending, last } = r.body;
  if (pending) {
    const left = html`<span data-island="countdown" data-left-ms=${String(pending.timeLeftMs)}>${
      timeLeft(pending.timeLeftMs)
    }</span>`;
    return html`
      <div class="panel">
        <p>Window <code>${pending.id}</code>: ${left} left; a rollback
              restores snapshot <a href=${`/snapshots/${encodeURIComponent(pending.rollbackTo)}`}>
              <code>${pending.rollbackTo}</code></a>.</p>
        <${Details} w=${pending} />
      </div>
    `;
  }
  if (!last) {
    return html`
      <div class="panel">
        <p>No change is on probation.</p>
      </div>
    `;
  }
  return html`
    <div class="panel">
      <p>No change is on probation. The last window (<code>${last.id}</code>) ended
          <strong>${last.status}</strong>: ${last.why}</p>
      <${Details} w=${last} />
    </div>
  `;
}

async function act(ctx: PageContext): Promise<PageResult> {
  const what = ctx.form?.get("do");
  if (what !== "confirm" && what !== "cancel") {
    return redirect("/pending", { kind: "bad", message: "Unknown action." });
  }
  const r = await ctx.api("POST", `/api/state/${what}`);
  if (r.ok) {
    return redirect("/pending", {
      kind: "ok",
      message: what === "confirm" ? "Confirmed: the change is kept." : "Rolled back.",
    });
  }
  return redirect("/pending", { kind: "bad", message: describeError(r) });
}

/** The page of the commit-confirmed window. */
export function pendingPages(): PageDefinition[] {
  return [{
    path: "/pending",
    title: "Change on probation",
    role: "viewer",
    actionRole: "operator",
    render,
    action: act,
  }];
}
