/**
 * The byo-certs plugin's console page: uploaded certificates with their
 * days left and users, and the upload flow with validation feedback.
 *
 * 1. The form posts the PEMs to `POST /api/byo-certs/validate`; a refused
 *    pair shows the API's precise error next to the field at fault.
 * 2. An accepted pair shows what was found (subject, SANs, issuer, dates,
 *    key, chain) and names what the upload will do: store the files under
 *    the name (replacing an earlier upload of it) and, when asked, add a
 *    `state.tls.certs` entry for it through `PUT /api/state` with `If-Match`.
 * 3. The upload goes to `POST /api/byo-certs/upload`.
 *
 * @module
 */
import {
  Checkbox,
  ConfirmForm,
  ConfirmPage,
  describeError,
  ErrorBox,
  Field,
  type FieldErrors,
  Form,
  html,
  isConfirmed,
  type PageContext,
  type PageDefinition,
  type PageResult,
  pageWithStatus,
  redirect,
  Table,
  TextArea,
  type VNode,
} from "../../mod_ui.ts";
import { isName } from "../../core/state/names.ts";
import { addToState, dnsNames } from "./page_state.ts";
import type { PairOk } from "./validate.ts";

/** An upload as `GET /api/byo-certs` lists it. */
interface Upload {
  name: string;
  usedBy: string[];
  servedBy: string[];
  subject?: string;
  sans?: string[];
  notAfter?: string;
  daysLeft?: number;
  chainLength?: number;
  error?: string;
}

/** What `POST /api/byo-certs/validate` answers for an accepted pair (the files stay server-side). */
type Report = Omit<PairOk, "files">;

/** A refused pair. */
interface Refusal {
  ok: false;
  code: string;
  error: string;
}

/** The fields the upload form posts. */
interface Posted {
  name: string;
  fullchainPem: string;
  privkeyPem: string;
  register: boolean;
}

const HERE = "/byo-certs";

function posted(form: URLSearchParams | null): Posted {
  return {
    name: (form?.get("name") ?? "").trim(),
    fullchainPem: form?.get("fullchainPem") ?? "",
    privkeyPem: form?.get("privkeyPem") ?? "",
    register: form ? form.getAll("register").includes("1") : true,
  };
}

function day(ts: string | undefined): string {
  return ts ? ts.slice(0, 16).replace("T", " ") : "";
}

function UploadForm(props: { p: Posted; errors: FieldErrors }): VNode {
  return html`
    <section class="panel" aria-labelledby="byo-upload-h">
      <h2 id="byo-upload-h">Upload a certificate</h2>
      <${Form} label="Validate a certificate before uploading it" id="byo-upload">
        <input type="hidden" name="_step" value="validate" />
        <${Field} name="name" label="Name" value=${props.p.name} errors=${props.errors}
          required=${true} hint="stored as byo-certs/<name>/; letters, digits, . _ : -" />
        <${TextArea} name="fullchainPem" label="Certificate chain (PEM)" code=${true}
          rows=${8}
          value=${props.p.fullchainPem} errors=${props.errors}
          hint="the leaf first, then each intermediate" />
        <${TextArea} name="privkeyPem" label="Private key (PEM)" code=${true} rows=${6}
          value=${props.p.privkeyPem} errors=${props.errors}
          hint="never shown again; stored mode 0600" />
        <${Checkbox} name="register" checked=${props.p.register}
          label="Also add it to the state (state.tls.certs), so binds can serve it" />
        <div class="actions"><button type="submit" class="primary">Validate</button></div>
        <//>
        </section>
  `;
}

