// deno-lint-ignore-file no-explicit-any
/**
 * Traffic through HAProxy during 200 runtime applies on the backend under
 * load (servers added, weights changed, servers removed, in turn): every
 * request succeeds, no apply reloads, and a removed server receives no
 * request once its apply has answered (each backend answers its own name
 * and records when requests reach it).
 */
import assert from "node:assert/strict";
import { freePort, startTestDaemon } from "./support/daemon.ts";
import { appState } from "./support/live.ts";
import { currentWorker } from "./support/runtime.ts";

/** A loopback backend answering its name, recording when each request arrived. */
function counting(name: string) {
  const arrivals: number[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, () => {
    arrivals.push(performance.now());
    return new Response(name);
  });
  const port = (server.addr as Deno.NetAddr).port;
  return { name, arrivals, address: `127.0.0.1:${port}`, close: () => server.shutdown() };
}

Deno.test("runtime load - 200 runtime applies under traffic: 0 failed requests, removed servers get none", async () => {
  const base = [counting("a"), counting("b")];
  const fe = freePort();
  const d = await startTestDaemon({
    state: appState(fe, base.map((s) => ({ name: s.name, address: s.address }))),
  });
  const added: ReturnType<typeof counting>[] = [];
  const removedAt = new Map<string, number>();
  const results: { status: number; body: string }[] = [];
  let running = true;
  const client = Deno.createHttpClient({});
  const load = async () => {
    while (running) {
      try {
        const res = await fetch(`http://127.0.0.1:${fe}/`, { client });
        results.push({ status: res.status, body: await res.text() });
      } catch (error) {
        results.push({ status: 0, body: String(error) });
      }
    }
  };
  try {
    const worker = await currentWorker(d);
    let state = (await d.api("GET", "/api/state")).body;
    const loaders = [load(), load(), load(), load()];
    const t0 = performance.now();
    const paths = new Map<string, number>();
    const stages = new Map<string, number>();
    let current: ReturnType<typeof counting> | null = null;
    for (let i = 0; i < 200; i++) {
      const servers = state.haproxy.backends[0].servers;
      if (i % 3 === 0) {
        current = counting(`x${i}`);
        added.push(current);
        servers.push({ name: current.name, address: current.address, weight: 100 });
      } else if (i % 3 === 1) {
        servers[0].weight = 50 + (i % 100);
      } else {
        state.haproxy.backends[0].servers = servers.filter((s: any) => s.name !== current!.name);
      }
      const res = await d.api("PUT", "/api/state", state);
      assert.equal(res.status, 200, res.text);
      const path = res.headers.get("patchpanel-apply")!;
      const kind = ["add", "weight", "remove"][i % 3];
      for (const m of (res.headers.get("server-timing") ?? "").split(", ")) {
        const [name, dur] = m.split(";dur=");
        const key = `${kind}.${name}`;
        stages.set(key, (stages.get(key) ?? 0) + Number(dur));
      }
      paths.set(path, (paths.get(path) ?? 0) + 1);
      state = res.body;
      if (i % 3 === 2) removedAt.set(current!.name, performance.now());
    }
    const elapsed = (performance.now() - t0) / 1000;
    running = false;
    await Promise.all(loaders);

    const failed = results.filter((r) => r.status !== 200);
    // Server-Timing, mean per apply kind and stage (ms), for the README's figures.
    const n = { add: 67, weight: 67, remove: 66 } as Record<string, number>;
    console.log(
      [...stages].map(([k, v]) => `${k}=${(v / n[k.split(".")[0]]).toFixed(1)}`).join(" "),
    );
    console.log(
      `${results.length} requests in ${elapsed.toFixed(1)} s (${
        (results.length / elapsed).toFixed(0)
      } req/s) during 200 applies (${(elapsed * 5).toFixed(1)} ms per apply); paths ${
        JSON.stringify(Object.fromEntries(paths))
      }; ${failed.length} failed`,
    );
    assert.deepEqual(Object.fromEntries(paths), { runtime: 200 }, "every apply ran at run time");
    assert.deepEqual(await currentWorker(d), worker, "no reload");
    assert.deepEqual(failed.slice(0, 5), [], `${failed.length} failed requests`);
    assert.ok(results.length >= 200, `${results.length} requests`);
    for (const s of added) {
      const at = removedAt.get(s.name);
      if (at === undefined) continue;
      const late = s.arrivals.filter((t) => t > at);
      assert.deepEqual(late, [], `${s.name} got requests after its removal answered`);
    }
    assert.ok(added.some((s) => s.arrivals.length > 0), "the added servers took traffic");
  } finally {
    running = false;
    client.close();
    await d.stop();
    for (const s of [...base, ...added]) await s.close();
  }
});
