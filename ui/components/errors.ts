/**
 * The API's error envelope in plain words: what failed, why, and for a 502
 * HAProxy's own output with the hints that name the state entity at fault.
 *
 * @module
 */
import { html, type VNode } from "../html.ts";
import type { ApiReply } from "../../core/pages.ts";

/** A hint as the 502 envelope carries it. */
export interface HintView {
  severity: "error" | "warning";
  line: number | null;
  message: string;
  entity: { kind: string; id: string } | null;
}

const WHAT: Record<number, string> = {
  400: "The request was malformed",
  401: "You need to sign in again",
  403: "You are not allowed to do that",
  404: "It no longer exists",
  409: "It conflicts with the current state",
  412: "Someone else changed the state since you loaded this page; reload and try again",
  413: "The request is too large",
  422: "The state did not validate",
  429: "Too many requests; wait a moment and try again",
  500: "The daemon hit an internal error; see its log",
  502: "HAProxy refused the change; nothing was applied",
  503: "A background service is not running; try again shortly",
};

/** One sentence for a failed reply: the status's meaning plus the envelope's message. */
export function describeError(reply: Pick<ApiReply, "status" | "body" | "text">): string {
  const body = (typeof reply.body === "object" && reply.body) as Record<string, unknown> | false;
  const message = body
    ? String(body.message ?? (body.error !== "ValidationError" ? body.error : "") ?? "")
    : reply.text.slice(0, 200);
  const what = WHAT[reply.status] ?? `The request failed (HTTP ${reply.status})`;
  return message && !what.toLowerCase().includes(message.toLowerCase())
    ? `${what}: ${message}.`.replace(/\.\.$/, ".")
    : `${what}.`;
}

/** The entity a hint names, as the UI writes it (`backend app`). */
export function entityLabel(e: { kind: string; id: string } | null): string {
  return e ? `${e.kind} ${e.id}` : "";
}

/**
 * The lines of the candidate haproxy.cfg that a unified diff shows (added
 * and context lines), by their line number in the candidate: what a hint's
 * `line` cites, so it can be shown with its text.
 */
export function candidateLines(diff: string): Map<number, string> {
  const out = new Map<number, string>();
  let n = 0;
  let inHunk = false;
  for (const l of diff.split("\n")) {
    const hunk = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(l);
    if (hunk) {
      n = Number(hunk[1]);
      inHunk = true;
      continue;
    }
    if (!inHunk || l.startsWith("\\")) continue;
    if (l.startsWith("+")) out.set(n++, l.slice(1));
    else if (l.startsWith(" ") || l === "") out.set(n++, l.slice(1));
  }
  return out;
}

/**
 * HAProxy's output with the scratch and candidate file names (`haproxy.cfg.plan`,
 * a temp path) written as `haproxy.cfg`, the file the operator knows.
 */
export function tidyOutput(output: string): string {
  return output.replace(/\[[^\]\s]*haproxy\.cfg[^\]:\s]*:(\d+)\]/g, "[haproxy.cfg:$1]");
}

function Hint(props: { h: HintView; lines: Map<number, string> }): VNode {
  const h = props.h;
  const text = h.line ? props.lines.get(h.line) : undefined;
  return html`<li class=${h.severity === "error" ? "hint-error" : "hint-warning"}>
    <span class=${h.severity === "error" ? "badge bad" : "badge warn"}>${h.severity}</span>${
    h.entity ? [" ", html`<strong class="highlight">${entityLabel(h.entity)}</strong>`] : null
  }${h.line ? [" ", html`<span class="muted">haproxy.cfg line ${h.line}</span>`] : null}: ${
    tidyOutput(h.message)
  }${
    text !== undefined
      ? html`<pre class="cited" aria-label=${`haproxy.cfg line ${h.line}`}>${`${h.line} | ${text}`}</pre>`
      : null
  }</li>`;
}

/**
 * A failed reply as an alert box. A 502 shows HAProxy's problems errors
 * first, each with the entity it names and the cited cfg line with its text;
 * HAProxy's whole output (notices included) is collapsed below.
 */
export function ErrorBox(props: { reply: ApiReply; title?: string }): VNode {
  const body = (typeof props.reply.body === "object" && props.reply.body) as
    | Record<string, unknown>
    | false;
  const hints = body && Array.isArray(body.hints) ? body.hints as HintView[] : [];
  const ordered = [
    ...hints.filter((h) => h.severity === "error"),
    ...hints.filter((h) => h.severity !== "error"),
  ];
  const output = body && typeof body.output === "string" ? tidyOutput(body.output) : "";
  const lines = candidateLines(body && typeof body.diff === "string" ? body.diff : "");
  // A field-level 403 names the state paths the role may not change (docs/security.md).
  const paths = body && Array.isArray(body.paths) ? body.paths.map(String) : [];
  return html`<div class="alert" role="alert" data-status=${props.reply.status}>
    <h2>${props.title ?? "That did not work"}</h2>
    <p>${describeError(props.reply)}</p>
    ${
    paths.length
      ? html`<ul class="paths">${paths.map((p) => html`<li><code>${p}</code></li>`)}</ul>`
      : null
  }
    ${
    ordered.length
      ? html`<ul class="hints">${ordered.map((h) => html`<${Hint} h=${h} lines=${lines} />`)}</ul>`
      : null
  }
    ${
    output
      ? html`
        <details open=${ordered.length ? undefined : true}>
          <summary>HAProxy's full output (${output.trim().split("\n").length} lines, notices
            included)</summary>
          <pre>${output}</pre>
        </details>
      `
      : null
  }
  </div>`;
}
