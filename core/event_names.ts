/**
 * Who may emit which event, and which names exist. Core events
 * (`apply:succeeded`, `apply:failed`, `haproxy:process`) are emitted by the
 * core only: a plugin that could fake `apply:succeeded` could make the tls
 * plugin delete the files of a config that still runs. A plugin emits its
 * own events: names in its namespace (`<plugin>:<event>`), or names it
 * declares in `events` (which no other plugin may declare or emit).
 * Listening to a name nobody can emit is refused at load, so a typo fails
 * loudly instead of never firing.
 *
 * @module
 */
import { StartupError } from "./errors.ts";
import type { Plugin } from "./plugin.ts";

/** The events only the core emits. */
export const CORE_EVENTS: ReadonlySet<string> = new Set([
  "apply:succeeded",
  "apply:failed",
  "apply:rolled-back",
  "haproxy:process",
]);

const EVENT_NAME = /^[a-z][a-z0-9-]*:[a-z0-9][a-z0-9:-]*$/;

/** A plugin emitted an event it does not own; the emit does not happen. */
export class EventRefusedError extends Error {
  /** Builds the error naming the plugin and the event. */
  constructor(readonly plugin: string, readonly event: string, reason: string) {
    super(`plugin '${plugin}' may not emit '${event}': ${reason}`);
    this.name = "EventRefusedError";
  }
}

/** The event names of one plugin list: core, declared, namespaced. */
export class EventNames {
  #owners = new Map<string, string>();
  #plugins = new Map<string, Plugin>();

  /**
   * Checks every plugin's `events`; `trusted` names the core's own plugins,
   * which emit core events on the core's behalf.
   */
  constructor(plugins: Plugin[], private trusted: ReadonlySet<string> = new Set()) {
    for (const p of plugins) this.#plugins.set(p.name, p);
    for (const p of plugins) {
      if (p.events !== undefined && !Array.isArray(p.events)) {
        throw new StartupError("PLUGIN_INVALID", `plugin '${p.name}': events must be a list`);
      }
      for (const event of p.events ?? []) {
        const why = this.#declareProblem(p.name, event);
        if (why) {
          throw new StartupError(
            "PLUGIN_INVALID",
            `plugin '${p.name}' declares event '${event}': ${why}`,
          );
        }
        this.#owners.set(event, p.name);
      }
    }
  }

  /** Whether someone can emit `event`: core, declared, or in a plugin's namespace. */
  known(event: string): boolean {
    if (CORE_EVENTS.has(event) || this.#owners.has(event)) return true;
    const owner = this.#plugins.get(event.split(":")[0]);
    // A plugin that lists its events is held to its list; one that does not owns its namespace.
    return owner !== undefined && owner.events === undefined && EVENT_NAME.test(event);
  }

  /** Refuses a listener for a name nobody can emit (at load: a coded start-up error). */
  checkListen(plugin: string, event: string): void {
    if (this.known(event)) return;
    throw new StartupError(
      "EVENT_UNKNOWN",
      `plugin '${plugin}' listens to '${event}', which no registered plugin emits`,
    );
  }

  /** Why `plugin` may not emit `event`, or null when it may. */
  emitProblem(plugin: string, event: string): string | null {
    if (CORE_EVENTS.has(event)) {
      return this.trusted.has(plugin) ? null : "core events are emitted by the core only";
    }
    const owner = this.#owners.get(event);
    if (owner !== undefined) return owner === plugin ? null : `it is plugin '${owner}''s event`;
    if (!event.startsWith(`${plugin}:`) || !EVENT_NAME.test(event)) {
      return `a plugin's own events are named '${plugin}:<event>' or declared in its events`;
    }
    const own = this.#plugins.get(plugin)?.events;
    return own === undefined ? null : "it is not in the plugin's declared events";
  }

  #declareProblem(plugin: string, event: unknown): string | null {
    if (typeof event !== "string" || !EVENT_NAME.test(event)) return "not a '<ns>:<event>' name";
    if (CORE_EVENTS.has(event)) return "core events are emitted by the core only";
    const claimed = this.#owners.get(event);
    if (claimed) return `plugin '${claimed}' declares it too`;
    const ns = event.split(":")[0];
    if (ns !== plugin && this.#plugins.has(ns)) return `it is in plugin '${ns}''s namespace`;
    return null;
  }
}
