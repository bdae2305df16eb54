/**
 * The tls plugin's console page: every certificate the state refers to,
 * from `GET /api/certificates`, with its days left, status and the binds
 * that serve it, so an operator sees at a glance what expires and where it
 * is used.
 *
 * @module
 */
import {
  ErrorBox,
  Form,
  html,
  type PageContext,
  type PageDefinition,
  type PageResult,
  redirect,
  Table,
} from "../../mod_ui.ts";
import { isName } from "../../core/state/names.ts";
import type { CertificateInfo, CertStatus } from "./inventory.ts";

/** What a provider kind that issues certificates (certbot) reports in `details.lastRun`. */
interface LastRun {
  action: string;
  at: string;
  ok: boolean;
  error: { kind: string; message: string } | null;
}

function lastRunOf(c: CertificateInfo): LastRun | null {
  const run = (c.details as { lastRun?: LastRun | null } | undefined)?.lastRun;
  return run ?? null;
}

/** The last issuance or renewal and, for issued kinds, a renew button. */
function lastRun(c: CertificateInfo) {
  if (c.providerKind !== "letsencrypt") return html`<span class="muted">uploaded</span>`;
  const run = lastRunOf(c);
  return html`
    ${run
      ? html`
        <span class=${run.ok ? "badge ok" : "badge bad"}>${run.action} ${run.ok
          ? "ok"
          : run.error?.kind ?? "failed"}</span> <span
          class="muted">${run.at.slice(0, 16).replace("T", " ")}</span>${run.error
            ? html`<div class="error">${run.error.message}</div>`
            : null}
      `
      : html`<span class="muted">not yet issued</span>`}
        <${Form} label=${`Renew ${c.id}`}>
      <input type="hidden" name="renew" value=${c.id} />
      <button type="submit">Renew</button>
      </${Form}>
  `;
}

/** The renew button's post: `POST /api/certificates/{id}/renew`, then back with a flash. */
async function action(ctx: PageContext): Promise<PageResult> {
  const id = ctx.form?.get("renew") ?? "";
  if (!isName(id)) return redirect("/certificates", { kind: "bad", message: "no certificate" });
  const r = await ctx.api<
    { results: { ok: boolean; renewed: boolean; error?: { message: string } }[] }
  >(
    "POST",
    `/api/certificates/${id}/renew`,
    { force: false },
  );
  if (!r.ok) {
    return redirect("/certificates", { kind: "bad", message: `renewing ${id} failed` });
  }
  const res = r.body.results[0];
  return redirect(
    "/certificates",
    res?.ok
      ? { kind: "ok", message: res.renewed ? `${id} renewed` : `${id} is not due yet` }
      : { kind: "bad", message: `${id}: ${res?.error?.message ?? "renewal failed"}` },
  );
}

const STATUS_CLASS: Record<CertStatus, string> = {
  ok: "badge ok",
  expiring: "badge warn",
  expired: "badge bad",
  missing: "badge bad",
};

/** The days-left badge: red when expired or under a week, amber when expiring. */
function daysLeft(c: CertificateInfo) {
  if (c.daysLeft === null) return html`<span class="muted">unknown</span>`;
  const cls = c.status === "expired" || c.daysLeft < 7
    ? "badge bad"
    : c.status === "expiring"
    ? "badge warn"
    : "badge ok";
  return html`<span class=${cls}>${c.daysLeft} day${c.daysLeft === 1 ? "" : "s"}</span>`;
}

async function render(ctx: PageContext): Promise<PageResult> {
  const r = await ctx.api<{ certificates: CertificateInfo[] }>("GET", "/api/certificates");
  if (!r.ok) return html`<${ErrorBox} reply=${r} />`;
  const certs = [...r.body.certificates].sort((a, b) =>
    (a.daysLeft ?? -Infinity) - (b.daysLeft ?? -Infinity) || a.id.localeCompare(b.id)
  );
  return html`
    <div class="panel">
      <p class="muted">The certificates of <code>state.tls.certs</code>, soonest to expire first.
        A bind serves a certificate when its <code>tls.certs</code> lists the certificate's id.</p>
      <${Table} caption="Certificates" id="certificates" rows=${certs}
        empty="No certificates in the state yet." columns=${[
          {
            label: "Certificate",
            cell: (c: CertificateInfo) =>
              html`<strong>${c.id}</strong>${
                c.name !== c.id ? html`<br /><span class="muted">files: ${c.name}</span>` : null
              }`,
          },
          {
            label: "Provider",
            cell: (c: CertificateInfo) => `${c.providerKind} (${c.providerId})`,
          },
          { label: "Domains", cell: (c: CertificateInfo) => c.domains.join(", ") },
          { label: "Issuer", cell: (c: CertificateInfo) => c.issuer ?? "" },
          {
            label: "Expires (UTC)",
            cell: (c: CertificateInfo) => c.notAfter?.slice(0, 16).replace("T", " ") ?? "",
          },
          { label: "Days left", cell: daysLeft },
          {
            label: "Status",
            cell: (c: CertificateInfo) =>
              html`<span class=${STATUS_CLASS[c.status]}>${c.status}</span>${
                c.error ? html`<div class="error">${c.error}</div>` : null
              }`,
          },
          { label: "Last issuance", cell: lastRun },
          {
            label: "Served by",
            cell: (c: CertificateInfo) =>
              c.usedBy.length
                ? c.usedBy.map((b, i) => html`${i ? ", " : ""}<code>${b}</code>`)
                : html`<span class="muted">no bind</span>`,
          },
        ]} />
    </div>
  `;
}

/** The certificates page. */
export function tlsPages(): PageDefinition[] {
  return [{
    path: "/certificates",
    title: "Certificates",
    role: "viewer",
    nav: { group: "Security", order: 30 },
    render,
    action,
    actionRole: "operator",
  }];
}
