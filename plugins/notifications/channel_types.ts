/**
 * The channel types: each one's label, config schema (what validates
 * `config` and what `GET /api/notifications/channel-types` exports as JSON
 * Schema for a form) and sender.
 *
 * @module
 */
import { z } from "zod";
import type { Notice } from "./notice.ts";
import type { Delivered } from "./http_post.ts";
import {
  type Channel,
  type ChannelTypeName,
  CONFIG_SCHEMAS,
  NOTIFICATION_SECRETS,
} from "./schema.ts";
import { sendDiscord, sendNtfy, sendSlack, sendWebhook } from "./web_types.ts";
import { sendEmail } from "./email.ts";

/** One channel type. */
export interface ChannelType {
  type: ChannelTypeName;
  label: string;
  /** What the type posts, in a sentence. */
  description: string;
}

/** The types, in the order a form offers them. */
export const CHANNEL_TYPES: ChannelType[] = [
  { type: "webhook", label: "Webhook", description: "JSON POST, optionally signed (HMAC-SHA256)" },
  { type: "slack", label: "Slack", description: "Slack incoming webhook" },
  { type: "discord", label: "Discord", description: "Discord channel webhook" },
  { type: "ntfy", label: "ntfy", description: "ntfy topic; level sets the priority" },
  { type: "email", label: "Email (SMTP)", description: "SMTP with STARTTLS or TLS, and auth" },
];

/** The config fields of a type that are secrets (shown redacted, kept when sent back redacted). */
export function secretFields(type: ChannelTypeName): string[] {
  const shape = CONFIG_SCHEMAS[type].shape as Record<string, unknown>;
  return NOTIFICATION_SECRETS
    .map((p) => p.replace("notifications.channels.*.config.", ""))
    .filter((f) => f.split(".")[0] in shape);
}

/** What `GET /api/notifications/channel-types` answers. */
export function channelTypesListing(): unknown[] {
  return CHANNEL_TYPES.map((t) => ({
    ...t,
    secrets: secretFields(t.type),
    schema: z.toJSONSchema(CONFIG_SCHEMAS[t.type], { io: "input", unrepresentable: "any" }),
  }));
}

/** Sends one notice to one channel with that channel's type. */
export function sendTo(channel: Channel, n: Notice, signal?: AbortSignal): Promise<Delivered> {
  switch (channel.type) {
    case "webhook":
      return sendWebhook(channel.config, n, signal);
    case "slack":
      return sendSlack(channel.config, n, signal);
    case "discord":
      return sendDiscord(channel.config, n, signal);
    case "ntfy":
      return sendNtfy(channel.config, n, signal);
    case "email":
      return sendEmail(channel.config, n, signal);
  }
}

/** The string values in a channel's config that are secrets, for scrubbing error texts. */
export function secretValues(channel: Channel): string[] {
  const c = channel.config as Record<string, unknown>;
  const out: string[] = [];
  for (const f of secretFields(channel.type)) {
    const [head] = f.split(".");
    const v = c[head];
    if (typeof v === "string" && v) out.push(v);
    if (Array.isArray(v)) {
      for (const item of v) {
        const value = (item as { value?: unknown }).value;
        if (typeof value === "string" && value) out.push(value);
      }
    }
  }
  return out;
}

/**
 * `text` with every secret value of the channel replaced by `[redacted]`; a
 * secret URL also in the normalized and percent-decoded forms an error
 * message may quote it in.
 */
export function scrub(text: string, channel: Channel): string {
  const forms = new Set<string>();
  for (const s of secretValues(channel)) {
    forms.add(s);
    try {
      const href = new URL(s).href;
      forms.add(href);
      forms.add(decodeURI(href));
    } catch { /* not a URL */ }
  }
  let out = text;
  // Longest first, so a URL is replaced whole rather than around a shorter secret inside it.
  for (const s of [...forms].sort((a, b) => b.length - a.length)) {
    out = out.split(s).join("[redacted]");
  }
  return out;
}
