/**
 * The notifications plugin: `state.notifications.channels[]` (webhook,
 * slack, discord, ntfy, email), fed only by typed server-side events
 * (events.ts) through flood control (coalesce.ts) into a persistent SQLite
 * outbox (outbox.ts) that a background loop delivers with timeouts and
 * retries (dispatcher.ts). Secrets in a channel's config are redacted by the
 * core (`secrets`, core/state/redact.ts). Routes under
 * `/api/notifications`, and the console's notifications page.
 *
 * @example
 * ```ts
 * import { notifications } from "./plugins/notifications/mod.ts";
 * startDaemon({ plugins: [notifications()], config: { notifications: { coalesceMs: 60_000 } } });
 * ```
 *
 * @module
 */
import { z } from "zod";
import { definePlugin, type Plugin } from "../../core/plugin.ts";
import type { Events } from "../../core/events.ts";
import { Dispatcher } from "./dispatcher.ts";
import { EVENT_NOTICES } from "./events.ts";
import { Outbox, OUTBOX_MIGRATIONS } from "./outbox.ts";
import { currentChannels, registerRoutes } from "./routes.ts";
import { notificationsPage } from "./pages.ts";
import {
  checkNotifications,
  NOTIFICATION_FIELD_ROLES,
  NOTIFICATION_SECRETS,
  NOTIFICATIONS_DEFAULT,
  NotificationsState,
} from "./schema.ts";

/** The `notifications` section of config.yaml. */
export const NotificationsConfig = z.object({
  /** Flood-control window: the same event for the same entity inside it is counted, ms. */
  coalesceMs: z.number().int().min(0).max(86_400_000).default(60_000),
  /** Delay before a failed delivery's second attempt, ms (the third waits 4× as long). */
  retryBaseMs: z.number().int().min(10).max(3_600_000).default(5_000),
  /** The console's public URL (`https://lb.example.com:8099`), for absolute links in messages. */
  consoleUrl: z.string().url().nullable().default(null),
}).strict();

/** The parsed `notifications` config section. */
export type NotificationsConfig = z.output<typeof NotificationsConfig>;

/** Builds the notifications plugin. */
export function notifications(): Plugin {
  return definePlugin({
    name: "notifications",
    schema: { notifications: NotificationsState.default(NOTIFICATIONS_DEFAULT) },
    fieldRoles: NOTIFICATION_FIELD_ROLES,
    secrets: NOTIFICATION_SECRETS,
    checks: [checkNotifications],
    config: {
      notifications: NotificationsConfig.default({
        coalesceMs: 60_000,
        retryBaseMs: 5_000,
        consoleUrl: null,
      }),
    },
    setup(host) {
      const config = NotificationsConfig.parse(host.config.notifications ?? {});
      host.migrate(OUTBOX_MIGRATIONS);
      const dispatcher = new Dispatcher({
        outbox: new Outbox(host.db),
        audit: host.audit,
        log: host.log,
        channels: () => currentChannels(host),
        config,
      });
      for (const name of Object.keys(EVENT_NOTICES) as (keyof Events)[]) {
        const draft = EVENT_NOTICES[name] as (p: Events[typeof name]) => ReturnType<
          NonNullable<(typeof EVENT_NOTICES)["server:down"]>
        >;
        // Enqueueing is a few SQLite writes: the emitter (an apply) never waits on a receiver.
        // Optional: events of plugins that are not loaded (certbot, stats) are simply not heard.
        host.on(name, (payload) => dispatcher.notify(draft(payload)), { optional: true });
      }
      registerRoutes(host, dispatcher);
      host.page(notificationsPage());
      host.service({
        name: "outbox",
        start: () => dispatcher.start(),
        stop: () => dispatcher.stop(),
      });
    },
  });
}

export default notifications;
