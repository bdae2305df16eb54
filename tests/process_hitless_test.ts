/**
 * Hitless reloads for keep-alive clients: idle keep-alive connections,
 * reused between requests at about 150 requests/s, see no failed request
 * across 50 applies (each a real reload). Without `option
 * idle-close-on-response` in the rendered defaults, every reload's old
 * worker closes the idle connections it holds and a request written on one
 * of them is lost.
 *
 * @module
 */
import assert from "node:assert/strict";
import { freePort, simpleState, startBackend, startTestDaemon, waitFor } from "./support/daemon.ts";
import { startKeepAliveLoad } from "./support/keepalive.ts";

const APPLIES = 50;

Deno.test("hitless - 50 applies under keep-alive traffic fail no request", async () => {
  const backend = startBackend("b1");
  const fe = freePort();
  // Each apply reloads: a weight alone would apply at run time (runtime_apply.ts).
  const state = (i: number) => {
    const s = simpleState(fe, [{ name: "s1", address: backend.address, weight: 1 + (i % 7) }]);
    (s.haproxy as { defaults: { timeouts: { server: string } } }).defaults.timeouts.server = `${
      10 + (i % 7)
    }s`;
    return s;
  };
  const daemon = await startTestDaemon({ state: state(0) });
  const load = startKeepAliveLoad(fe, { connections: 4, pauseMs: 20 });
  try {
    for (let i = 1; i <= APPLIES; i++) {
      const before = load.report.ok;
      const res = await daemon.api("PUT", "/api/state", state(i));
      assert.equal(res.status, 200, res.text);
      // Let some requests reuse connections the new worker did not accept.
      assert.ok(await waitFor(() => load.report.ok >= before + 8, 20_000, 5), "traffic flows");
    }
  } finally {
    const report = await load.stop();
    await daemon.stop();
    await backend.close();
    const rate = (report.ok + report.failed) / (report.elapsedMs / 1000);
    console.log(
      `keep-alive load: ${report.ok} ok, ${report.failed} failed, ${report.reused} reused, ` +
        `${report.connections} connections, ${rate.toFixed(0)} req/s over ${APPLIES} applies`,
    );
    assert.equal(report.failed, 0, `failed requests: ${report.errors.join("; ")}`);
    assert.equal(report.non200, 0, "every answer is a 200");
    assert.ok(report.reused > report.ok / 2, "the traffic reuses keep-alive connections");
  }
});
