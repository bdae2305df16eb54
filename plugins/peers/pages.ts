/**
 * The peers plugin's console page (`/peers`): the configured peers with
 * their pinned certificate, last contact, drift and a sync-now button;
 * adding a peer with the token it minted; and pairing (mint an inbound
 * token for the other node to paste, list, disable and delete them).
 * Every form works without JavaScript and is one REST call the page makes
 * with the caller's own credentials. A minted token is shown once, on the
 * page that answers the form, never in a redirect or a flash cookie.
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
  type VNode,
} from "../../mod_ui.ts";
import type { PeerView } from "./peers_store.ts";
import type { DriftLine } from "./sync.ts";
import type { InboundToken } from "./inbound.ts";

const HERE = "/peers";

function when(ts: string | null): string {
  return ts ? ts.slice(0, 19).replace("T", " ") : "never";
}

function DriftCell(props: { line: DriftLine | undefined }): VNode {
  const l = props.line;
  if (!l) return html`<span class="muted">unknown</span>`;
  const skew = l.skewMs === null ? "" : ` (clock skew ${l.skewMs} ms)`;
  if (l.status === "in-sync") return html`<span class="badge ok">in sync</span>${skew}`;
  if (l.status === "drifted") {
    const files = l.filesDiffer.length
      ? html`<div class="hint">files that differ: ${l.filesDiffer.join(", ")}</div>`
      : "";
    return html`
      <span class="badge warn">drifted</span>${skew}
            <div
        class="hint">ours <code>${l.localChecksum.slice(
          0,
          12,
        )}</code>, theirs <code>${(l.remoteChecksum ?? "").slice(0, 12)}</code></div>${files}
    `;
  }
  return html`
    <span class="badge bad">unreachable</span>
    <div class="hint">${l.error ?? ""}</div>
  `;
}

function PeerActions(props: { p: PeerView }): VNode {
  const { p } = props;
  return html`
    <${Form} class="inline" label=${`Sync ${p.name} now`}>
      <input type="hidden" name="_step" value="sync" />
      <input type="hidden" name="id" value=${p.id} />
      <button type="submit" class="small">Sync now</button>
      <//>
      <${ConfirmForm} small=${true} danger=${true} label="Delete"
        question=${`Remove the peer ${p.name}? This node stops pushing to it.`}
        fields=${{ _step: "delete-peer", id: p.id, name: p.name }} />
  `;
}

function AddPeerForm(props: { form: URLSearchParams | null; errors: FieldErrors }): VNode {
  const mine = props.form?.get("_step") === "add-peer";
  const value = (k: string) => mine ? props.form?.get(k) ?? "" : "";
  return html`
    <${Form} label="Add a peer" id="add-peer">
      <input type="hidden" name="_step" value="add-peer" />
      <${Field} name="name" label="Name" required=${true} errors=${props.errors}
        value=${value("name")} hint="e.g. node-b" />
      <${Field} name="url" label="URL" required=${true} errors=${props.errors}
        value=${value("url")} hint="the other node's API, e.g. https://node-b:8099" />
      <${Field} name="token" label="Inbound token" type="password" required=${true}
        autocomplete="off" errors=${props.errors}
        hint="the ppeer_… token minted on the other node (its Peers page)" />
      <div class="actions"><button type="submit" class="primary">Add peer</button></div>
      <//>
  `;
}

function TokenActions(props: { t: InboundToken }): VNode {
  const { t } = props;
  return html`
    <${Form} class="inline" label=${`${t.disabled ? "Enable" : "Disable"} ${t.label}`}>
      <input type="hidden" name="_step" value="toggle-token" />
      <input type="hidden" name="id" value=${t.id} />
      <input type="hidden" name="disabled" value=${t.disabled ? "false" : "true"} />
      <button type="submit" class="small">${t.disabled ? "Enable" : "Disable"}</button>
      <//>
      <${ConfirmForm} small=${true} danger=${true} label="Delete"
        question=${`Delete the inbound token ${t.label}? The node using it is refused at once.`}
        fields=${{ _step: "delete-token", id: t.id, label: t.label }} />
  `;
}

async function view(
  ctx: PageContext,
  errors: FieldErrors = {},
  minted: (InboundToken & { token: string }) | null = null,
): Promise<VNode> {
  const [list, drift, tokens] = await Promise.all([
    ctx.api<{ peers: PeerView[] }>("GET", "/api/peers"),
    ctx.api<{ peers: DriftLine[] }>("GET", "/api/peers/drift"),
    ctx.api<{ tokens: InboundToken[] }>("GET", "/api/peers/inbound-tokens"),
  ]);
  const lines = new Map((drift.ok ? drift.body.peers : []).map((l) => [l.id, l]));
  const admin = ctx.principal?.role === "admin";
  return html`
    <section class="panel" aria-labelledby="peers-h">
      <h2 id="peers-h">Peers</h2>
      <p class="muted">The nodes this one pushes its state to after every apply. A peer's TLS
        certificate is pinned on first contact; another certificate later is refused.</p>
      ${list.ok
        ? html`
          <${Table} caption="Configured peers" id="peers" rows=${list.body.peers}
            empty="No peers yet." columns=${[
              {
                label: "Name",
                cell: (p: PeerView) => html`<strong>${p.name}</strong>`,
              },
              {
                label: "URL",
                cell: (p: PeerView) =>
                  html`<code>${p.url}</code>${
                    p.warning ? html`<div class="warning" role="note">${p.warning}</div>` : null
                  }`,
              },
              {
                label: "Pinned certificate",
                cell: (p: PeerView) =>
                  p.fingerprint
                    ? html`<code class="fingerprint">${p.fingerprint}</code>`
                    : html`<span class="muted">${
                      p.url.startsWith("https:") ? "not yet contacted" : "none (plain http)"
                    }</span>`,
              },
              {
                label: "Last contact (UTC)",
                cell: (p: PeerView) =>
                  html`${when(p.lastContactAt)}${
                    p.lastError ? html`<div class="error">${p.lastError}</div>` : null
                  }`,
              },
              {
                label: "Drift",
                cell: (p: PeerView) => html`<${DriftCell} line=${lines.get(p.id)} />`,
              },
              { label: "", cell: (p: PeerView) => admin ? html`<${PeerActions} p=${p} />` : null },
            ]} />
        `
        : html`<${ErrorBox} reply=${list} />`}
      ${admin
        ? html`
          <h3>Add a peer</h3>
          <${AddPeerForm} form=${ctx.form} errors=${errors} />
        `
        : null}
    </section>
    ${tokens.ok
      ? html`
        <section class="panel" aria-labelledby="pairing-h">
          <h2 id="pairing-h">Pairing: inbound tokens</h2>
          <p class="muted">Mint a token here and paste it into the other node's "Add a peer"
            form; that node then pushes to this one. Run it on both nodes for two-way sync.</p>
          ${minted
            ? html`
              <div class="alert ok" role="status" id="minted">
                <p>Inbound token <strong>${minted.label}</strong> minted. Copy it now: it is shown
                              this once and stored only as a hash.</p>
                <p><code class="secret">${minted.token}</code></p>
              </div>
            `
            : null}
          <${Table} caption="Inbound tokens" id="inbound-tokens" rows=${tokens.body.tokens}
            empty="No inbound tokens." columns=${[
              { label: "Label", cell: (t: InboundToken) => html`<strong>${t.label}</strong>` },
              {
                label: "State",
                cell: (t: InboundToken) =>
                  t.disabled
                    ? html`<span class="badge bad">disabled</span>`
                    : html`<span class="badge ok">enabled</span>`,
              },
              { label: "Created (UTC)", cell: (t: InboundToken) => when(t.createdAt) },
              { label: "Last used (UTC)", cell: (t: InboundToken) => when(t.lastUsedAt) },
              { label: "", cell: (t: InboundToken) => html`<${TokenActions} t=${t} />` },
            ]} />
          <${Form} label="Mint an inbound token" id="mint-token">
            <input type="hidden" name="_step" value="mint" />
            <${Field} name="label" label="Label" required=${true} errors=${errors}
              value=${ctx.form?.get("_step") === "mint" && !minted ? ctx.form.get("label") : ""}
              hint="who will use it, e.g. node-a" />
            <div class="actions"><button type="submit" class="primary">Mint token</button></div>
          <//>
        </section>
      `
      : null}
  `;
}

async function addPeer(ctx: PageContext): Promise<PageResult> {
  const f = ctx.form!;
  const body = {
    name: (f.get("name") ?? "").trim(),
    url: (f.get("url") ?? "").trim(),
    token: (f.get("token") ?? "").trim(),
  };
  const r = await ctx.api<PeerView & { contactError: string | null }>("POST", "/api/peers", body);
  if (!r.ok) {
    const message = describeError(r);
    const field = /token/i.test(message) ? "token" : /url/i.test(message) ? "url" : "name";
    return pageWithStatus(r.status, await view(ctx, { [field]: [message] }));
  }
  const notes = [
    r.body.fingerprint ? `pinned certificate ${r.body.fingerprint}` : null,
    r.body.contactError ? `first contact failed: ${r.body.contactError}` : null,
    r.body.warning,
  ].filter(Boolean).join("; ");
  return redirect(HERE, {
    kind: r.body.contactError ? "bad" : "ok",
    message: `Added the peer ${r.body.name}${notes ? ` (${notes})` : ""}.`,
  });
}

async function syncNow(ctx: PageContext): Promise<PageResult> {
  const id = ctx.form!.get("id") ?? "";
  const r = await ctx.api<{ ok: boolean; status: number | null; error: string | null }>(
    "POST",
    `/api/peers/${encodeURIComponent(id)}/sync-now`,
  );
  if (!r.ok) return redirect(HERE, { kind: "bad", message: `Sync failed. ${describeError(r)}` });
  return redirect(
    HERE,
    r.body.ok
      ? { kind: "ok", message: `Pushed the current state (the peer answered ${r.body.status}).` }
      : { kind: "bad", message: `The push failed: ${r.body.error}` },
  );
}

async function removePeer(ctx: PageContext): Promise<PageResult> {
  const f = ctx.form!;
  const id = f.get("id") ?? "";
  const name = f.get("name") ?? id;
  if (!isConfirmed(f)) {
    return html`
      <${ConfirmPage} question=${`Remove the peer ${name}?`} danger=${true}
        cancel=${HERE} fields=${{ _step: "delete-peer", id, name }}
        detail=${html`<p>This node stops pushing to it; its token is forgotten.</p>`} />
    `;
  }
  const r = await ctx.api("DELETE", `/api/peers/${encodeURIComponent(id)}`);
  return redirect(
    HERE,
    r.ok
      ? { kind: "ok", message: `Removed the peer ${name}.` }
      : { kind: "bad", message: `Removing ${name} failed. ${describeError(r)}` },
  );
}

async function mint(ctx: PageContext): Promise<PageResult> {
  const label = (ctx.form!.get("label") ?? "").trim();
  const r = await ctx.api<InboundToken & { token: string }>(
    "POST",
    "/api/peers/inbound-tokens",
    { label },
  );
  if (!r.ok) return pageWithStatus(r.status, await view(ctx, { label: [describeError(r)] }));
  return await view(ctx, {}, r.body);
}

async function toggleToken(ctx: PageContext): Promise<PageResult> {
  const f = ctx.form!;
  const id = f.get("id") ?? "";
  const disabled = f.get("disabled") === "true";
  const r = await ctx.api("PATCH", `/api/peers/inbound-tokens/${encodeURIComponent(id)}`, {
    disabled,
  });
  return redirect(
    HERE,
    r.ok
      ? { kind: "ok", message: `Inbound token ${disabled ? "disabled" : "enabled"}.` }
      : { kind: "bad", message: describeError(r) },
  );
}

async function deleteToken(ctx: PageContext): Promise<PageResult> {
  const f = ctx.form!;
  const id = f.get("id") ?? "";
  const label = f.get("label") ?? id;
  if (!isConfirmed(f)) {
    return html`
      <${ConfirmPage} question=${`Delete the inbound token ${label}?`} danger=${true}
        cancel=${HERE} fields=${{ _step: "delete-token", id, label }}
        detail=${html`<p>The node that pushes with it is refused from now on.</p>`} />
    `;
  }
  const r = await ctx.api("DELETE", `/api/peers/inbound-tokens/${encodeURIComponent(id)}`);
  return redirect(
    HERE,
    r.ok
      ? { kind: "ok", message: `Deleted the inbound token ${label}.` }
      : { kind: "bad", message: describeError(r) },
  );
}

const ACTIONS: Record<string, (ctx: PageContext) => Promise<PageResult>> = {
  "add-peer": addPeer,
  sync: syncNow,
  "delete-peer": removePeer,
  mint,
  "toggle-token": toggleToken,
  "delete-token": deleteToken,
};

/** The peers page: viewers see peers and drift; admins add, sync, delete and pair. */
export function peersPages(): PageDefinition[] {
  return [{
    path: HERE,
    title: "Peers",
    role: "viewer",
    actionRole: "admin",
    nav: { group: "System", order: 60, label: "Peers" },
    render: (ctx) => view(ctx),
    action: async (ctx) => {
      const step = ACTIONS[ctx.form?.get("_step") ?? ""];
      if (!step) return pageWithStatus(400, await view(ctx, {}));
      return await step(ctx);
    },
  }];
}
