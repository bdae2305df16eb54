// deno-lint-ignore-file no-explicit-any
/**
 * Events: core events come from the core only (a plugin emitting
 * `apply:succeeded` is refused and no listener, the tls plugin's included,
 * sees it); a plugin emits its own namespaced or declared events; listening
 * to a name nobody emits is refused at load.
 *
 * @module
 */
import assert from "node:assert/strict";
import { definePlugin, type PluginHost } from "../core/plugin.ts";
import { StartupError } from "../core/errors.ts";
import { Registry } from "../core/registry.ts";
import { startTestDaemon } from "./support/daemon.ts";
import { defaultPlugins } from "../plugins/mod.ts";

Deno.test("events - a plugin emitting apply:succeeded is refused; its own events go through", async () => {
  let host: PluginHost | null = null;
  const heard: string[] = [];
  const forger = definePlugin({
    name: "forger",
    setup(h) {
      host = h;
    },
  });
  const listener = definePlugin({
    name: "listener",
    setup(h) {
      h.on("apply:succeeded", () => void heard.push("apply:succeeded"));
      h.on("forger:hello" as any, () => void heard.push("forger:hello"));
    },
  });
  const d = await startTestDaemon({ plugins: [...defaultPlugins(), forger, listener] });
  try {
    const fake = {
      actor: "x",
      reason: null,
      snapshotId: "s",
      state: d.store.current()!,
      durationMs: 0,
    };
    await assert.rejects(
      () => host!.emit("apply:succeeded", fake),
      /plugin 'forger' may not emit 'apply:succeeded': core events are emitted by the core only/,
    );
    await assert.rejects(() => host!.emit("server:down" as any, {}), /plugin 'stats''s event/);
    await assert.rejects(() => host!.emit("listener:hi" as any, {}), /may not emit/);
    await host!.emit("forger:hello" as any, {} as any);
    assert.deepEqual(heard, ["forger:hello"], "the forged core event reached no listener");
  } finally {
    await d.stop();
  }
});

Deno.test("events - listening to an event nobody emits is refused at load", async () => {
  const typo = definePlugin({
    name: "typo-listener",
    setup(h) {
      h.on("apply:succeded" as any, () => {});
    },
  });
  const error = await startTestDaemon({ plugins: [typo] }).then(
    async (d) => {
      await d.stop();
      return null;
    },
    (e) => e,
  );
  assert.ok(error instanceof StartupError, String(error));
  assert.equal(error.code, "EVENT_UNKNOWN");
  assert.match(error.message, /'typo-listener' listens to 'apply:succeded'/);
});

Deno.test("events - declared events: no core names, no one else's namespace, once each", () => {
  const refused = (events: string[], extra: { name: string }[] = []) =>
    assert.throws(
      () => new Registry([definePlugin({ name: "decl", events }), ...extra]),
      (e: unknown) => e instanceof StartupError && e.code === "PLUGIN_INVALID",
    );
  refused(["apply:succeeded"]);
  refused(["other:thing"], [{ name: "other" }]);
  refused(["no-colon"]);
  assert.throws(() =>
    new Registry([
      definePlugin({ name: "one", events: ["x:y"] }),
      definePlugin({ name: "two", events: ["x:y"] }),
    ])
  );
  const r = new Registry([definePlugin({ name: "decl", events: ["widget:ready"] })]);
  assert.equal(r.events.emitProblem("decl", "widget:ready"), null);
  assert.match(String(r.events.emitProblem("decl", "decl:other")), /not in the plugin's declared/);
});
