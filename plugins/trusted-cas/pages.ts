/**
 * The trusted-cas plugin's console page: uploaded CA bundles and CRLs with
 * what they contain and where the state uses them, an upload form for each
 * (the API validates; a refusal shows its precise reason next to the PEM),
 * and delete. Replacing an upload or deleting one asks first.
 *
 * @module
 */
import {
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
import type { CaReport, CrlReport } from "./validate.ts";

/** An upload as the list routes answer, with the report of its kind. */
interface Item<R> {
  name: string;
  inState: boolean;
  usedBy: string[];
  report?: R;
  error?: string;
}

/** The two kinds of trust material, as the page treats them. */
type Kind = "ca" | "crl";

const KINDS: Record<Kind, { api: string; what: string; stateKey: string }> = {
  ca: { api: "/api/trusted-cas", what: "trusted CA", stateKey: "trustedCas" },
  crl: { api: "/api/trusted-crls", what: "CRL", stateKey: "trustedCrls" },
};

const HERE = "/trusted-cas";

function day(ts: string | null | undefined): string {
  return ts ? ts.slice(0, 16).replace("T", " ") : "";
}

function used(i: Item<unknown>): VNode {
  if (!i.inState) return html`<span class="muted">not in the state</span>`;
  const users = i.usedBy.length ? [" ", html`<span>${i.usedBy.join(", ")}</span>`] : null;
  return html`<span class="badge ok">in the state</span>${users}`;
}

function deleteButton(kind: Kind, i: Item<unknown>): VNode {
  return html`
    <${ConfirmForm} small=${true} danger=${true} label="Delete"
      question=${`Delete the ${KINDS[kind].what} ${i.name}? Its file is removed.`}
      fields=${{ _step: "delete", kind, name: i.name }} />
  `;
}

function UploadForm(props: { kind: Kind; form: URLSearchParams | null; errors: FieldErrors }) {
  const { kind } = props;
  const mine = props.form?.get("kind") === kind;
  const label = kind === "ca" ? "Upload a CA bundle" : "Upload a CRL";
  return html`
    <${Form} label=${label} id=${`upload-${kind}`}>
      <input type="hidden" name="_step" value="upload" />
      <input type="hidden" name="kind" value=${kind} />
      <${Field} name=${`${kind}Name`} label="Name" required=${true} errors=${props.errors}
        value=${mine ? props.form?.get(`${kind}Name`) : ""}
        hint=${`stored as ${kind === "ca" ? "trusted-cas" : "trusted-crls"}/<name>.pem`} />
      <${TextArea} name=${`${kind}Pem`} label=${kind === "ca"
        ? "CA certificates (PEM)"
        : "CRL (PEM)"}
        code=${true} rows=${8} errors=${props.errors}
        value=${mine ? props.form?.get(`${kind}Pem`) : ""}
        hint=${kind === "ca"
          ? "one or more CA certificates (basicConstraints CA:TRUE)"
          : "one or more X509 CRL blocks"} />
      <div class="actions"><button type="submit" class="primary">${label}</button></div>
      <//>
  `;
}

async function view(ctx: PageContext, errors: FieldErrors): Promise<VNode> {
  const [cas, crls] = await Promise.all([
    ctx.api<{ items: Item<CaReport>[] }>("GET", KINDS.ca.api),
    ctx.api<{ items: Item<CrlReport>[] }>("GET", KINDS.crl.api),
  ]);
  return html`
    <section class="panel" aria-labelledby="cas-h">
      <h2 id="cas-h">Trusted CAs</h2>
      <p class="muted">CA bundles that verify client certificates (mutual TLS) and backend
        servers. The state uses one through <code>trustedCas</code>.</p>
      ${cas.ok
        ? html`
          <${Table} caption="Uploaded CA bundles" id="trusted-cas" rows=${cas.body.items}
            empty="No CA bundles uploaded." columns=${[
              { label: "Name", cell: (i: Item<CaReport>) => html`<strong>${i.name}</strong>` },
              {
                label: "Certificates",
                cell: (i: Item<CaReport>) =>
                  i.report
                    ? html`<ul class="plain">${
                      i.report.certs.map((c) => html`<li>${c.subject}</li>`)
                    }</ul>`
                    : html`<span class="error">${i.error}</span>`,
              },
              {
                label: "First expiry (UTC)",
                cell: (i: Item<CaReport>) => day(i.report?.certs.map((c) => c.notAfter).sort()[0]),
              },
              { label: "Use", cell: used },
              { label: "", cell: (i: Item<CaReport>) => deleteButton("ca", i) },
            ]} />
        `
        : html`<${ErrorBox} reply=${cas} />`}
      <h3>Upload a CA bundle</h3>
      <${UploadForm} kind="ca" form=${ctx.form} errors=${errors} />
    </section>
    <section class="panel" aria-labelledby="crls-h">
      <h2 id="crls-h">Certificate revocation lists</h2>
      <p class="muted">CRLs refuse revoked client certificates. HAProxy rejects every client
        once a CRL's next update has passed, so keep them fresh.</p>
      ${crls.ok
        ? html`
          <${Table} caption="Uploaded CRLs" id="trusted-crls" rows=${crls.body.items}
            empty="No CRLs uploaded." columns=${[
              { label: "Name", cell: (i: Item<CrlReport>) => html`<strong>${i.name}</strong>` },
              {
                label: "Issuer",
                cell: (i: Item<CrlReport>) =>
                  i.report
                    ? i.report.crls.map((c) => c.issuer).join("; ")
                    : html`<span class="error">${i.error}</span>`,
              },
              {
                label: "Next update (UTC)",
                cell: (i: Item<CrlReport>) =>
                  day(i.report?.crls.map((c) => c.nextUpdate ?? "").sort()[0]),
              },
              {
                label: "Revoked",
                cell: (i: Item<CrlReport>) =>
                  i.report ? String(i.report.crls.reduce((n, c) => n + c.revoked, 0)) : "",
              },
              { label: "Use", cell: used },
              { label: "", cell: (i: Item<CrlReport>) => deleteButton("crl", i) },
            ]} />
        `
        : html`<${ErrorBox} reply=${crls} />`}
      <h3>Upload a CRL</h3>
      <${UploadForm} kind="crl" form=${ctx.form} errors=${errors} />
    </section>
  `;
}

function kindOf(form: URLSearchParams): Kind {
  return form.get("kind") === "crl" ? "crl" : "ca";
}

async function upload(ctx: PageContext): Promise<PageResult> {
  const form = ctx.form!;
  const kind = kindOf(form);
  const k = KINDS[kind];
  const name = (form.get(`${kind}Name`) ?? "").trim();
  const pem = form.get(`${kind}Pem`) ?? "";
  if (!name) return pageWithStatus(400, await view(ctx, { [`${kind}Name`]: ["Give it a name."] }));
  const existing = await ctx.api<Item<unknown>>("GET", `${k.api}/${encodeURIComponent(name)}`);
  if (existing.ok && !isConfirmed(form)) {
    return html`
      <${ConfirmPage} question=${`Replace the ${k.what} ${name}?`} danger=${true} cancel=${HERE}
        fields=${{ _step: "upload", kind, [`${kind}Name`]: name, [`${kind}Pem`]: pem }}
        detail=${html`<p>The new PEM replaces the uploaded one${
          existing.body.usedBy.length
            ? html`, and HAProxy reloads because ${existing.body.usedBy.join(", ")} use it`
            : null
        }.</p>`} />
    `;
  }
  const r = await ctx.api<{ replaced: boolean; reloaded: boolean; count: number }>(
    "POST",
    `${k.api}/upload`,
    { name, pem },
  );
  if (!r.ok) {
    // A refused PEM carries its `code`; a refused name does not.
    const refusedPem = typeof (r.body as { code?: unknown })?.code === "string";
    const field = refusedPem || !/ name /.test(describeError(r)) ? `${kind}Pem` : `${kind}Name`;
    return pageWithStatus(r.status, await view(ctx, { [field]: [describeError(r)] }));
  }
  const count = `${r.body.count} ${kind === "ca" ? "certificate" : "CRL"}${
    r.body.count === 1 ? "" : "s"
  }`;
  return redirect(HERE, {
    kind: "ok",
    message: `${r.body.replaced ? "Replaced" : "Uploaded"} the ${k.what} ${name} (${count})${
      r.body.reloaded ? "; HAProxy reloaded" : ""
    }.`,
  });
}

async function remove(ctx: PageContext): Promise<PageResult> {
  const form = ctx.form!;
  const kind = kindOf(form);
  const k = KINDS[kind];
  const name = form.get("name") ?? "";
  if (!isConfirmed(form)) {
    return html`
      <${ConfirmPage} question=${`Delete the ${k.what} ${name}?`} danger=${true} cancel=${HERE}
        fields=${{ _step: "delete", kind, name }}
        detail=${html`<p>Its file is removed. The API refuses while <code>state.${k.stateKey}</code>${" "}
          still lists it.</p>`} />
    `;
  }
  const r = await ctx.api("DELETE", `${k.api}/${encodeURIComponent(name)}`);
  return redirect(
    HERE,
    r.ok
      ? { kind: "ok", message: `Deleted the ${k.what} ${name}.` }
      : { kind: "bad", message: `Deleting the ${k.what} ${name} failed. ${describeError(r)}` },
  );
}

/** The trusted CAs and CRLs page. */
export function trustPages(): PageDefinition[] {
  return [{
    path: HERE,
    title: "Trusted CAs and CRLs",
    role: "viewer",
    actionRole: "operator",
    nav: { group: "Security", order: 34, label: "Trusted CAs and CRLs" },
    render: (ctx) => view(ctx, {}),
    action: (ctx) => ctx.form?.get("_step") === "delete" ? remove(ctx) : upload(ctx),
  }];
}
