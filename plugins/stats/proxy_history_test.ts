import assert from "node:assert/strict";
import {
  freePort,
  simpleState,
  startBackend,
  startTestDaemon,
  through,
  waitFor,
} from "../../tests/support/daemon.ts";
import { stats } from "./mod.ts";

type Point = { name: string; kind: string; reqTot: number | null; stot: number };
type Entry = { kind: string; at: number; proxies?: Point[] };

Deno.test("stats - one proxy's history keeps only its points; unknown names 404, bad ones 400", async () => {
  const a = startBackend("a");
  const b = startBackend("b");
  const fe = freePort();
  const other = freePort();
  const state = simpleState(fe, [{ name: "a", address: a.address }]) as {
    haproxy: { frontends: unknown[]; backends: unknown[] };
  };
  state.haproxy.frontends.push({
    id: "fe-other",
    binds: [{ address: `127.0.0.1:${other}` }],
    defaultBackend: "other",
  });
  state.haproxy.backends.push({
    id: "other",
    servers: [{ name: "b", address: b.address, check: false }],
  });
  const d = await startTestDaemon({
    plugins: [stats()],
    config: { stats: { intervalMs: 200 } },
    state,
  });
  const history = async (path: string) => (await d.api("GET", path)).body.samples as Entry[];
  const newest = (entries: Entry[] | undefined) =>
    (entries ?? []).findLast((e) => e.kind === "sample")!;
  try {
    for (let i = 0; i < 7; i++) await through(fe);
    assert.ok(
      await waitFor(async () => {
        const s = newest(await history("/api/stats/history/frontend/fe-main"));
        return s?.proxies?.[0]?.reqTot === 7;
      }, 5000),
      "the frontend's own history counts its seven requests",
    );
    const r = await d.api("GET", "/api/stats/history/backend/app");
    assert.equal(r.status, 200);
    assert.equal(r.body.kind, "backend");
    assert.equal(r.body.name, "app");
    assert.equal(r.body.intervalMs, 200);
    for (const e of r.body.samples as Entry[]) {
      if (e.kind !== "sample") continue;
      assert.ok(e.proxies!.length <= 1, "one point per sample at most");
      assert.ok(e.proxies!.every((p) => p.kind === "backend" && p.name === "app"));
    }
    assert.equal(newest(r.body.samples).proxies![0].stot, 7);
    const quiet = newest(await history("/api/stats/history/backend/other"));
    assert.equal(quiet.proxies![0].stot, 0, "the other backend's points are its own");

    const whole = await history("/api/stats/history");
    const since = whole[Math.max(0, whole.length - 3)].at;
    const part = await history(`/api/stats/history/frontend/fe-main?since=${since}`);
    assert.ok(part.length >= 1 && part.every((e) => e.at > since), "since is honoured");

    const nope = await d.api("GET", "/api/stats/history/backend/nope");
    assert.equal(nope.status, 404);
    assert.deepEqual([nope.body.kind, nope.body.name], ["backend", "nope"], "the 404 says what");
    assert.equal(
      (await d.api("GET", "/api/stats/history/frontend/app")).status,
      404,
      "a backend's name is not a frontend",
    );
    const badKind = await d.api("GET", "/api/stats/history/server/app");
    assert.equal(badKind.status, 400);
    assert.match(badKind.body.error, /kind/);
    assert.equal((await d.api("GET", "/api/stats/history/backend/a%20b")).status, 400);
    assert.equal((await d.api("GET", "/api/stats/history/backend/app?since=x")).status, 400);
  } finally {
    await d.stop();
    await a.close();
    await b.close();
  }
});
