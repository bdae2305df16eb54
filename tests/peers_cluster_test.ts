// deno-lint-ignore-file no-explicit-any
/**
 * Three real daemons, each with its own HAProxy, on loopback ports. A pairs
 * with B and with C by pasted inbound tokens; each node listens on its own
 * frontend port through a node-local bind override (never pushed). A PUT on
 * A converges B and C, proved by traffic through each node's HAProxy; the
 * drift report then says in sync. A local edit on B shows as drift on A and
 * sync-now repairs it. A replayed push (same sender version) is refused with
 * 409; a state pushed by a peer is not pushed back.
 */
import assert from "node:assert/strict";
import {
  freePort,
  simpleState,
  startBackend,
  startTestDaemon,
  type TestDaemon,
  through,
  waitFor,
} from "./support/daemon.ts";
import { peers } from "../plugins/peers/mod.ts";

async function pair(from: TestDaemon, to: TestDaemon, name: string): Promise<string> {
  const minted = await to.api("POST", "/api/peers/inbound-tokens", { label: "from-a" });
  assert.equal(minted.status, 201, minted.text);
  const added = await from.api("POST", "/api/peers", {
    url: to.url,
    name,
    token: minted.body.token,
  });
  assert.equal(added.status, 201, added.text);
  // A plain-http peer is added, with a warning: its token and states travel in the clear.
  assert.match(added.body.warning, /plain http/);
  const listed = await from.api("GET", "/api/peers");
  const line = listed.body.peers.find((p: any) => p.id === added.body.id);
  assert.match(line.warning, /plain http/);
  return added.body.id;
}

async function serves(port: number, body: string): Promise<boolean> {
  return await waitFor(async () => (await through(port)).body === body, 15_000);
}

Deno.test("peers - a PUT on A converges B and C; drift; sync-now repairs a local edit; replay refused", async () => {
  const v1 = startBackend("v1");
  const v2 = startBackend("v2");
  const [feA, feB, feC] = [freePort(), freePort(), freePort()];
  const a = await startTestDaemon({ plugins: [peers()] });
  const b = await startTestDaemon({ plugins: [peers()] });
  const c = await startTestDaemon({ plugins: [peers()] });
  try {
    for (const [d, port] of [[b, feB], [c, feC]] as const) {
      const r = await d.api("PUT", "/api/node-config", {
        binds: { "fe-main/0": `127.0.0.1:${port}` },
      });
      assert.equal(r.status, 200, r.text);
    }
    const idB = await pair(a, b, "node-b");
    await pair(a, c, "node-c");

    const put1 = await a.api(
      "PUT",
      "/api/state",
      simpleState(feA, [{ name: "w", address: v1.address }]),
    );
    assert.equal(put1.status, 200, put1.text);
    assert.ok(await serves(feA, "v1"), "A serves v1");
    assert.ok(await serves(feB, "v1"), "B serves v1 on its node-local port");
    assert.ok(await serves(feC, "v1"), "C serves v1 on its node-local port");

    const put2 = await a.api(
      "PUT",
      "/api/state",
      simpleState(feA, [{ name: "w", address: v2.address }]),
    );
    assert.equal(put2.status, 200, put2.text);
    assert.ok(await serves(feB, "v2"), "B converged to v2");
    assert.ok(await serves(feC, "v2"), "C converged to v2");
    // B's HAProxy does not listen on A's port's behalf: the node-local value stayed local.
    assert.equal(
      (await b.api("GET", "/api/node-config")).body.binds["fe-main/0"],
      `127.0.0.1:${feB}`,
    );
    assert.equal((await a.api("GET", "/api/node-config")).body.binds["fe-main/0"], undefined);

    // HAProxy serves the new config a moment before the receiver's apply has stored the state.
    let drift: any;
    const inSync = await waitFor(async () => {
      drift = await a.api("GET", "/api/peers/drift");
      return drift.body.peers.every((p: any) => p.status === "in-sync");
    }, 15_000);
    assert.ok(inSync, drift.text);
    assert.equal(drift.body.peers.length, 2);
    assert.equal(typeof drift.body.peers[0].skewMs, "number");
    const listed = await a.api("GET", "/api/peers");
    assert.ok(listed.body.peers.every((p: any) => p.lastContactAt !== null));

    // B got its state from a peer and did not push it back (B has no peers; A's audit shows
    // only its own applies).
    const stateB = await b.api("GET", "/api/audit?category=state&limit=20");
    assert.ok(stateB.text.includes("peer:from-a"), stateB.text);
    // Its entry for the second push says what the push changed (entries are newest first).
    const pushed = stateB.body.entries.find((e: any) => e.actor === "peer:from-a" && e.target);
    assert.deepEqual(pushed?.changes, [
      { op: "change", entity: "server app/w", field: "address", from: v1.address, to: v2.address },
    ], stateB.text);

    // A local edit on B: drift on A, then sync-now repairs it.
    const local = await b.api(
      "PUT",
      "/api/state",
      simpleState(feA, [{ name: "w", address: v1.address }]),
    );
    assert.equal(local.status, 200, local.text);
    assert.ok(await serves(feB, "v1"));
    const drifted = await waitFor(async () => {
      const r = await a.api("GET", "/api/peers/drift");
      return r.body.peers.find((p: any) => p.id === idB).status === "drifted";
    }, 15_000);
    assert.ok(drifted, "a local edit on B shows as drift on A");
    const synced = await a.api("POST", `/api/peers/${idB}/sync-now`);
    assert.equal(synced.status, 200, synced.text);
    assert.equal(synced.body.ok, true, synced.text);
    assert.ok(await serves(feB, "v2"), "sync-now repaired B");
    const repaired = await waitFor(async () => {
      const r = await a.api("GET", "/api/peers/drift");
      return r.body.peers.find((p: any) => p.id === idB).status === "in-sync";
    }, 15_000);
    assert.ok(repaired, "in sync after sync-now");

    // A replayed push (a version B has already seen) is refused with 409.
    const minted = await b.api("POST", "/api/peers/inbound-tokens", { label: "replayer" });
    const raw = minted.body.token;
    const doc = JSON.stringify(simpleState(feA, [{ name: "w", address: v1.address }]));
    const headers = {
      authorization: `Bearer ${raw}`,
      "content-type": "application/json",
      "x-peer-version": "1000",
    };
    const first = await fetch(`${b.url}/api/peer/state`, { method: "POST", headers, body: doc });
    assert.equal(first.status, 200, await first.text());
    const replay = await fetch(`${b.url}/api/peer/state`, { method: "POST", headers, body: doc });
    const replayBody = await replay.json();
    assert.equal(replay.status, 409);
    assert.match(replayBody.error, /stale or replayed/);
    const older = await fetch(`${b.url}/api/peer/state`, {
      method: "POST",
      headers: { ...headers, "x-peer-version": "999" },
      body: doc,
    });
    assert.equal(older.status, 409);
    await older.body?.cancel();

    // An invalid state from a peer is refused by B's pipeline and the error passes back.
    const bad = await fetch(`${b.url}/api/peer/state`, {
      method: "POST",
      headers: { ...headers, "x-peer-version": "1001" },
      body: JSON.stringify({ version: 1, haproxy: { frontends: "nope" } }),
    });
    assert.ok(bad.status >= 400 && bad.status < 500, String(bad.status));
    await bad.body?.cancel();
  } finally {
    await a.stop();
    await b.stop();
    await c.stop();
    await v1.close();
    await v2.close();
  }
});

