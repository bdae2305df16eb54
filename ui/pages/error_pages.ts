/**
 * Error pages: the uploaded pages and the state's (`GET /api/error-pages`
 * joined with `state.errorPages`: code, content type, size, and every place
 * the state uses each one), an upload form (a file input in a multipart
 * form; the handler posts its bytes to `POST /api/error-pages/{code}`, the
 * same call as curl's `--data-binary`), serving an upload for every proxy
 * or taking a page out of the state (a JSON Patch of errorPages, applied
 * like any change), and delete, whose 409 while the state still uses the
 * page is shown with the API's own message. Viewers
 * see the list; the upload form and delete buttons are offered to the
 * roles the routes take (operator, admin).
 *
 * @module
 */
import type { PageContext, PageDefinition, PageResult } from "../../core/pages.ts";
import { pageWithStatus } from "../../core/pages.ts";
import { ERROR_PAGE_CODES } from "../../core/state/haproxy_schema.ts";
import { html, type VNode } from "../html.ts";
import { Table } from "../components/table.ts";
import { describeError, ErrorBox } from "../components/errors.ts";
import { type FieldErrors, Form, type Issue, Select } from "../components/form.ts";
import { ConfirmForm, ConfirmPage, isConfirmed } from "../components/confirm.ts";
import { redirect } from "../respond.ts";
import { patchState } from "../edit_flow.ts";
import { allows } from "../nav.ts";

/** One entry of `GET /api/error-pages`. */
interface ListedPage {
  code: number;
  uploaded: boolean;
  bytes: number | null;
  inState: "upload" | "inline" | null;
}

/** One entry of `state.errorPages`. */
interface StatePage {
  code: number;
  upload?: true;
  contentType?: string;
  body?: string;
  frontends?: string[];
  backends?: string[];
}

/** One row of the page: a code, what is stored for it, and where the state uses it. */
export interface PageRow {
  code: number;
  uploaded: boolean;
  bytes: number | null;
  contentType: string | null;
  uses: string[];
}

/** Where a state entry applies, in words: every proxy, or the proxies it names. */
export function placeText(p: StatePage): string {
  const named = [
    ...(p.frontends ?? []).map((f) => `frontend ${f}`),
    ...(p.backends ?? []).map((b) => `backend ${b}`),
  ];
  const where = named.length ? named.join(", ") : "every proxy (defaults)";
  return `${where}: ${p.upload ? "the upload" : "inline page"}`;
}

/** The `content-type` header of a stored HTTP response, or null when it has none. */
export function contentTypeOf(message: string): string | null {
  const head = message.split(/\r?\n\r?\n/, 1)[0];
  const m = /^content-type:[ \t]*(.+?)[ \t]*$/im.exec(head);
  return m ? m[1] : null;
}

/** Joins the listing with the state's entries; inline pages report their body's size. */
export function pageRows(
  listed: ListedPage[],
  state: StatePage[],
  uploadTypes: Map<number, string | null>,
): PageRow[] {
  return listed.map((l) => {
    const entries = state.filter((p) => p.code === l.code);
    const inline = entries.find((p) => !p.upload);
    return {
      code: l.code,
      uploaded: l.uploaded,
      bytes: l.uploaded
        ? l.bytes
        : inline?.body !== undefined
        ? new TextEncoder().encode(inline.body).length
        : null,
      contentType: l.uploaded
        ? uploadTypes.get(l.code) ?? null
        : inline?.contentType ?? "text/html; charset=utf-8",
      uses: entries.map(placeText),
    };
  });
}

async function loadRows(ctx: PageContext): Promise<PageRow[] | VNode> {
  const [list, state] = await Promise.all([
    ctx.api<{ pages: ListedPage[] }>("GET", "/api/error-pages"),
    ctx.api<{ errorPages?: StatePage[] }>("GET", "/api/state"),
  ]);
  if (!list.ok) return html`<${ErrorBox} reply=${list} />`;
  if (!state.ok) return html`<${ErrorBox} reply=${state} />`;
  const types = new Map<number, string | null>();
  await Promise.all(
    list.body.pages.filter((p) => p.uploaded).map(async (p) => {
      const r = await ctx.api("GET", `/api/error-pages/${p.code}`);
      types.set(p.code, r.ok ? contentTypeOf(r.text) : null);
    }),
  );
  return pageRows(list.body.pages, state.body.errorPages ?? [], types);
}

