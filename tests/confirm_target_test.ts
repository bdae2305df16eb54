/**
 * The rollback target of a commit-confirmed window is the state the
 * change replaced under the apply lock, not the one live when the request
 * arrived: a plugin's apply that holds the lock while a `PUT ?confirm=`
 * waits for it lands first, and cancelling the window then returns to the
 * plugin's state (HAProxy proves it), never past it.
 */
import assert from "node:assert/strict";
import { freePort, startBackend, through } from "./support/daemon.ts";
import { startConfirmDaemon, stateWith } from "./support/confirm.ts";
import { definePlugin, type PluginHost } from "../core/plugin.ts";

Deno.test("confirm target - an apply that lands while a confirm PUT waits is not undone by cancel", async () => {
  const one = startBackend("one");
  const two = startBackend("two");
  const three = startBackend("three");
  const fe = freePort();
  let host: PluginHost | null = null;
  const holder = definePlugin({ name: "holder", setup: (h) => void (host = h) });
  const d = await startConfirmDaemon(fe, one.address, { plugins: [holder] });
  try {
    assert.equal((await through(fe)).body, "one");
    let release!: () => void;
    const held = new Promise<void>((r) => release = r);
    let locked!: () => void;
    const holding = new Promise<void>((r) => locked = r);
    const pluginApply = host!.exclusive(async (apply) => {
      locked();
      await held;
      return await apply(stateWith(fe, two.address), { actor: "plugin:holder", reason: null });
    });
    await holding;
    // The PUT passes the window's checks and queues for the lock the plugin holds.
    const put = d.api("PUT", "/api/state?confirm=60s", stateWith(fe, three.address));
    await new Promise((r) => setTimeout(r, 300));
    release();
    assert.equal((await pluginApply).outcome !== "unchanged", true, "the plugin's apply ran");
    const answer = await put;
    assert.equal(answer.status, 200, answer.text);
    assert.equal((await through(fe)).body, "three", "the confirmed change runs");

    const pending = (await d.api("GET", "/api/state/pending")).body.pending;
    assert.ok(pending, "a window is pending");
    const cancel = await d.api("POST", "/api/state/cancel");
    assert.equal(cancel.status, 200, cancel.text);
    assert.equal(
      (await through(fe)).body,
      "two",
      "cancel returns to the plugin's state, the one the PUT replaced",
    );
    const live = (await d.api("GET", "/api/state")).body;
    assert.equal(live.haproxy.backends[0].servers[0].address, two.address);
  } finally {
    await d.stop();
    await one.close();
    await two.close();
    await three.close();
  }
});
