/**
 * Crash safety of the apply pipeline: the daemon runs as its own process
 * (`main.ts serve`), 20 applies of different states are issued, and the
 * daemon is `kill -9`ed at random points during them. After each kill the
 * cfg on disk is exactly the render of the old or the new state and
 * state.json parses; after a restart on the same data directory (whose
 * stale-process guard ends the orphaned HAProxy) the cfg HAProxy runs and
 * the traffic through the frontend match state.json.
 *
 * The random schedule is seeded; a failure prints the seed
 * (`CRASH_SEED=<n>` replays it).
 *
 * @module
 */
import assert from "node:assert/strict";
import { type Backend, freePort, simpleState, startBackend, waitFor } from "./support/daemon.ts";
import { hit } from "./support/core_probe.ts";
import { offlineRenderer } from "../core/offline.ts";
import { dataPaths } from "../core/paths.ts";
import { MasterClient } from "../core/haproxy/master.ts";
import { isAlive } from "../core/haproxy/stale.ts";
import { defaultPlugins } from "../plugins/mod.ts";

const ROOT = new URL("../", import.meta.url).pathname;
const APPLIES = 20;

/** mulberry32: a tiny seeded PRNG, so a failing schedule can be replayed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Proc {
  child: Deno.ChildProcess;
  stderr: string[];
}

function spawnDaemon(dataDir: string, port: number): Proc {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "main.ts", "serve", "--data-dir", dataDir, "--listen", `127.0.0.1:${port}`],
    cwd: ROOT,
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const stderr: string[] = [];
  (async () => {
    const dec = new TextDecoder();
    for await (const chunk of child.stderr) stderr.push(dec.decode(chunk));
  })().catch(() => {});
  return { child, stderr };
}

Deno.test("crash - kill -9 during applies leaves a complete old or new cfg, and a restart runs state.json", async () => {
  const seed = Number(Deno.env.get("CRASH_SEED") ?? Math.floor(Math.random() * 2 ** 31));
  const random = prng(seed);
  const dataDir = await Deno.makeTempDir({ prefix: "pp-crash-" });
  const paths = dataPaths(dataDir);
  const port = freePort();
  const fe = freePort();
  const url = `http://127.0.0.1:${port}`;
  const names = ["b0", "b1", "b2"];
  const backends: Backend[] = names.map((n) => startBackend(n));
  const bodyOf = new Map(backends.map((b, i) => [b.address, names[i]]));
  const master = new MasterClient(paths.masterSocket);
  const offline = await offlineRenderer(defaultPlugins(), paths);
  const render = (raw: unknown) => offline.render(offline.schema.parse(raw)).text;
  // State i: one server named after i, on backend i % 3, with a weight that differs too.
  const states = Array.from({ length: APPLIES + 1 }, (_, i) =>
    simpleState(fe, [{
      name: `s${i}`,
      address: backends[i % backends.length].address,
      weight: 1 + i,
    }]));
  const renders = states.map(render);
  let proc: Proc | null = null;
  let token = "";
  const log: string[] = [`seed ${seed}`];

  const api = (method: string, path: string, body?: unknown) =>
    fetch(`${url}${path}`, {
      method,
      headers: {
        "content-type": "application/json",
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  const start = async () => {
    proc = spawnDaemon(dataDir, port);
    const up = await waitFor(
      async () => {
        try {
          const res = await fetch(`${url}/health`);
          await res.body?.cancel();
          return res.status === 200;
        } catch {
          return false;
        }
      },
      20_000,
      50,
    );
    assert.ok(up, `daemon did not come up:\n${proc.stderr.join("")}`);
  };

  /** After a (re)start: what HAProxy runs is what state.json says. */
  const assertConsistent = async (label: string) => {
    const stateText = await Deno.readTextFile(paths.state);
    const state = JSON.parse(stateText);
    const cfg = await Deno.readTextFile(paths.cfg);
    assert.equal(cfg, render(state), `${label}: cfg on disk is not the render of state.json`);
    const live = await (await api("GET", "/api/haproxy/cfg?source=state")).text();
    assert.equal(live, cfg, `${label}: the daemon's render differs from disk`);
    const server = state.haproxy.backends[0]?.servers[0];
    if (server) {
      const r = await hit(fe);
      assert.equal(r.status, 200, `${label}: no traffic through the frontend`);
      assert.equal(r.body, bodyOf.get(server.address), `${label}: HAProxy serves another state`);
    }
  };

  try {
    await Deno.writeTextFile(
      `${dataDir}/config.yaml`,
      [
        "https: {enabled: false}",
        "logging: {quiet: true}",
        "auth: {bcryptCost: 4}",
        "rateLimit: {writeMax: 100000, readMax: 1000000, authMax: 100000}",
        "",
      ].join("\n"),
    );
    await start();

    // Bootstrap authentication the way an operator would: first admin, login, API token.
    const creds = { username: "admin", password: "crash-test-password-1" };
    let res = await api("POST", "/api/setup/complete", creds);
    assert.equal(res.status, 201, await res.text());
    res = await api("POST", "/api/auth/login", creds);
    assert.equal(res.status, 200);
    const { csrfToken } = await res.json();
    const cookie = res.headers.get("set-cookie")!.split(";")[0];
    res = await fetch(`${url}/api/api-tokens`, {
      method: "POST",
      headers: { cookie, "x-csrf-token": csrfToken, "content-type": "application/json" },
      body: JSON.stringify({ name: "crash-test", role: "admin" }),
    });
    assert.equal(res.status, 201);
    token = (await res.json()).wire;
    assert.ok(token);

    res = await api("PUT", "/api/state", states[0]);
    assert.equal(res.status, 200, await res.text());
    await assertConsistent("initial");

    let next = 1;
    let kills = 0;
    let applyMs = 150;
    while (next <= APPLIES) {
      // This round: a few applies, the daemon killed during the last one.
      const inRound = Math.min(1 + Math.floor(random() * 4), APPLIES - next + 1);
      const masterBefore = (await master.showProc())?.masterPid;
      assert.ok(masterBefore, "no HAProxy master before the round");
      for (let k = 0; k < inRound; k++, next++) {
        const old = JSON.parse(await Deno.readTextFile(paths.state));
        const last = k === inRound - 1;
        const t0 = performance.now();
        const pending = (async () => {
          try {
            const r = await api("PUT", "/api/state", states[next]);
            return { status: r.status, text: await r.text() };
          } catch {
            return { status: 0, text: "connection lost" };
          }
        })();
        if (!last) {
          const r = await pending;
          assert.equal(r.status, 200, r.text);
          applyMs = 0.7 * applyMs + 0.3 * (performance.now() - t0);
          continue;
        }
        const delay = random() * applyMs;
        await new Promise((r) => setTimeout(r, delay));
        proc!.child.kill("SIGKILL");
        await proc!.child.status;
        const outcome = await pending;
        kills++;

        // The cfg is a complete render of the old or the new state; state.json parses.
        const cfg = await Deno.readTextFile(paths.cfg);
        const oldRender = render(old);
        const which = cfg === renders[next] ? "new" : cfg === oldRender ? "old" : "torn";
        log.push(
          `apply ${next}: killed after ${delay.toFixed(0)} ms (apply ~${applyMs.toFixed(0)} ms), ` +
            `PUT ${outcome.status}, cfg ${which}`,
        );
        assert.notEqual(which, "torn", `cfg after kill during apply ${next} is neither render`);
        const persisted = JSON.parse(await Deno.readTextFile(paths.state));
        assert.ok(
          JSON.stringify(persisted) === JSON.stringify(old) ||
            render(persisted) === renders[next],
          "state.json is neither the old nor the new state",
        );
        if (outcome.status === 200) assert.equal(which, "new", "a 200 means the new cfg is live");
      }

      // Restart on the same data dir: the orphaned HAProxy is ended, state.json is what runs.
      await start();
      const proc2 = await master.showProc();
      assert.ok(proc2 && proc2.workers.length > 0, "no HAProxy after restart");
      assert.notEqual(proc2.masterPid, masterBefore, "the orphaned master still answers");
      assert.equal(await isAlive(masterBefore), false, "the orphaned HAProxy master survived");
      await assertConsistent(`restart after kill ${kills}`);
      const strays = [...Deno.readDirSync(dataDir)].filter((e) => e.name.includes(".tmp-"));
      assert.deepEqual(strays, [], "files staged by the killed daemon are cleaned up at start");
    }
    assert.ok(kills >= 5, `only ${kills} kills`);
    console.log(log.join("\n"));
  } catch (error) {
    console.error(log.join("\n"));
    if (proc) console.error((proc as Proc).stderr.join(""));
    throw error;
  } finally {
    offline.close();
    if (proc) {
      const p = proc as Proc;
      try {
        p.child.kill("SIGTERM");
      } catch { /* already gone */ }
      await p.child.status;
    }
    // Whatever a kill may have orphaned: the pid file names the last master.
    const pid = Number((await Deno.readTextFile(paths.haproxyPid).catch(() => "")).trim());
    if (pid > 1 && await isAlive(pid)) {
      Deno.kill(pid, "SIGKILL");
    }
    for (const b of backends) await b.close();
    await Deno.remove(dataDir, { recursive: true }).catch(() => {});
  }
});