function UploadForm(props: { errors: FieldErrors; code?: string }): VNode {
  const errors = props.errors.page ?? [];
  return html`
    <section class="panel" aria-labelledby="upload-h">
      <h2 id="upload-h">Upload an error page</h2>
      <p class="muted">A whole HTTP response (status line, headers, blank line, body; at most
        32 KiB), as HAProxy sends it. It is used once the state lists it (<em>Serve</em>, or
        ${" "}<code>{"code": …, "upload": true}</code> in errorPages, with
        ${" "}<code>frontends</code>/<code>backends</code> to scope it); a page the state uses
        cannot be replaced.</p>
      <${Form} label="Upload an error page" id="upload-form" enctype="multipart/form-data">
        <input type="hidden" name="_step" value="upload" />
        <div class="row">
          <${Select} name="code" label="Status" value=${props.code ?? "503"}
            options=${ERROR_PAGE_CODES.map(String)} errors=${props.errors} />
          <div class=${errors.length ? "field invalid" : "field"}>
            <label for="f-page">HTTP response file</label>
            <input id="f-page" name="page" type="file" required
              aria-invalid=${errors.length ? "true" : undefined}
              aria-describedby=${errors.length ? "f-page-err" : undefined} />
            ${errors.length
              ? html`<div class="error" id="f-page-err" role="alert">${
                errors.map((e) => html`<div>${e}</div>`)
              }</div>`
              : null}
          </div>
          <button type="submit" class="primary">Upload</button>
        </div>
        <//>
        </section>
  `;
}

async function listView(
  ctx: PageContext,
  extra: { problem?: VNode; errors?: FieldErrors; code?: string } = {},
): Promise<VNode> {
  const rows = await loadRows(ctx);
  if (!Array.isArray(rows)) return rows;
  const canChange = allows(ctx.principal, "operator");
  return html`
    ${extra.problem ?? null}
    <div class="panel">
      <${Table} caption="Error pages" id="error-pages" rows=${rows}
        empty="No error pages: HAProxy sends its built-in ones." columns=${[
          { label: "Code", cell: (r: PageRow) => String(r.code) },
          {
            label: "Stored as",
            cell: (r: PageRow) => r.uploaded ? "uploaded file" : "inline in the state",
          },
          {
            label: "Content type",
            cell: (r: PageRow) =>
              r.contentType
                ? html`<code>${r.contentType}</code>`
                : html`<span class="muted">none</span>`,
          },
          { label: "Size", cell: (r: PageRow) => r.bytes === null ? "–" : `${r.bytes} bytes` },
          {
            label: "Where the state uses it",
            cell: (r: PageRow) =>
              r.uses.length
                ? html`<ul>${r.uses.map((u) => html`<li>${u}</li>`)}</ul>`
                : html`<span class="muted">not used</span>`,
          },
          ...(canChange
            ? [{
              label: "",
              cell: (r: PageRow) =>
                html`
                  ${r.uploaded && !r.uses.some((u) => u.endsWith("the upload"))
                    ? html`
                      <${ConfirmForm} small=${true} label=${`Serve ${r.code}`}
                        question=${`Serve the uploaded error page ${r.code} for every proxy?`}
                        fields=${{ _step: "serve", code: String(r.code) }} />
                    `
                    : null}
                  ${r.uses.length
                    ? html`
                      <${ConfirmForm} small=${true} danger=${true}
                        label=${`Stop serving ${r.code}`}
                        question=${`Stop serving error page ${r.code} (take it out of the state)?`}
                        fields=${{ _step: "unserve", code: String(r.code) }} />
                    `
                    : null}
                  ${r.uploaded
                    ? html`
                      <${ConfirmForm} small=${true} danger=${true} label=${`Delete ${r.code}`}
                        question=${`Delete the uploaded error page ${r.code}?`}
                        fields=${{ _step: "delete", code: String(r.code) }} />
                    `
                    : null}
                `,
            }]
            : []),
        ]} />
    </div>
    ${canChange ? html`<${UploadForm} errors=${extra.errors ?? {}} code=${extra.code} />` : html`
      <p class="muted"
        id="error-pages-readonly">Your role (${ctx.principal?.role ??
          "none"}) can view error pages; operators and admins upload and delete them.</p>
    `}
  `;
}

/** The upload's field errors from a refusal: a 422's issues, or the envelope's message. */
function uploadErrors(r: { status: number; body: unknown; text: string }): FieldErrors {
  const body = r.body as { issues?: Issue[] } | null;
  const issues = r.status === 422 && Array.isArray(body?.issues) ? body!.issues : [];
  return { page: [describeError(r), ...issues.map((i) => i.message)] };
}

