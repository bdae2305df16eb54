/**
 * Issue 13, item 5, end to end: a state cannot take over patchpanel's own
 * admin socket (field or raw directive) or listen twice on one port; and
 * when the admin socket stops answering as patchpanel's should (another
 * HAProxy bound its path at level user, or it is gone), `/health` says
 * degraded with the reason and `/api/stats` answers 503 instead of an old
 * sample.
 *
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { defaultPlugins } from "../plugins/mod.ts";
import {
  freePort,
  simpleState,
  startBackend,
  startTestDaemon,
  type TestDaemon,
  waitFor,
} from "./support/daemon.ts";

async function withDaemon(fn: (d: TestDaemon, fe: number) => Promise<void>): Promise<void> {
  const web = startBackend("web-1");
  const fe = freePort();
  const d = await startTestDaemon({
    plugins: defaultPlugins(),
    config: { stats: { intervalMs: 100 } },
    state: simpleState(fe, [{ name: "web-1", address: web.address }]),
  });
  try {
    await fn(d, fe);
  } finally {
    await d.stop();
    await web.close();
  }
}

const drain = (d: TestDaemon) =>
  d.api("POST", "/api/haproxy/servers/app/web-1/state", { state: "drain" });

Deno.test("own paths - a state binding patchpanel's admin socket or a taken port is a 422 naming it", async () => {
  await withDaemon(async (d, fe) => {
    const state = (await d.api("GET", "/api/state")).body;
    const before = (await d.api("GET", "/api/snapshots")).body.snapshots.length;

    const socket = structuredClone(state);
    socket.haproxy.global.statsSockets = [
      { kind: "unix", path: d.paths.adminSocket, level: "user" },
    ];
    for (const route of ["/api/state/plan", "/api/state"]) {
      const res = await d.api(route === "/api/state" ? "PUT" : "POST", route, socket);
      assert.equal(res.status, 422, `${route}: ${res.text}`);
      assert.deepEqual(Object.keys(res.body).sort(), ["error", "issues"]);
      assert.equal(res.body.issues.length, 1, res.text);
      const [issue] = res.body.issues;
      assert.deepEqual(issue.path, ["haproxy", "global", "statsSockets", 0, "path"]);
      assert.equal(issue.code, "custom");
      assert.ok(issue.message.includes(`patchpanel's admin socket (${d.paths.adminSocket})`));
    }

    const raw = structuredClone(state);
    raw.haproxy.global.rawDirectives = [`stats socket ${d.paths.adminSocket} level user`];
    const rawRes = await d.api("PUT", "/api/state", raw);
    assert.equal(rawRes.status, 422, rawRes.text);
    assert.deepEqual(rawRes.body.issues[0].path, ["haproxy", "global", "rawDirectives", 0]);

    const pidfile = structuredClone(state);
    pidfile.haproxy.global.rawDirectives = [`pidfile ${join(d.dataDir, "state.json")}`];
    const pidRes = await d.api("PUT", "/api/state", pidfile);
    assert.equal(pidRes.status, 422, pidRes.text);
    assert.match(pidRes.body.issues[0].message, /patchpanel's state\.json/);

    const twice = structuredClone(state);
    twice.haproxy.stats = { bind: `127.0.0.1:${fe}` };
    const twiceRes = await d.api("PUT", "/api/state", twice);
    assert.equal(twiceRes.status, 422, twiceRes.text);
    assert.deepEqual(twiceRes.body.issues[0].path, [
      "haproxy",
      "frontends",
      0,
      "binds",
      0,
      "address",
    ]);
    assert.match(
      twiceRes.body.issues[0].message,
      /^frontend fe-main bind 0 listens on .*, as the stats listener does/,
    );

    // Nothing was applied: runtime operations still work, and no snapshot was written.
    assert.equal((await drain(d)).status, 200);
    assert.equal((await d.api("GET", "/api/snapshots")).body.snapshots.length, before);
    assert.equal((await d.api("GET", "/health")).body.status, "ok");
  });
});

Deno.test("own paths - an admin socket taken at level user, or gone: /health degraded, /api/stats 503", async () => {
  await withDaemon(async (d) => {
    const health = await d.api("GET", "/health");
    assert.equal(health.status, 200, health.text);
    assert.equal(health.body.ok, true);
    assert.equal(health.body.status, "ok");
    assert.deepEqual(health.body.reasons, []);
    assert.equal((await d.api("GET", "/api/stats")).status, 200);

    // Another HAProxy binds patchpanel's admin socket path at level user (as the state could).
    const dir = await Deno.makeTempDir({ prefix: "pp-intruder-" });
    const cfg = join(dir, "intruder.cfg");
    await Deno.writeTextFile(
      cfg,
      `global\n  stats socket ${d.paths.adminSocket} level user\n` +
        `defaults\n  mode http\n  timeout connect 1s\n  timeout client 1s\n  timeout server 1s\n`,
    );
    const intruder = new Deno.Command("haproxy", {
      args: ["-db", "-f", cfg],
      stdout: "null",
      stderr: "null",
    }).spawn();
    try {
      assert.ok(
        await waitFor(async () => (await d.api("GET", "/health")).body.status === "degraded"),
        "health notices the user-level socket",
      );
      const degraded = await d.api("GET", "/health");
      assert.equal(degraded.status, 503);
      assert.equal(degraded.body.ok, false);
      assert.equal(degraded.body.reasons.length, 1);
      assert.match(degraded.body.reasons[0], /answers at level 'user', not 'admin'/);
      assert.equal((await drain(d)).status, 502, "HAProxy: Permission denied");
      assert.ok(
        await waitFor(async () => (await d.api("GET", "/api/stats")).status === 503),
        "stats stop serving the old sample",
      );
      const stats = await d.api("GET", "/api/stats");
      assert.deepEqual(Object.keys(stats.body), ["error"]);
      assert.match(stats.body.error, /level 'user'/);
    } finally {
      intruder.kill("SIGTERM");
      await intruder.status;
      await Deno.remove(dir, { recursive: true });
    }

    // The intruder gone (and its socket file with it): nothing answers on patchpanel's path.
    // A reload does not help (the new worker inherits the old worker's socket); a restart does.
    await Deno.remove(d.paths.adminSocket).catch(() => {});
    const gone = await d.api("GET", "/health");
    assert.equal(gone.status, 503);
    assert.equal(gone.body.status, "degraded");
    assert.match(gone.body.reasons[0], /does not answer \(unreachable/);
    assert.ok(
      await waitFor(async () =>
        /reading HAProxy's stats failed/.test((await d.api("GET", "/api/stats")).text)
      ),
      "stats say the sample is not current",
    );
    const stats = await d.api("GET", "/api/stats");
    assert.equal(stats.status, 503);
    assert.match(stats.body.error, /^stats are not current: reading HAProxy's stats failed/);
  });
});