async function uploadsView(ctx: PageContext, form: VNode): Promise<VNode> {
  const r = await ctx.api<{ certs: Upload[] }>("GET", "/api/byo-certs");
  return html`
    ${r.ok
      ? html`
        <div class="panel">
          <${Table} caption="Uploaded certificates" id="byo-certs" rows=${r.body.certs}
            empty="Nothing uploaded yet." columns=${[
              { label: "Name", cell: (u: Upload) => html`<strong>${u.name}</strong>` },
              {
                label: "SANs",
                cell: (u: Upload) =>
                  u.error ? html`<span class="error">${u.error}</span>` : (u.sans ?? []).join(", "),
              },
              { label: "Expires (UTC)", cell: (u: Upload) => day(u.notAfter) },
              {
                label: "Days left",
                cell: (u: Upload) =>
                  u.daysLeft === undefined
                    ? ""
                    : html`<span class=${
                      u.daysLeft < 7 ? "badge bad" : u.daysLeft < 21 ? "badge warn" : "badge ok"
                    }>${u.daysLeft}</span>`,
              },
              {
                label: "In the state as",
                cell: (u: Upload) =>
                  u.usedBy.length
                    ? u.usedBy.join(", ")
                    : html`<span class="muted">not referenced</span>`,
              },
              {
                label: "Served by",
                cell: (u: Upload) =>
                  u.servedBy.length
                    ? u.servedBy.join(", ")
                    : html`<span class="muted">no bind</span>`,
              },
              {
                label: "",
                cell: (u: Upload) =>
                  html`
                    <${ConfirmForm} small=${true} danger=${true} label="Delete"
                      question=${`Delete the uploaded certificate ${u.name}? Its files are removed.`}
                      fields=${{ _step: "delete", name: u.name }} />
                  `,
              },
            ]} />
        </div>
      `
      : html`<${ErrorBox} reply=${r} />`}
    ${form}
  `;
}

function Facts(props: { report: Report }): VNode {
  const r = props.report;
  const days = Math.floor((Date.parse(r.notAfter) - Date.now()) / 86_400_000);
  return html`
    <table class="facts">
      <tbody>
        <tr>
          <th scope="row">Subject</th>
          <td>${r.subject}</td>
        </tr>
        <tr>
          <th scope="row">SANs</th>
          <td>${r.sans.join(", ") || "none"}</td>
        </tr>
        <tr>
          <th scope="row">Issuer</th>
          <td>${r.issuer}</td>
        </tr>
        <tr>
          <th scope="row">Valid from</th>
          <td>${day(r.notBefore)} UTC</td>
        </tr>
        <tr>
          <th scope="row">Valid until</th>
          <td>${day(r.notAfter)} UTC (${days} days left)</td>
        </tr>
        <tr>
          <th scope="row">Key</th>
          <td>${r.keyType}</td>
        </tr>
        <tr>
          <th scope="row">Chain</th>
          <td>${r.chainLength} certificate${r.chainLength === 1
            ? ""
            : "s"} (leaf first, each followed by its issuer)</td>
        </tr>
        <tr>
          <th scope="row">SHA-256</th>
          <td><code>${r.fingerprint256}</code></td>
        </tr>
      </tbody>
    </table>
  `;
}

/** The field a refusal belongs next to. */
function refusalField(r: Refusal): "fullchainPem" | "privkeyPem" {
  if (r.code === "key-mismatch" || r.code === "weak-key") return "privkeyPem";
  return r.code === "not-pem" && r.error.includes("privkeyPem") ? "privkeyPem" : "fullchainPem";
}

