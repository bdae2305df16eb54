/**
 * A runtime apply that changes only weights and `disabled` flags, or adds
 * servers, spares `haproxy -c` (check_proof.ts: the candidate passes
 * exactly when the live cfg did, and an added line is one HAProxy's `add
 * server` parsed), and what it writes still passes the real check and
 * reloads into the same running state; a change the proof does not cover
 * (an address, a removal) is checked.
 *
 * @module
 */
import assert from "node:assert/strict";
import { freePort, startTestDaemon } from "./support/daemon.ts";
import { appState, runningRow, serveNamed } from "./support/live.ts";
import { assertReloadAgrees } from "./support/runtime.ts";
import { checkConfig } from "../core/haproxy/check.ts";

const stages = (res: { headers: Headers }) =>
  (res.headers.get("server-timing") ?? "").split(",").map((s) => s.trim().split(";")[0]);

Deno.test("check proof - weights and drains apply without haproxy -c, and the cfg written passes it", async () => {
  const [a, b, c] = [serveNamed("a"), serveNamed("b"), serveNamed("c")];
  const fe = freePort();
  const servers = [
    { name: "a", address: a.address, weight: 10, check: false },
    { name: "b", address: b.address, weight: 10, check: false },
  ];
  const d = await startTestDaemon({ state: appState(fe, servers) });
  try {
    // A weight, then a drain (disabled), each alone and together.
    for (
      const next of [
        [{ ...servers[0], weight: 33 }, servers[1]],
        [{ ...servers[0], weight: 33 }, { ...servers[1], disabled: true }],
        [{ ...servers[0], weight: 0 }, { ...servers[1], weight: 256, disabled: false }],
      ]
    ) {
      const before = await d.api("GET", "/api/state");
      const put = await d.api("PUT", "/api/state", appState(fe, next));
      assert.equal(put.status, 200, put.text);
      assert.equal(put.headers.get("patchpanel-apply"), "runtime");
      assert.ok(stages(put).includes("check-proven"), put.headers.get("server-timing")!);
      assert.ok(!stages(put).includes("check"));
      assert.notDeepEqual(before.body, put.body);
      const row = await runningRow(d, "app", "a");
      assert.equal(Number(row.srv_uweight), next[0].weight);
      // The proof's claim, against the real HAProxy: the cfg on disk passes haproxy -c.
      const real = await checkConfig("haproxy", d.paths.cfg);
      assert.ok(real.ok, real.output);
    }
    await assertReloadAgrees(d, "app");

    // An address is not covered: it is checked for real (a state never checked before).
    const moved = await d.api(
      "PUT",
      "/api/state",
      appState(fe, [{ ...servers[0], address: c.address, weight: 7 }, servers[1]]),
    );
    assert.equal(moved.status, 200, moved.text);
    assert.equal(moved.headers.get("patchpanel-apply"), "runtime");
    assert.ok(stages(moved).includes("check"), moved.headers.get("server-timing")!);
    assert.equal((await runningRow(d, "app", "a")).srv_port, c.address.split(":")[1]);
  } finally {
    await d.stop();
    for (const s of [a, b, c]) await s.close();
  }
});

Deno.test("check proof - apply.proveChecks: false runs haproxy -c on a weight change too", async () => {
  const a = serveNamed("a");
  const fe = freePort();
  const servers = [{ name: "a", address: a.address, weight: 10, check: false }];
  const d = await startTestDaemon({
    config: { apply: { proveChecks: false } },
    state: appState(fe, servers),
  });
  try {
    const put = await d.api("PUT", "/api/state", appState(fe, [{ ...servers[0], weight: 41 }]));
    assert.equal(put.status, 200, put.text);
    assert.equal(put.headers.get("patchpanel-apply"), "runtime");
    assert.ok(stages(put).includes("check"), put.headers.get("server-timing")!);
    assert.equal(Number((await runningRow(d, "app", "a")).srv_uweight), 41);
  } finally {
    await d.stop();
    await a.close();
  }
});

Deno.test("check proof - servers added with every keyword patchpanel writes spare the check, and the cfg passes it", async () => {
  const a = serveNamed("a");
  const fe = freePort();
  const base = [{ name: "a", address: a.address, weight: 10, check: false }];
  // A backend whose default-server arguments (health check timing) go with every add server.
  const shaped = (servers: unknown[]) =>
    appState(fe, servers, (st) => {
      st.haproxy.backends[0].healthCheck = {
        type: "http",
        path: "/",
        interval: "2s",
        rise: 2,
        fall: 3,
      };
    });
  const d = await startTestDaemon({ state: shaped(base) });
  const sinks = Array.from({ length: 5 }, () => serveNamed("x"));
  try {
    const added = [
      { name: "c1", address: sinks[0].address, weight: 3, check: true },
      { name: "b1", address: sinks[1].address, weight: 1, backup: true },
      { name: "m1", address: sinks[2].address, weight: 5, maxconn: 20 },
      { name: "d1", address: sinks[3].address, weight: 0, disabled: true },
      {
        name: "all",
        address: sinks[4].address,
        weight: 256,
        check: true,
        maxconn: 7,
        backup: true,
      },
    ];
    const servers: unknown[] = [...base];
    for (const server of added) {
      servers.push(server);
      const put = await d.api("PUT", "/api/state", shaped(servers));
      assert.equal(put.status, 200, put.text);
      assert.equal(
        put.headers.get("patchpanel-apply"),
        "runtime",
        `${JSON.stringify(server)}: ${
          JSON.stringify((await d.api("GET", "/api/audit?limit=1")).body)
        }`,
      );
      assert.ok(stages(put).includes("check-proven"), put.headers.get("server-timing")!);
      assert.ok(await runningRow(d, "app", server.name), `${server.name} runs`);
      const real = await checkConfig("haproxy", d.paths.cfg);
      assert.ok(real.ok, real.output);
    }
    await assertReloadAgrees(d, "app");
    // A removal is not covered: a rule may still name the server.
    const removed = await d.api("PUT", "/api/state", shaped(servers.slice(0, -1)));
    assert.equal(removed.status, 200, removed.text);
    assert.ok(stages(removed).includes("check"), removed.headers.get("server-timing")!);
  } finally {
    await d.stop();
    await a.close();
    for (const s of sinks) await s.close();
  }
});
