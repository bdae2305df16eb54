/**
 * How the audit page shows what an apply changed (core/state/changes.ts),
 * one line a change, `server web-pool/web-1: weight 10 → 20`, and the
 * snapshot ids an entry names (its target, `restore:<id>` in its reason)
 * as links to the snapshot page, so the state an entry produced or
 * restored is one click away.
 *
 * @module
 */
import { html, type VNode } from "../html.ts";
import type { ChangeValue, StateChange } from "../../core/state/changes.ts";
import { REDACTED } from "../../core/state/redact.ts";
import { SNAPSHOT_ID_PATTERN } from "../../core/store/snapshots.ts";
import { snapshotHref } from "./snapshots.ts";

/** A snapshot id anywhere in a text (the stored pattern, unanchored). */
const SNAPSHOT_IDS = new RegExp(`${SNAPSHOT_ID_PATTERN.source.slice(1, -1)}(?![0-9a-f])`, "g");

function shown(v: ChangeValue | undefined): string {
  if (v === undefined) return "";
  if (v === "") return '""';
  return String(v);
}

/** One change as a line of text, e.g. `server web-pool/web-1: weight 10 → 20`. */
export function changeText(c: StateChange): string {
  if (c.field === undefined && c.op !== "change") {
    return `${c.entity} ${c.op === "add" ? "added" : "removed"}`;
  }
  // `values[]`: one item of a long list, added or removed.
  if (c.field?.endsWith("[]") && c.op !== "change") {
    const list = `${c.entity}: ${c.field.slice(0, -2)}`;
    return c.op === "add" ? `${list} + ${shown(c.to)}` : `${list} − ${shown(c.from)}`;
  }
  const what = c.field === undefined ? `${c.entity}:` : `${c.entity}: ${c.field}`;
  // A secret's value is masked in the entry already; say that it changed, not the marker.
  if (c.from === REDACTED || c.to === REDACTED) return `${what} changed (secret, not shown)`;
  if (c.op === "add") return `${what} set to ${shown(c.to)}`;
  if (c.op === "remove") return `${what} removed (was ${shown(c.from)})`;
  return `${what} ${shown(c.from)} → ${shown(c.to)}`;
}

/** An entry's change list, and how many more it left out; nothing when it has none. */
export function ChangeList(props: { changes?: StateChange[]; omitted?: number }): VNode | null {
  const changes = props.changes ?? [];
  const omitted = props.omitted ?? 0;
  if (!changes.length && !omitted) return null;
  return html`<ul class="changes">
    ${changes.map((c) => html`<li>${changeText(c)}</li>`)}
    ${omitted ? html`<li class="muted">and ${omitted} more</li>` : null}
  </ul>`;
}

/** `text` with each snapshot id in it a link to that snapshot's page. */
export function SnapshotLinks(props: { text: string }): VNode {
  const parts: (string | VNode)[] = [];
  let at = 0;
  for (const m of props.text.matchAll(SNAPSHOT_IDS)) {
    if (m.index > at) parts.push(props.text.slice(at, m.index));
    parts.push(html`<a class="snapshot" href=${snapshotHref(m[0])}>${m[0]}</a>`);
    at = m.index + m[0].length;
  }
  if (at < props.text.length) parts.push(props.text.slice(at));
  return html`${parts}`;
}