async function validateStep(ctx: PageContext): Promise<PageResult> {
  const p = posted(ctx.form);
  const again = async (status: number, errors: FieldErrors) =>
    pageWithStatus(status, await uploadsView(ctx, html`<${UploadForm} p=${p} errors=${errors} />`));
  if (!isName(p.name)) {
    return again(422, {
      name: [p.name ? "Use letters, digits and . _ : - (up to 63)." : "Give it a name."],
    });
  }
  const r = await ctx.api<Report | Refusal>("POST", "/api/byo-certs/validate", {
    fullchainPem: p.fullchainPem,
    privkeyPem: p.privkeyPem,
  });
  if (!r.ok) {
    // The API refuses an invalid pair with 400 `{ok: false, error, code}`: show it by its field.
    const refusal = r.body as Partial<Refusal> | null;
    if (refusal && refusal.ok === false && typeof refusal.code === "string") {
      return again(422, { [refusalField(refusal as Refusal)]: [(refusal as Refusal).error] });
    }
    return again(r.status, { fullchainPem: [describeError(r)] });
  }
  if (!r.body.ok) return again(422, { [refusalField(r.body)]: [r.body.error] });
  const report = r.body;
  const existing = await ctx.api("GET", `/api/byo-certs/${encodeURIComponent(p.name)}`);
  const domains = dnsNames(report.sans);
  const what = `Upload ${p.name}${existing.ok ? " (replacing the current upload)" : ""}`;
  return html`
    <section class="panel" aria-labelledby="byo-review-h">
      <h2 id="byo-review-h">The certificate is valid</h2>
      <${Facts} report=${report} />
      <${Form} label="Upload the validated certificate" id="byo-confirm">
        <input type="hidden" name="_step" value="upload" />
        <input type="hidden" name="name" value=${p.name} />
        <input type="hidden" name="fullchainPem" value=${p.fullchainPem} />
        <input type="hidden" name="privkeyPem" value=${p.privkeyPem} />
        <p>Uploading stores it as <code>byo-certs/${p.name}/</code>${existing.ok
          ? html`, <strong>replacing the certificate uploaded under that name</strong> (HAProxy
            reloads if a bind serves it)`
          : null}.</p>
        ${p.register
          ? html`
            <input type="hidden" name="register" value="1" />
            <${Field} name="domains" label="Serving domains (SNI)" value=${domains.join(" ")}
              hint="space-separated; the state entry ${p.name} gets these" />
            <p class="muted">It is also added to the state as certificate <code>${p
              .name}</code>${" "}
              (provider kind byo) through <code>PUT /api/state</code>, unless the state already
              has it. No bind serves it until one lists it.</p>
          `
          : null}
        <div class="actions">
          <button type="submit" class="primary">${what}</button>
          <a class="button" href=${HERE}>Start over</a>
        </div>
      <//>
    </section>
  `;
}

async function uploadStep(ctx: PageContext): Promise<PageResult> {
  const p = posted(ctx.form);
  const r = await ctx.api<{ notAfter: string; replaced: boolean; reloaded: boolean }>(
    "POST",
    "/api/byo-certs/upload",
    { name: p.name, fullchainPem: p.fullchainPem, privkeyPem: p.privkeyPem },
  );
  if (!r.ok) {
    return pageWithStatus(
      r.status,
      await uploadsView(
        ctx,
        html`<${UploadForm} p=${p} errors=${{ fullchainPem: [describeError(r)] }} />`,
      ),
    );
  }
  const stored = `${r.body.replaced ? "Replaced" : "Uploaded"} ${p.name}${
    r.body.reloaded ? "; HAProxy reloaded" : ""
  }.`;
  if (!ctx.form!.getAll("register").includes("1")) {
    return redirect(HERE, { kind: "ok", message: stored });
  }
  const domains = (ctx.form!.get("domains") ?? "").split(/\s+/).filter(Boolean);
  const added = await addToState(ctx, p.name, domains);
  return redirect(HERE, {
    kind: added.ok ? "ok" : "bad",
    message: `${stored} ${added.message}`,
  });
}

async function deleteStep(ctx: PageContext): Promise<PageResult> {
  const name = ctx.form!.get("name") ?? "";
  if (!isConfirmed(ctx.form)) {
    return html`
      <${ConfirmPage} question=${`Delete the uploaded certificate ${name}?`} danger=${true}
        cancel=${HERE} fields=${{ _step: "delete", name }}
        detail=${html`<p>Its chain and key are removed from the data directory. The API
          refuses while the state still refers to it.</p>`} />
    `;
  }
  const r = await ctx.api("DELETE", `/api/byo-certs/${encodeURIComponent(name)}`);
  return redirect(
    HERE,
    r.ok
      ? { kind: "ok", message: `Deleted the uploaded certificate ${name}.` }
      : { kind: "bad", message: `Deleting ${name} failed. ${describeError(r)}` },
  );
}

/** The BYO certificates page. */
export function byoPages(): PageDefinition[] {
  return [{
    path: HERE,
    title: "Your own certificates",
    role: "viewer",
    actionRole: "operator",
    nav: { group: "Security", order: 32, label: "BYO certificates" },
    render: async (ctx) =>
      await uploadsView(ctx, html`<${UploadForm} p=${posted(null)} errors=${{}} />`),
    action(ctx) {
      const step = ctx.form?.get("_step");
      if (step === "upload") return uploadStep(ctx);
      if (step === "delete") return deleteStep(ctx);
      return validateStep(ctx);
    },
  }];
}
