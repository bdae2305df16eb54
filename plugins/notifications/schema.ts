/**
 * `state.notifications`: the channels alerts go to. Each channel's `config`
 * is validated by its type's own schema (a discriminated union on `type`),
 * so a 422 names the field at fault, e.g. `notifications.channels.2.config.url`.
 *
 * Channels are admin-only: a webhook URL makes the daemon send requests to
 * an address of the writer's choosing (server-side request forgery against
 * loopback and the private network), and an SMTP host is the same. Secret
 * fields are listed in {@link NOTIFICATION_SECRETS} and redacted by the core.
 *
 * @module
 */
import { z } from "zod";
import type { FieldRole } from "../../core/plugin.ts";
import type { RefIssue, State } from "../../core/state/schema.ts";

/** Alert levels, least urgent first; `minLevel` keeps this one and those after it. */
export const LEVELS = ["info", "success", "warning", "error"] as const;

/** An alert level. */
export const Level = z.enum(LEVELS);

/** An alert level. */
export type Level = z.output<typeof Level>;

/** How urgent a level is, for `minLevel`. */
export function levelRank(level: Level): number {
  return LEVELS.indexOf(level);
}

const HttpUrl = z.string().max(2048).refine((v) => {
  try {
    const u = new URL(v);
    return (u.protocol === "http:" || u.protocol === "https:") && u.hostname !== "";
  } catch {
    return false;
  }
}, "must be an absolute http:// or https:// URL");

const Timeout = z.number().int().min(100).max(60_000).default(10_000)
  .describe("ms before a receiver that has not answered counts as failed");

/** Printable, no line breaks: a value that ends up in a header or an SMTP command. */
const Line = z.string().max(1024).regex(/^[^\r\n\0]*$/, "must be one line");

const HeaderName = z.string().min(1).max(100).regex(
  /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/,
  "must be an HTTP header name",
);

const Email = z.string().max(320).regex(/^[^\s@<>,;]+@[^\s@<>,;]+$/, "must be an email address");

/** `webhook`: a JSON POST, optionally signed. */
export const WebhookConfig = z.object({
  url: HttpUrl,
  secret: z.string().max(512).default("")
    .describe("HMAC-SHA256 key; when set, the signature header carries sha256=<hex> of the body"),
  signatureHeader: HeaderName.default("X-Patchpanel-Signature"),
  headers: z.array(z.object({ name: HeaderName, value: Line }).strict()).max(20).default([])
    .refine(
      (hs) => new Set(hs.map((h) => h.name.toLowerCase())).size === hs.length,
      "header names must be unique",
    ),
  timeoutMs: Timeout,
}).strict();

/** `slack`: an incoming-webhook URL (the URL is the credential, so it is a secret). */
export const SlackConfig = z.object({
  webhookUrl: HttpUrl,
  timeoutMs: Timeout,
}).strict();

/** `discord`: a channel webhook URL (a credential too). */
export const DiscordConfig = z.object({
  webhookUrl: HttpUrl,
  username: z.string().min(1).max(80).default("patchpanel"),
  timeoutMs: Timeout,
}).strict();

/** `ntfy`: a topic URL (`https://ntfy.example/alerts`), an optional access token. */
export const NtfyConfig = z.object({
  url: HttpUrl.refine((v) => new URL(v).pathname.replace(/\/+$/, "").length > 1, {
    message: "must name a topic: https://host/<topic>",
  }),
  token: Line.default(""),
  timeoutMs: Timeout,
}).strict();

/** `email`: SMTP with STARTTLS (or implicit TLS) and optional auth. */
export const EmailConfig = z.object({
  host: z.string().min(1).max(253).regex(/^[A-Za-z0-9.:_-]+$/, "must be a host name or address"),
  port: z.number().int().min(1).max(65535).default(587),
  security: z.enum(["starttls", "tls"]).default("starttls")
    .describe("starttls: plain connect, STARTTLS required; tls: TLS from the first byte (465)"),
  username: Line.default(""),
  password: Line.default(""),
  from: Email,
  to: z.array(Email).min(1).max(50),
  caPem: z.string().max(65_536).default("")
    .describe("extra CA certificate(s) to trust for the SMTP server, PEM"),
  timeoutMs: Timeout,
}).strict();

/** Each type's config schema. */
export const CONFIG_SCHEMAS = {
  webhook: WebhookConfig,
  slack: SlackConfig,
  discord: DiscordConfig,
  ntfy: NtfyConfig,
  email: EmailConfig,
} as const;

/** A channel type's name. */
export type ChannelTypeName = keyof typeof CONFIG_SCHEMAS;

/** An event name (`server:down`) or a category (`server`). */
const EventFilter = z.string().regex(
  /^[a-z][a-z0-9-]*(:[a-z][a-z0-9-]*)?$/,
  "must be an event or category",
);

function channelOf<T extends ChannelTypeName>(type: T) {
  return z.object({
    id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, "must be a channel id"),
    label: z.string().max(200).default(""),
    type: z.literal(type),
    enabled: z.boolean().default(true),
    events: z.array(EventFilter).max(100).default([])
      .describe("event names or categories; empty: all"),
    minLevel: Level.default("info"),
    config: CONFIG_SCHEMAS[type],
  }).strict();
}

/** One channel. */
export const Channel = z.discriminatedUnion("type", [
  channelOf("webhook"),
  channelOf("slack"),
  channelOf("discord"),
  channelOf("ntfy"),
  channelOf("email"),
]);

/** One channel, parsed. */
export type Channel = z.output<typeof Channel>;

/** `state.notifications`. */
export const NotificationsState = z.object({
  channels: z.array(Channel).max(100).default([]),
}).strict();

/** `state.notifications`, parsed. */
export type NotificationsState = z.output<typeof NotificationsState>;

/** The default: no channels. */
export const NOTIFICATIONS_DEFAULT: NotificationsState = { channels: [] };

declare module "../../core/state/schema.ts" {
  interface PluginState {
    notifications: NotificationsState;
  }
}

/**
 * Who may change `state.notifications`: admins only. A channel makes the
 * daemon connect to an address of the writer's choosing and send it event
 * details, so it is as sensitive as a log target.
 */
export const NOTIFICATION_FIELD_ROLES: FieldRole[] = [{ path: "notifications", role: "admin" }];

/** The secret fields, redacted in every answer (core/state/redact.ts). */
export const NOTIFICATION_SECRETS: string[] = [
  "notifications.channels.*.config.secret",
  "notifications.channels.*.config.token",
  "notifications.channels.*.config.password",
  "notifications.channels.*.config.webhookUrl",
  "notifications.channels.*.config.headers.*.value",
];

/** Channel ids are unique: routes and the outbox address channels by id. */
export function checkNotifications(state: State): RefIssue[] {
  const seen = new Set<string>();
  const issues: RefIssue[] = [];
  (state.notifications?.channels ?? []).forEach((c, i) => {
    if (seen.has(c.id)) {
      issues.push({
        path: ["notifications", "channels", i, "id"],
        message: `channel id '${c.id}' is used twice`,
      });
    }
    seen.add(c.id);
  });
  return issues;
}
