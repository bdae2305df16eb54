/**
 * The notifications routes: the channel types (with each config's JSON
 * Schema, to draw a form), the channels with their last delivery (no
 * config, so no secret), a test message to one channel, and a manual
 * dispatch fanned out to every matching channel.
 *
 * @module
 */
import { z } from "zod";
import { conflict, notFound } from "../../core/errors.ts";
import type { PluginHost } from "../../core/plugin.ts";
import { channelTypesListing } from "./channel_types.ts";
import type { Dispatcher } from "./dispatcher.ts";
import { NOTICE_EVENTS } from "./events.ts";
import { Level, LEVELS } from "./schema.ts";
import type { Channel } from "./schema.ts";

const TestBody = z.object({ channelId: z.string().min(1).max(64) });

const DispatchBody = z.object({
  category: z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, "must be a category like cert or server"),
  level: Level,
  message: z.string().trim().min(1, "must not be empty").max(2000),
});

/** The channels of the current state (none before the state is initialized). */
export function currentChannels(host: PluginHost): Channel[] {
  try {
    return host.state().notifications?.channels ?? [];
  } catch {
    return [];
  }
}

/** Registers the /api/notifications routes. */
export function registerRoutes(host: PluginHost, dispatcher: Dispatcher): void {
  host.route("GET", "/api/notifications/channel-types", {
    role: "viewer",
    tier: "read",
    summary: "Channel types with their config's JSON Schema, the events and the levels",
  }, () => ({ types: channelTypesListing(), events: NOTICE_EVENTS, levels: LEVELS }));

  host.route("GET", "/api/notifications/channels", {
    role: "viewer",
    tier: "read",
    summary: "Channels (without their config) and each one's last delivery",
  }, () => {
    const last = dispatcher.outbox.lastByChannel();
    return {
      channels: currentChannels(host).map((c) => ({
        id: c.id,
        label: c.label,
        type: c.type,
        enabled: c.enabled,
        events: c.events,
        minLevel: c.minLevel,
        lastDelivery: last.get(c.id) ?? null,
      })),
    };
  });

  host.route("POST", "/api/notifications/test", {
    role: "operator",
    tier: "write",
    summary: "Send a test message to one channel now: {ok, status, latencyMs, error?}",
  }, async (ctx) => {
    const { channelId } = await ctx.body(TestBody);
    const channel = currentChannels(host).find((c) => c.id === channelId);
    if (!channel) throw notFound(`no notification channel '${channelId}'`);
    if (!channel.enabled) throw conflict(`notification channel '${channelId}' is disabled`);
    const notice = dispatcher.notice({
      event: "test",
      category: "test",
      level: "info",
      title: `test message for ${channel.label || channel.id}`,
      message: `A test notification sent by ${ctx.actor} from patchpanel.`,
      entity: channel.id,
      page: "/notifications",
    });
    return await dispatcher.sendNow(ctx.actor, "test", channel, notice);
  });

  host.route("POST", "/api/notifications/dispatch", {
    role: "operator",
    tier: "write",
    summary: "Send a message now to every enabled channel that matches its category and level",
  }, async (ctx) => {
    const body = await ctx.body(DispatchBody);
    const notice = dispatcher.notice({
      event: "manual",
      category: body.category,
      level: body.level,
      title: body.message.split("\n")[0].slice(0, 120),
      message: body.message,
      entity: null,
      page: "/notifications",
    });
    const targets = dispatcher.targets(notice);
    const results = await Promise.all(targets.map(async (c) => ({
      channelId: c.id,
      type: c.type,
      ...await dispatcher.sendNow(ctx.actor, "dispatch", c, notice),
    })));
    return { dispatched: results.length, results };
  });
}
