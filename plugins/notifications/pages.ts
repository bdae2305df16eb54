/**
 * The console's notifications page: the channels with their last delivery
 * result and a send-test button, and an "add a channel" form generated from
 * the chosen type's schema. Adding goes through `PUT /api/state` with
 * `If-Match` (admins only, as the field roles say); a 422 shows each issue
 * next to its field.
 *
 * @module
 */
import {
  describeError,
  ErrorBox,
  ErrorSummary,
  Field,
  type FieldErrors,
  Form,
  html,
  type Issue,
  issuesByField,
  type PageContext,
  type PageDefinition,
  type PageResult,
  pageWithStatus,
  redirect,
  Select,
  Table,
  type VNode,
} from "../../mod_ui.ts";
import { ConfigFields, configFrom, type TypeListing } from "./page_form.ts";
import type { LastDelivery } from "./outbox.ts";
import { LEVELS } from "./schema.ts";

const HERE = "/notifications";

/** A channel as `GET /api/notifications/channels` lists it. */
interface Listed {
  id: string;
  label: string;
  type: string;
  enabled: boolean;
  events: string[];
  minLevel: string;
  lastDelivery: LastDelivery | null;
}

function last(c: Listed): VNode {
  const l = c.lastDelivery;
  if (!l) return html`<span class="muted">nothing sent yet</span>`;
  const cls = l.status === "sent" ? "badge ok" : l.status === "failed" ? "badge bad" : "badge";
  return html`
    <span class=${cls}>${l.status}</span> ${l.title} <span
      class="muted">${l.at.slice(0, 19).replace("T", " ")}${l.error ? ` — ${l.error}` : ""}</span>
  `;
}

function testButton(c: Listed): VNode {
  return html`
    <${Form} label=${`Send a test to ${c.id}`}>
      <input type="hidden" name="_step" value="test" />
      <input type="hidden" name="channelId" value=${c.id} />
      <button type="submit" class="small" disabled=${!c.enabled}>Send test</button>
      <//>
  `;
}

async function view(ctx: PageContext, errors: FieldErrors): Promise<VNode> {
  const [channels, types] = await Promise.all([
    ctx.api<{ channels: Listed[] }>("GET", "/api/notifications/channels"),
    ctx.api<{ types: TypeListing[] }>("GET", "/api/notifications/channel-types"),
  ]);
  const typeName = ctx.form?.get("type") ?? ctx.url.searchParams.get("type") ?? "webhook";
  const t = types.ok ? types.body.types.find((x) => x.type === typeName) : undefined;
  return html`
    <section class="panel" aria-labelledby="nc-h">
      <h2 id="nc-h">Channels</h2>
      <p class="muted">Where alerts go: apply failures, HAProxy restarts, servers and backends
        down, certificates, login lockouts. Repeats of one event within a minute are counted
        into one message.</p>
      ${channels.ok
        ? html`
          <${Table} caption="Notification channels" id="notification-channels"
            rows=${channels.body.channels} empty="No channels yet." columns=${[
              { label: "Id", cell: (c: Listed) => html`<strong>${c.id}</strong> ${c.label}` },
              { label: "Type", cell: (c: Listed) => c.type },
              {
                label: "Filters",
                cell: (c: Listed) =>
                  `${c.events.length ? c.events.join(", ") : "all events"}; ${c.minLevel} and up${
                    c.enabled ? "" : " (disabled)"
                  }`,
              },
              { label: "Last delivery", cell: last },
              { label: "", cell: testButton },
            ]} />
        `
        : html`<${ErrorBox} reply=${channels} />`}
    </section>
    <section class="panel" aria-labelledby="na-h">
      <h2 id="na-h">Add a channel</h2>
      <p>${types.ok
        ? types.body.types.map((x) =>
          html`<a href=${`${HERE}?type=${x.type}`} aria-current=${
            x.type === typeName ? "page" : undefined
          }>${x.label}</a>${" "}`
        )
        : null}</p>
      ${t
        ? html`
          <${Form} label=${`Add a ${t.label} channel`} id="add-channel">
            <${ErrorSummary} errors=${errors} />
            <input type="hidden" name="_step" value="add" />
            <input type="hidden" name="type" value=${t.type} />
            <p class="muted">${t.description}</p>
            <${Field} name="id" label="Id" required=${true} errors=${errors}
              value=${ctx.form?.get("id") ?? ""} hint="letters, digits, . _ -" />
            <${Field} name="label" label="Label" errors=${errors} value=${ctx.form?.get("label") ??
              ""} />
            <${Field} name="events" label="Events" errors=${errors}
              value=${ctx.form?.get("events") ?? ""}
              hint="comma-separated event names or categories; empty: all" />
            <${Select} name="minLevel" label="Minimum level" errors=${errors}
              options=${[...LEVELS]} value=${ctx.form?.get("minLevel") ?? "info"} />
            <${ConfigFields} t=${t} form=${ctx.form} errors=${errors} />
            <div class="actions"><button type="submit" class="primary">Add channel</button></div>
            <//>
        `
        : types.ok
        ? html`<p class="error">Unknown channel type ${typeName}.</p>`
        : html`<${ErrorBox} reply=${types} />`}
    </section>
  `;
}

