/**
 * The HTTP channel types: `webhook` (the notice as JSON, optionally signed
 * with HMAC-SHA256 over the exact body), `slack` and `discord` (their
 * incoming-webhook payloads) and `ntfy` (its JSON publish format, level as
 * priority).
 *
 * @module
 */
import { createHmac } from "node:crypto";
import { headline, type Notice, plainText } from "./notice.ts";
import { type Delivered, post } from "./http_post.ts";
import type { DiscordConfig, NtfyConfig, SlackConfig, WebhookConfig } from "./schema.ts";
import type { z } from "zod";

/** The JSON body a `webhook` channel posts: the notice, plus who sent it. */
export function webhookBody(n: Notice): string {
  return JSON.stringify({ source: "patchpanel", ...n });
}

/** `sha256=<hex>` of HMAC-SHA256(secret, body): what the signature header carries. */
export function signature(secret: string, body: string): string {
  return "sha256=" + createHmac("sha256", secret).update(body, "utf8").digest("hex");
}

/** Sends a notice to a `webhook` channel. */
export function sendWebhook(
  c: z.output<typeof WebhookConfig>,
  n: Notice,
  signal?: AbortSignal,
): Promise<Delivered> {
  const body = webhookBody(n);
  const headers: Record<string, string> = {};
  for (const h of c.headers) headers[h.name] = h.value;
  headers["content-type"] = "application/json";
  if (c.secret) headers[c.signatureHeader] = signature(c.secret, body);
  return post(c.url, body, headers, c.timeoutMs, signal);
}

/** The Slack incoming-webhook payload: mrkdwn text. */
export function slackBody(n: Notice): string {
  return JSON.stringify({ text: plainText(n) });
}

/** Sends a notice to a `slack` channel. */
export function sendSlack(
  c: z.output<typeof SlackConfig>,
  n: Notice,
  signal?: AbortSignal,
): Promise<Delivered> {
  const headers = { "content-type": "application/json" };
  return post(c.webhookUrl, slackBody(n), headers, c.timeoutMs, signal);
}

/** Discord refuses a message over 2000 characters. */
const DISCORD_MAX = 2000;

/** The Discord webhook payload. */
export function discordBody(n: Notice, username: string): string {
  const text = plainText(n);
  const content = text.length > DISCORD_MAX ? text.slice(0, DISCORD_MAX - 1) + "…" : text;
  return JSON.stringify({ username, content });
}

/** Sends a notice to a `discord` channel. */
export function sendDiscord(
  c: z.output<typeof DiscordConfig>,
  n: Notice,
  signal?: AbortSignal,
): Promise<Delivered> {
  const headers = { "content-type": "application/json" };
  return post(c.webhookUrl, discordBody(n, c.username), headers, c.timeoutMs, signal);
}

/** ntfy priorities: 5 urgent for errors, 4 high for warnings, 3 default otherwise. */
export const NTFY_PRIORITY = { info: 3, success: 3, warning: 4, error: 5 } as const;

const NTFY_TAGS = {
  info: "information_source",
  success: "white_check_mark",
  warning: "warning",
  error: "rotating_light",
} as const;

/** Splits a topic URL into the server's publish URL and the topic. */
export function ntfyTarget(topicUrl: string): { url: string; topic: string } {
  const u = new URL(topicUrl);
  const parts = u.pathname.replace(/\/+$/, "").split("/");
  const topic = decodeURIComponent(parts.pop() ?? "");
  u.pathname = parts.join("/") || "/";
  u.search = "";
  return { url: u.toString(), topic };
}

/** The ntfy JSON publish body (`POST` to the server's root with the topic inside). */
export function ntfyBody(n: Notice, topic: string): string {
  return JSON.stringify({
    topic,
    title: headline(n),
    message: `${n.message}${n.entity ? `\nwhere: ${n.entity}` : ""}\nwhen: ${n.at}`,
    priority: NTFY_PRIORITY[n.level],
    tags: [NTFY_TAGS[n.level]],
    ...(/^https?:/.test(n.link) ? { click: n.link } : {}),
  });
}

/** Sends a notice to an `ntfy` channel. */
export function sendNtfy(
  c: z.output<typeof NtfyConfig>,
  n: Notice,
  signal?: AbortSignal,
): Promise<Delivered> {
  const target = ntfyTarget(c.url);
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (c.token) headers.authorization = `Bearer ${c.token}`;
  return post(target.url, ntfyBody(n, target.topic), headers, c.timeoutMs, signal);
}
