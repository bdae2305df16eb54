// deno-lint-ignore-file no-explicit-any
/**
 * A commit-confirmed window survives a daemon restart: the persisted window
 * is resumed (same id, same baseline, still guarding: traffic after the
 * restart trips it and rolls the change back), and a window that ran out
 * while the daemon was down is kept and audited as such.
 */
import assert from "node:assert/strict";
import { freePort, startBackend, type TestDaemon, through, waitFor } from "./support/daemon.ts";
import {
  deadAddress,
  startConfirmDaemon,
  startTraffic,
  stateWith,
  type Traffic,
  waitEnded,
  warmUp,
} from "./support/confirm.ts";

Deno.test("confirm restart - a window pending at a restart is resumed and still rolls back", async () => {
  const live = startBackend("live");
  const fe = freePort();
  let d: TestDaemon | null = await startConfirmDaemon(fe, live.address);
  let traffic: Traffic | null = startTraffic(fe);
  try {
    assert(await warmUp(traffic));
    // The baseline is the minute before the apply; no traffic after it, so nothing trips yet.
    await traffic.stop();
    traffic = null;
    const put = await d.api(
      "PUT",
      "/api/state?confirm=120s&minRequests=5",
      stateWith(fe, deadAddress()),
    );
    assert.equal(put.status, 200, put.text);
    const before = (await d.api("GET", "/api/state/pending")).body.pending;
    assert(before.baseline["frontend/fe-main"].responses >= 5, JSON.stringify(before.baseline));

    const dataDir = d.dataDir;
    await d.stop({ haproxy: false });
    d = null;
    d = await startConfirmDaemon(fe, live.address, { dataDir, noState: true });
    const dd = d;
    let resumed: any = null;
    assert(
      await waitFor(async () => {
        resumed = (await dd.api("GET", "/api/state/pending")).body.pending;
        return resumed !== null;
      }),
    );
    assert.equal(resumed.id, before.id);
    assert.deepEqual(resumed.baseline, before.baseline);
    assert(resumed.timeLeftMs > 0);

    // Traffic now meets the dead port: the resumed window's guards roll the change back.
    traffic = startTraffic(fe);
    const last = await waitEnded(d);
    assert.equal(last.id, before.id);
    assert.equal(last.status, "rolled-back", JSON.stringify(last));
    assert(await waitFor(async () => (await through(fe)).body === "live", 10_000));
  } finally {
    await traffic?.stop();
    await d?.stop();
    await live.close();
  }
});

Deno.test("confirm restart - a window that ran out while the daemon was down is kept and audited", async () => {
  const one = startBackend("one");
  const two = startBackend("two");
  const fe = freePort();
  let d: TestDaemon | null = await startConfirmDaemon(fe, one.address);
  try {
    const put = await d.api("PUT", "/api/state?confirm=4s", stateWith(fe, two.address));
    assert.equal(put.status, 200, put.text);
    const opened = (await d.api("GET", "/api/state/pending")).body.pending;
    const id = opened.id;
    const dataDir = d.dataDir;
    // Stopped well inside the window: it is still pending on disk.
    await d.stop({ haproxy: false });
    d = null;
    const onDisk = JSON.parse(await Deno.readTextFile(`${dataDir}/confirm-window.json`));
    assert.equal(onDisk.pending?.id, id);
    // Down until the window has run out.
    await new Promise((r) => setTimeout(r, Math.max(0, opened.endsAt - Date.now()) + 300));
    d = await startConfirmDaemon(fe, one.address, { dataDir, noState: true });
    const dd = d;
    const last = await waitEnded(dd, 10_000);
    assert.equal(last.id, id);
    assert.equal(last.status, "kept", JSON.stringify(last));
    assert.equal((await through(fe)).body, "two");
    const audit = await dd.api("GET", "/api/audit?category=state&limit=50");
    const kept = audit.body.entries.find((e: any) => e.action === "confirm:kept");
    assert(kept, "confirm:kept is audited");
    const details = typeof kept.details === "string" ? JSON.parse(kept.details) : kept.details;
    assert.equal(details.whileDown, true);
  } finally {
    await d?.stop();
    await one.close();
    await two.close();
  }
});