async function sendTest(ctx: PageContext): Promise<PageResult> {
  const channelId = ctx.form?.get("channelId") ?? "";
  const r = await ctx.api<
    { ok: boolean; status: number | null; latencyMs: number; error?: string }
  >(
    "POST",
    "/api/notifications/test",
    { channelId },
  );
  if (!r.ok) return redirect(HERE, { kind: "bad", message: describeError(r) });
  return redirect(HERE, {
    kind: r.body.ok ? "ok" : "bad",
    message: r.body.ok
      ? `Test sent to ${channelId} (${r.body.status}, ${r.body.latencyMs} ms).`
      : `Test to ${channelId} failed: ${r.body.error}`,
  });
}

async function add(ctx: PageContext): Promise<PageResult> {
  const form = ctx.form!;
  const types = await ctx.api<{ types: TypeListing[] }>("GET", "/api/notifications/channel-types");
  const t = types.ok ? types.body.types.find((x) => x.type === form.get("type")) : undefined;
  if (!t) return pageWithStatus(400, await view(ctx, { "": ["Choose a channel type."] }));
  type Doc = { notifications?: { channels?: Record<string, unknown>[] } } & Record<string, unknown>;
  const current = await ctx.api<Doc>("GET", "/api/state");
  if (!current.ok) {
    return pageWithStatus(current.status, await view(ctx, { "": [describeError(current)] }));
  }
  const state = current.body;
  const channels = state.notifications?.channels ?? [];
  const index = channels.length;
  channels.push({
    id: (form.get("id") ?? "").trim(),
    label: (form.get("label") ?? "").trim(),
    type: t.type,
    events: (form.get("events") ?? "").split(",").map((s) => s.trim()).filter(Boolean),
    minLevel: form.get("minLevel") ?? "info",
    config: configFrom(t, form),
  });
  state.notifications = { ...state.notifications, channels };
  const r = await ctx.api("PUT", "/api/state?reason=add%20notification%20channel", state, {
    "if-match": current.headers.get("etag") ?? "",
  });
  if (r.status === 422) {
    const issues = (r.body as { issues?: Issue[] }).issues ?? [];
    return pageWithStatus(
      422,
      await view(ctx, issuesByField(issues, ["notifications", "channels", index])),
    );
  }
  if (!r.ok) return pageWithStatus(r.status, await view(ctx, { "": [describeError(r)] }));
  return redirect(HERE, {
    kind: "ok",
    message: `Added the ${t.label} channel ${channels[index].id}.`,
  });
}

/** The notifications page. */
export function notificationsPage(): PageDefinition {
  return {
    path: HERE,
    title: "Notifications",
    role: "viewer",
    actionRole: "operator",
    nav: { group: "Operations", order: 40, label: "Notifications" },
    render: (ctx) => view(ctx, {}),
    action: (ctx) => ctx.form?.get("_step") === "test" ? sendTest(ctx) : add(ctx),
  };
}
