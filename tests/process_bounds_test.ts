/**
 * Bounded applies, against a real daemon and HAProxy. `haproxy.binary` is a
 * wrapper script that runs the real HAProxy, but first sleeps on `-c` for
 * as many seconds as its control file says, which makes a slow or hung
 * check on demand:
 *
 * - a change waiting for the apply lock longer than `apply.lockWaitMs` gets
 *   503 with Retry-After and is never applied, even once the lock is free;
 * - a `haproxy -c` past `haproxy.checkTimeoutMs` fails the apply with a
 *   clear error, and nothing changes;
 * - a master that stops answering (SIGSTOP) makes the apply's reload go
 *   unconfirmed (rolled back), and is killed and restarted: `/health` is ok
 *   again on its own.
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  freePort,
  simpleState,
  startBackend,
  startTestDaemon,
  through,
  waitFor,
} from "./support/daemon.ts";
import { runtime } from "../plugins/runtime/mod.ts";
import { parseServersState } from "../plugins/runtime/parse.ts";

async function slowCheckWrapper(): Promise<
  { binary: string; setSleep(s: number): Promise<void>; dir: string }
> {
  const dir = await Deno.makeTempDir({ prefix: "pp-wrapper-" });
  const control = `${dir}/check-sleep`;
  const binary = `${dir}/haproxy-wrapper`;
  await Deno.writeTextFile(
    binary,
    [
      "#!/bin/sh",
      `if [ "$1" = "-c" ] && [ -s '${control}' ]; then`,
      // Its own stdio, so stopping the wrapper closes the check's pipes at once.
      `  sleep "$(cat '${control}')" </dev/null >/dev/null 2>&1`,
      "fi",
      'exec haproxy "$@"',
      "",
    ].join("\n"),
  );
  await Deno.chmod(binary, 0o755);
  await Deno.writeTextFile(control, "");
  return {
    binary,
    dir,
    setSleep: (s: number) => Deno.writeTextFile(control, s > 0 ? String(s) : ""),
  };
}

const exists = (path: string) => Deno.stat(path).then(() => true, () => false);

Deno.test("bounds - a change that waits past apply.lockWaitMs is refused and never applied; a hung haproxy -c is stopped", async () => {
  const wrapper = await slowCheckWrapper();
  const backend = startBackend("b1");
  const fe = freePort();
  // maxconn changes with the weight: a weight alone is applied without haproxy -c (its result
  // is proven, core/apply/check_proof.ts), and these applies must run the (slow) check.
  const state = (weight: number) => {
    const s = simpleState(fe, [{ name: "s1", address: backend.address, weight }]) as {
      haproxy: { backends: { servers: Record<string, unknown>[] }[] };
    };
    s.haproxy.backends[0].servers[0].maxconn = 100 + weight;
    return s;
  };
  const d = await startTestDaemon({
    config: {
      haproxy: { mode: "embedded", binary: wrapper.binary, checkTimeoutMs: 4000 },
      apply: { lockWaitMs: 500 },
    },
    state: state(1),
  });
  try {
    // A slow apply holds the lock: its check sleeps 2 s (under the 4 s check bound).
    await wrapper.setSleep(2);
    const slow = d.api("PUT", "/api/state", state(2));
    assert.ok(await waitFor(() => exists(d.paths.cfgCandidate), 5000, 5), "slow apply started");
    const queued = await d.api("PUT", "/api/state", state(3));
    assert.equal(queued.status, 503, queued.text);
    assert.ok(Number(queued.headers.get("retry-after")) >= 1, "Retry-After says when to retry");
    assert.match(queued.body.error, /another change is still being applied/);
    const done = await slow;
    assert.equal(done.status, 200, done.text);
    await wrapper.setSleep(0);
    // Once the lock is free nothing else runs: the refused state never appears.
    const probe = await d.api("POST", "/api/state/plan", state(1));
    assert.equal(probe.status, 200, "the lock is free again");
    const now = await d.api("GET", "/api/state");
    assert.equal(now.body.haproxy.backends[0].servers[0].weight, 2);
    const applies = (await d.api("GET", "/api/audit?category=state&limit=50")).body.entries
      .filter((e: { action: string }) => e.action === "apply");
    assert.equal(applies.length, 2, "the initial and the slow apply, not the refused one");

    // A check that hangs past haproxy.checkTimeoutMs: a clear error and no change.
    const cfgBefore = await Deno.readTextFile(d.paths.cfg);
    const reloadsBefore = (await d.haproxy.showProc())!.reloads;
    await wrapper.setSleep(30);
    const hung = await d.api("PUT", "/api/state", state(4));
    await wrapper.setSleep(0);
    assert.equal(hung.status, 502, hung.text);
    assert.match(hung.body.output, /did not finish within 4000 ms \(haproxy\.checkTimeoutMs\)/);
    assert.match(hung.body.error, /did not finish in time/);
    assert.equal(await Deno.readTextFile(d.paths.cfg), cfgBefore, "the cfg is unchanged");
    assert.equal((await d.api("GET", "/api/state")).body.haproxy.backends[0].servers[0].weight, 2);
    assert.equal((await d.haproxy.showProc())!.reloads, reloadsBefore, "no reload happened");
    assert.equal((await through(fe)).body, "b1");
  } finally {
    await d.stop();
    await backend.close();
    await Deno.remove(wrapper.dir, { recursive: true });
  }
});

Deno.test("bounds - a master that stops answering: the apply rolls back, the master is restarted, /health recovers", async () => {
  const one = startBackend("one");
  const two = startBackend("two");
  const fe = freePort();
  const d = await startTestDaemon({
    config: { haproxy: { mode: "embedded", reloadTimeoutMs: 1500 } },
    state: simpleState(fe, [{ name: "s1", address: one.address }]),
  });
  try {
    const stuck = (await d.haproxy.showProc())!.masterPid;
    Deno.kill(stuck, "SIGSTOP");
    // deno-lint-ignore no-explicit-any
    const next: any = simpleState(fe, [{ name: "s2", address: two.address }]);
    next.haproxy.defaults.timeouts.server = "11s"; // a change only a reload applies
    const put = await d.api("PUT", "/api/state", next);
    assert.equal(put.status, 502, put.text);
    assert.match(put.body.error, /rolled back/);
    assert.equal((await d.api("GET", "/api/state")).body.haproxy.backends[0].servers[0].name, "s1");
    const healthy = await waitFor(
      async () => {
        const h = await d.api("GET", "/health");
        return h.status === 200 && h.body.haproxy.masterPid !== stuck;
      },
      30_000,
      100,
    );
    assert.ok(healthy, "/health is ok again with a new master");
    assert.equal((await through(fe)).body, "one", "the restarted master runs the committed state");
    const events = (await d.api("GET", "/api/audit?category=haproxy&limit=50")).body.entries
      .map((e: { action: string }) => e.action);
    assert.ok(events.includes("process:unresponsive"), JSON.stringify(events));
    // And applies work again.
    const again = await d.api(
      "PUT",
      "/api/state",
      simpleState(fe, [{ name: "s2", address: two.address }]),
    );
    assert.equal(again.status, 200, again.text);
    assert.equal((await through(fe)).body, "two");
  } finally {
    await d.stop();
    await one.close();
    await two.close();
  }
});

Deno.test("bounds - start-up audits what an interrupted run left: a HAProxy still serving, a cfg newer than state.json", async () => {
  const backend = startBackend("b1");
  const fe = freePort();
  let d = await startTestDaemon({
    plugins: [runtime()],
    state: simpleState(fe, [{ name: "s1", address: backend.address }]),
  });
  const dataDir = d.dataDir;
  const weight = async () => {
    const out = await d.haproxy.admin("show servers state app");
    return out.ok ? parseServersState(out.output).find((r) => r.server === "s1")?.weight : null;
  };
  try {
    const master = (await d.haproxy.showProc())!.masterPid;
    // A runtime change since the last apply: the restart's reload must keep it.
    const set = await d.api("POST", "/api/haproxy/servers/app/s1/weight", { weight: 7 });
    assert.equal(set.status, 200, set.text);
    await d.stop({ haproxy: false });
    // As if killed between the swap and the commit of an apply.
    await Deno.writeTextFile(d.paths.cfg, "# an uncommitted cfg\n", { append: true });
    await Deno.writeTextFile(d.paths.cfgCandidate, "# staged\n");
    d = await startTestDaemon({ plugins: [runtime()], dataDir });
    assert.equal((await d.haproxy.showProc())!.masterPid, master, "attached, not restarted");
    assert.equal(await weight(), 7, "runtime server state survives the restart's reload");
    const entry = (await d.api("GET", "/api/audit?category=haproxy&limit=50")).body.entries
      .find((e: { action: string }) => e.action === "startup");
    assert.ok(entry, "a start-up audit entry");
    const text = JSON.stringify(entry.details);
    assert.match(text, new RegExp(`HAProxy master ${master} still serving from a previous run`));
    assert.match(text, /reloaded it onto state\.json/);
    assert.match(text, /haproxy\.cfg on disk was not the render of state\.json/);
    assert.match(text, /rewrote haproxy\.cfg from state\.json/);
    assert.match(text, /haproxy\.cfg\.candidate/);
    assert.doesNotMatch(await Deno.readTextFile(d.paths.cfg), /uncommitted/);
    assert.equal((await through(fe)).body, "b1");
  } finally {
    await d.stop();
    await backend.close();
  }
});
