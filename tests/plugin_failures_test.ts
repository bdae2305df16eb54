// deno-lint-ignore-file no-explicit-any
/**
 * A broken plugin is named and contained: a throwing route answers a 500
 * naming plugin, method and path (and the log and audit say so); a throwing
 * render hook fails the apply at stage `render`, audited, with `apply:failed`
 * naming the plugin and HAProxy unchanged; a throwing `setup` refuses the
 * start with a coded error; a crashing service is audited and restarted.
 *
 * @module
 */
import assert from "node:assert/strict";
import { definePlugin } from "../core/plugin.ts";
import { StartupError } from "../core/errors.ts";
import {
  freePort,
  simpleState,
  startBackend,
  startTestDaemon,
  through,
  waitFor,
} from "./support/daemon.ts";

/** Runs `fn` with console.error captured; returns what was written. */
async function capturingErrors<T>(fn: (lines: string[]) => Promise<T>): Promise<T> {
  const lines: string[] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => void lines.push(args.map(String).join(" "));
  try {
    return await fn(lines);
  } finally {
    console.error = original;
  }
}

Deno.test("plugin failures - a throwing route is a 500 naming plugin, method and path", async () => {
  const broken = definePlugin({
    name: "broken-route",
    setup(host) {
      host.route("GET", "/api/broken/:id", { role: "viewer", tier: "read" }, () => {
        throw new Error("kaboom");
      });
      host.route("POST", "/api/broken-async", { role: "operator", tier: "write" }, async () => {
        await Promise.resolve();
        throw new TypeError("async kaboom");
      });
    },
  });
  const d = await startTestDaemon({ plugins: [broken] });
  try {
    await capturingErrors(async (lines) => {
      const res = await d.api("GET", "/api/broken/7");
      assert.equal(res.status, 500);
      assert.equal(res.body.error, "InternalError");
      assert.equal(res.body.plugin, "broken-route");
      assert.equal(res.body.method, "GET");
      assert.equal(res.body.path, "/api/broken/:id");
      assert.match(res.body.message, /broken-route/);
      assert.doesNotMatch(res.text, /kaboom/, "the cause stays in the log");
      const line = lines.find((l) => l.includes("kaboom"));
      assert.ok(line, `a log line names the failure: ${lines.join("\n")}`);
      assert.match(line!, /plugin 'broken-route' route GET \/api\/broken\/:id/);

      const post = await d.api("POST", "/api/broken-async", {});
      assert.equal(post.status, 500);
      assert.equal(post.body.plugin, "broken-route");
      assert.equal(post.body.method, "POST");
    });
    const entries = d.audit.list({ limit: 10, category: "plugin" });
    const entry = entries.find((e) => e.details?.path === "/api/broken/:id");
    assert.ok(entry, JSON.stringify(entries));
    assert.equal(entry!.target, "broken-route");
    assert.equal(entry!.outcome, "failure");
    assert.match(String(entry!.details?.error), /kaboom/);
  } finally {
    await d.stop();
  }
});

Deno.test("plugin failures - a throwing render hook fails the apply at render, audited, nothing changed", async () => {
  const backend = startBackend("one");
  const fe = freePort();
  let armed = false;
  const failed: any[] = [];
  const broken = definePlugin({
    name: "broken-render",
    setup(host) {
      host.render(() => {
        if (armed) throw new Error("render exploded");
      });
      host.on("apply:failed", (e) => void failed.push(e));
    },
  });
  const d = await startTestDaemon({
    plugins: [broken],
    state: simpleState(fe, [{ name: "one", address: backend.address }]),
  });
  try {
    const cfgBefore = await Deno.readTextFile(d.paths.cfg);
    const stateBefore = await Deno.readTextFile(d.paths.state);
    assert.equal((await through(fe)).body, "one");
    armed = true;
    const next = simpleState(fe, [{ name: "one", address: backend.address, weight: 7 }]);
    const res = await capturingErrors(() => d.api("PUT", "/api/state", next));
    assert.equal(res.status, 500, res.text);
    assert.equal(res.body.plugin, "broken-render");

    const entry = d.audit.list({ limit: 5, category: "state" }).find((e) => e.action === "apply");
    assert.equal(entry?.outcome, "failure");
    assert.equal(entry?.details?.stage, "render");
    assert.equal(entry?.details?.plugin, "broken-render");
    assert.match(String(entry?.details?.error), /render exploded/);

    assert.equal(failed.length, 1);
    assert.equal(failed[0].stage, "render");
    assert.equal(failed[0].plugin, "broken-render");
    assert.match(failed[0].message, /broken-render/);

    assert.equal(await Deno.readTextFile(d.paths.cfg), cfgBefore, "haproxy.cfg unchanged");
    assert.equal(await Deno.readTextFile(d.paths.state), stateBefore, "state.json unchanged");
    assert.equal((await through(fe)).body, "one", "HAProxy still serves the old config");
  } finally {
    await d.stop();
    await backend.close();
  }
});