Deno.test("peers - a stopped peer shows unreachable, the push is retried, and it catches up", async () => {
  const v1 = startBackend("v1");
  const v2 = startBackend("v2");
  const [feA, feC, apiC] = [freePort(), freePort(), freePort()];
  const a = await startTestDaemon({ plugins: [peers()] });
  const cConfig = { listen: `127.0.0.1:${apiC}` };
  let c = await startTestDaemon({ plugins: [peers()], config: cConfig });
  try {
    await c.api("PUT", "/api/node-config", { binds: { "fe-main/0": `127.0.0.1:${feC}` } });
    const idC = await pair(a, c, "node-c");
    const put1 = await a.api(
      "PUT",
      "/api/state",
      simpleState(feA, [{ name: "w", address: v1.address }]),
    );
    assert.equal(put1.status, 200, put1.text);
    assert.ok(await serves(feC, "v1"));

    const dataDir = c.dataDir;
    await c.stop();
    const put2 = await a.api(
      "PUT",
      "/api/state",
      simpleState(feA, [{ name: "w", address: v2.address }]),
    );
    assert.equal(put2.status, 200, "A applies while C is down");
    const drift = await a.api("GET", "/api/peers/drift");
    const line = drift.body.peers.find((p: any) => p.id === idC);
    assert.equal(line.status, "unreachable");
    assert.notEqual(line.error, null);

    c = await startTestDaemon({ plugins: [peers()], config: cConfig, dataDir, setup: false });
    const caught = await waitFor(async () => (await through(feC)).body === "v2", 30_000);
    assert.ok(caught, "the retried push reached C once it was back");
    const back = await waitFor(async () => {
      const r = await a.api("GET", "/api/peers/drift");
      return r.body.peers.find((p: any) => p.id === idC).status === "in-sync";
    }, 30_000);
    assert.ok(back, "C in sync again");
  } finally {
    await a.stop();
    await c.stop();
    await v1.close();
    await v2.close();
  }
});
