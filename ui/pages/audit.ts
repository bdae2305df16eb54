/**
 * The audit log: filter by category and actor (a plain GET form), newest
 * first, paginated by the id cursor the API offers (`before`). A state
 * apply's row lists what it changed; snapshot ids link to their page.
 *
 * @module
 */
import type { PageContext, PageDefinition, PageResult } from "../../core/pages.ts";
import { html } from "../html.ts";
import { Table } from "../components/table.ts";
import { ErrorBox } from "../components/errors.ts";
import type { AuditEntry } from "../../core/store/audit.ts";
import { ChangeList, SnapshotLinks } from "./audit_changes.ts";

/** An audit row as `GET /api/audit` returns it. */
type Entry = AuditEntry;

/** Entries per page. */
export const AUDIT_PAGE = 50;

const CATEGORIES = ["", "state", "snapshot", "haproxy", "auth", "api-token", "runtime", "cert"];

async function render(ctx: PageContext): Promise<PageResult> {
  const q = ctx.url.searchParams;
  const category = q.get("category") ?? "";
  const actor = q.get("actor") ?? "";
  const before = q.get("before") ?? "";
  const params = new URLSearchParams({ limit: String(AUDIT_PAGE) });
  if (category) params.set("category", category);
  if (actor) params.set("actor", actor);
  if (/^\d+$/.test(before)) params.set("before", before);
  const r = await ctx.api<{ entries: Entry[] }>("GET", `/api/audit?${params}`);
  if (!r.ok) return html`<${ErrorBox} reply=${r} />`;
  const entries = r.body.entries;
  const next = new URLSearchParams({ category, actor });
  if (entries.length === AUDIT_PAGE) next.set("before", String(entries[entries.length - 1].id));
  const cats = CATEGORIES.includes(category) ? CATEGORIES : [...CATEGORIES, category];
  return html`
    <form method="get" class="panel row" aria-label="Filter the audit log">
      <div class="field"><label for="f-category">Category</label>
            <select id="f-category" name="category">${cats.map((c) =>
              html`<option value=${c} selected=${c === category}>${c || "any"}</option>`
            )}</select></div>
      <div class="field"><label for="f-actor">Actor</label>
            <input id="f-actor" type="text" name="actor" value=${actor} placeholder="any" /></div>
      <button type="submit">Filter</button>
    </form>
    <div class="panel">
      <${Table} caption="Audit entries, newest first" id="audit" rows=${entries}
        empty="No entries match." rowClass=${(e: Entry) =>
          e.outcome === "failure" ? "failed" : undefined}
        columns=${[
          { label: "When (UTC)", cell: (e: Entry) => e.ts.replace("T", " ").replace("Z", "") },
          { label: "Actor", cell: (e: Entry) => e.actor },
          { label: "Category", cell: (e: Entry) => e.category },
          { label: "Action", cell: (e: Entry) => e.action },
          {
            label: "Target",
            cell: (e: Entry) => e.target ? html`<${SnapshotLinks} text=${e.target} />` : "",
          },
          {
            label: "Outcome",
            cell: (e: Entry) =>
              html`<span class=${
                e.outcome === "failure" ? "badge bad" : "badge ok"
              }>${e.outcome}</span>`,
          },
          {
            label: "Changes",
            cell: (e: Entry) =>
              html`<${ChangeList} changes=${e.changes} omitted=${e.changesOmitted} />`,
          },
          {
            label: "Details",
            cell: (e: Entry) =>
              e.details
                ? html`<code><${SnapshotLinks} text=${JSON.stringify(e.details)} /></code>`
                : "",
          },
        ]} />
      <nav class="pager" aria-label="Pages">
            ${before
              ? html`<a href=${`/audit?${new URLSearchParams({ category, actor })}`}>Newest</a>`
              : null}
            ${next.has("before")
              ? html`<a href=${`/audit?${next}`} rel="next">Older entries</a>`
              : null}
          </nav>
    </div>
  `;
}

/** The audit log page. */
export function auditPages(): PageDefinition[] {
  return [{
    path: "/audit",
    title: "Audit log",
    role: "viewer",
    nav: { group: "System", order: 20 },
    render,
  }];
}