Deno.test("plugin failures - a throwing setup refuses the start with a coded error naming the plugin", async () => {
  const broken = definePlugin({
    name: "broken-setup",
    setup() {
      throw new Error("cannot set up");
    },
  });
  const error = await startTestDaemon({ plugins: [broken] }).then(
    () => null,
    (e) => e,
  );
  assert.ok(error instanceof StartupError, String(error));
  assert.equal(error.code, "PLUGIN_SETUP_FAILED");
  assert.match(error.message, /plugin 'broken-setup' setup failed: cannot set up/);
});

Deno.test("plugin failures - a render hook throwing at start-up refuses the start", async () => {
  const broken = definePlugin({
    name: "broken-boot",
    setup(host) {
      host.render(() => {
        throw new Error("no render at boot");
      });
    },
  });
  const error = await capturingErrors(() =>
    startTestDaemon({ plugins: [broken] }).then(async (d) => {
      await d.stop();
      return null;
    }, (e) => e)
  );
  assert.ok(error instanceof StartupError, String(error));
  assert.equal(error.code, "PLUGIN_START_FAILED");
  assert.match(error.message, /broken-boot/);
});

Deno.test("plugin failures - a throwing listener is audited naming its plugin", async () => {
  const backend = startBackend("one");
  const fe = freePort();
  const broken = definePlugin({
    name: "broken-listener",
    setup(host) {
      host.on("apply:succeeded", () => {
        throw new Error("listener fell over");
      });
    },
  });
  const d = await startTestDaemon({ plugins: [broken] });
  try {
    const res = await capturingErrors(() =>
      d.api("PUT", "/api/state", simpleState(fe, [{ name: "one", address: backend.address }]))
    );
    assert.equal(res.status, 200, "a listener never fails the apply");
    const entry = d.audit.list({ limit: 10, category: "plugin" })[0];
    assert.equal(entry?.target, "broken-listener");
    assert.equal(entry?.action, "listener:failed");
    assert.match(String(entry?.details?.error), /listener fell over/);
  } finally {
    await d.stop();
    await backend.close();
  }
});

Deno.test("plugin failures - a crashing service is audited and restarted", async () => {
  let starts = 0;
  const flaky = definePlugin({
    name: "flaky-service",
    setup(host) {
      host.service({
        name: "loop",
        start() {
          starts++;
        },
        stop() {},
        run(signal) {
          if (starts === 1) return Promise.reject(new Error("loop crashed"));
          return new Promise((resolve) => signal.addEventListener("abort", () => resolve()));
        },
      });
    },
  });
  const d = await capturingErrors(() => startTestDaemon({ plugins: [flaky] }));
  try {
    assert.ok(
      await waitFor(() => starts === 2, 10_000),
      `restarted after the crash (starts: ${starts})`,
    );
    const entries = d.audit.list({ limit: 10, category: "plugin" });
    const crash = entries.find((e) => e.action === "service:crashed");
    assert.equal(crash?.target, "flaky-service/loop");
    assert.match(String(crash?.details?.error), /loop crashed/);
    assert.ok(
      await waitFor(() =>
        d.audit.list({ limit: 10, category: "plugin" }).some((e) =>
          e.action === "service:restarted"
        )
      ),
    );
  } finally {
    await d.stop();
  }
});