async function upload(ctx: PageContext): Promise<PageResult> {
  const code = ctx.form!.get("code") ?? "";
  const file = ctx.files?.get("page");
  if (!file || file.bytes.length === 0) {
    return pageWithStatus(
      400,
      await listView(ctx, { errors: { page: ["Choose a file with the HTTP response."] }, code }),
    );
  }
  const r = await ctx.api<{ code: number; bytes: number }>(
    "POST",
    `/api/error-pages/${encodeURIComponent(code)}`,
    file.bytes,
    { "content-type": "message/http" },
  );
  if (!r.ok) {
    return pageWithStatus(r.status, await listView(ctx, { errors: uploadErrors(r), code }));
  }
  return redirect("/error-pages", {
    kind: "ok",
    message: `Uploaded error page ${r.body.code} (${r.body.bytes} bytes). HAProxy sends it ` +
      `once the state uses it: {"code": ${r.body.code}, "upload": true} in errorPages.`,
  });
}

async function remove(ctx: PageContext): Promise<PageResult> {
  const code = ctx.form!.get("code") ?? "";
  const what = `Delete the uploaded error page ${code}`;
  if (!isConfirmed(ctx.form)) {
    return html`
      <${ConfirmPage} question=${`${what}?`} danger=${true} cancel="/error-pages"
        fields=${{ _step: "delete", code }}
        detail=${html`<p>The file is removed. A page the state still uses cannot be deleted:
        take it out of errorPages first.</p>`} />
    `;
  }
  const r = await ctx.api("DELETE", `/api/error-pages/${encodeURIComponent(code)}`);
  if (!r.ok) {
    const problem = html`<${ErrorBox} reply=${r} title=${`Error page ${code} was not deleted`} />`;
    return pageWithStatus(r.status, await listView(ctx, { problem }));
  }
  return redirect("/error-pages", {
    kind: "ok",
    message: `Deleted the uploaded error page ${code}.`,
  });
}

/**
 * Serve: the upload joins the state's errorPages for every proxy (an `errorfile` in
 * defaults); unserve: every errorPages entry for the code leaves the state. Both are applies
 * (HAProxy reloads), confirmed first, refused in the API's words.
 */
async function serveOrUnserve(ctx: PageContext, serve: boolean): Promise<PageResult> {
  const code = Number(ctx.form!.get("code"));
  const step = serve ? "serve" : "unserve";
  const what = serve
    ? `Serve the uploaded error page ${code} for every proxy`
    : `Stop serving error page ${code}`;
  if (!isConfirmed(ctx.form)) {
    return html`
      <${ConfirmPage} question=${`${what}?`} danger=${!serve} cancel="/error-pages"
        fields=${{ _step: step, code: String(code) }}
        detail=${html`<p>This changes the state's errorPages and applies it: HAProxy reloads
        with the new ${"errorfile"} lines, and a snapshot is recorded.</p>`} />
    `;
  }
  let ops: unknown[];
  if (serve) ops = [{ op: "add", path: "/errorPages/-", value: { code, upload: true } }];
  else {
    const state = await ctx.api<{ errorPages?: StatePage[] }>("GET", "/api/state");
    if (!state.ok) return html`<${ErrorBox} reply=${state} />`;
    // Highest index first, each guarded: a change landing meanwhile makes the patch a 409.
    ops = (state.body.errorPages ?? []).flatMap((p, i) => p.code === code ? [i] : []).reverse()
      .flatMap((i) => [
        { op: "test", path: `/errorPages/${i}/code`, value: code },
        { op: "remove", path: `/errorPages/${i}` },
      ]);
  }
  const r = await patchState(ctx, ops);
  if (!r.ok) {
    const problem = html`<${ErrorBox} reply=${r} title=${`${what}: not applied`} />`;
    return pageWithStatus(r.status, await listView(ctx, { problem }));
  }
  const snap = r.body.snapshotId ? ` (snapshot ${r.body.snapshotId})` : "";
  return redirect("/error-pages", {
    kind: "ok",
    message: serve
      ? `HAProxy now sends the uploaded page ${code} for every proxy${snap}.`
      : `Error page ${code} is no longer in the state; HAProxy sends its own${snap}.`,
  });
}

/** The error pages page. */
export function errorPagePages(): PageDefinition[] {
  return [{
    path: "/error-pages",
    title: "Error pages",
    role: "viewer",
    actionRole: "operator",
    nav: { group: "Configuration", order: 40 },
    render: (ctx) => listView(ctx),
    action: (ctx) => {
      const step = ctx.form?.get("_step");
      if (step === "delete") return remove(ctx);
      if (step === "serve" || step === "unserve") return serveOrUnserve(ctx, step === "serve");
      return upload(ctx);
    },
  }];
}
