/**
 * A notice: one alert as every channel type renders it. It says what
 * happened (`title`, `message`), where (`entity`), when (`at`), how often
 * within the flood-control window (`count`), and links to the console page
 * that shows it (`link`).
 *
 * @module
 */
import type { Level } from "./schema.ts";

/** One alert, channel-independent; stored as JSON in the outbox. */
export interface Notice {
  /** The event name, e.g. `server:down`; `manual` for a dispatch, `test` for a test. */
  event: string;
  /** The event's category, e.g. `server`; what channel filters match besides the name. */
  category: string;
  level: Level;
  /** One line: "web-pool/web-1 down" (with " ×12" once coalesced). */
  title: string;
  /** What happened, in a sentence or two. */
  message: string;
  /** What it happened to (`web-pool/web-1`, a certificate id, a username), or null. */
  entity: string | null;
  /** When it happened (the last occurrence, once coalesced), ISO 8601. */
  at: string;
  /** How many occurrences this notice stands for. */
  count: number;
  /**
   * The console page that shows it: absolute with config
   * `notifications.consoleUrl`, else the page's path (`/backends/web-pool`).
   */
  link: string;
}

/** What a notice needs before flood control and links are applied. */
export type NoticeDraft = Omit<Notice, "count" | "link" | "at"> & {
  at?: string;
  /** The console path (`/backends/web-pool`), made absolute with the configured console URL. */
  page: string;
};

/** The notice's one-line headline, with its count when it stands for more than one. */
export function headline(n: Notice): string {
  return n.count > 1 ? `${n.title} ×${n.count}` : n.title;
}

/** Plain text for chat and mail bodies: headline, message, where, when, link. */
export function plainText(n: Notice): string {
  const lines = [`[${n.level.toUpperCase()}] ${headline(n)}`, n.message];
  if (n.entity) lines.push(`where: ${n.entity}`);
  lines.push(`when: ${n.at}${n.count > 1 ? " (last of " + n.count + ")" : ""}`);
  lines.push(n.link);
  return lines.join("\n");
}

/** Whether a channel's filters let a notice through. */
export function matches(
  channel: { events: string[]; minLevel: Level },
  n: Pick<Notice, "event" | "category" | "level">,
  rank: (l: Level) => number,
): boolean {
  if (rank(n.level) < rank(channel.minLevel)) return false;
  if (channel.events.length === 0) return true;
  return channel.events.includes(n.event) || channel.events.includes(n.category);
}

/** A console link: `base` (config `notifications.consoleUrl`) joined with `page`. */
export function linkTo(base: string | null, page: string): string {
  return base ? base.replace(/\/+$/, "") + page : page;
}
