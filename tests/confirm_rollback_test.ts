// deno-lint-ignore-file no-explicit-any
/**
 * Commit-confirmed applies against real HAProxy and real traffic: a change
 * that points the backend at a dead port is rolled back by the guards
 * within its window, traffic recovers, and the audit entry carries the
 * readings before and after.
 */
import assert from "node:assert/strict";
import { startReceiver } from "./support/receiver.ts";
import { notifications } from "../plugins/notifications/mod.ts";
import { freePort, startBackend, through, waitFor } from "./support/daemon.ts";
import {
  deadAddress,
  startConfirmDaemon,
  startTraffic,
  stateWith,
  waitEnded,
  warmUp,
} from "./support/confirm.ts";

Deno.test("a change to a dead port is rolled back by the guards and traffic recovers", async () => {
  const live = startBackend("live");
  const fe = freePort();
  const rx = startReceiver();
  const channel = (s: any) => {
    s.notifications = {
      channels: [{ id: "ops", type: "webhook", config: { url: `${rx.url}/ops` } }],
    };
  };
  const d = await startConfirmDaemon(fe, live.address, {
    plugins: [notifications()],
    extra: channel,
  });
  const traffic = startTraffic(fe);
  try {
    assert(await warmUp(traffic), "baseline traffic flows");
    const put = await d.api(
      "PUT",
      "/api/state?confirm=60s&minRequests=5",
      stateWith(fe, deadAddress(), channel),
    );
    assert.equal(put.status, 200, put.text);
    assert(put.headers.get("patchpanel-confirm"), "the answer names the window");
    const pending = await d.api("GET", "/api/state/pending");
    assert.equal(pending.body.pending?.status, "pending");
    assert(pending.body.pending.timeLeftMs > 0);

    const last = await waitEnded(d);
    assert.equal(last.status, "rolled-back", JSON.stringify(last));
    assert(/5xx/.test(last.why), last.why);
    assert(last.restoredSnapshot, "the rollback recorded a snapshot");

    // Traffic recovers: the live server answers again (fresh connections).
    assert(await waitFor(async () => (await through(fe)).body === "live", 10_000));
    const current = await d.api("GET", "/api/state");
    assert.equal(current.body.haproxy.backends[0].servers[0].address, live.address);

    const audit = await d.api("GET", "/api/audit?category=state&limit=50");
    const entry = audit.body.entries.find((e: any) => e.action === "rollback:auto");
    assert(entry, "rollback:auto is audited");
    const details = typeof entry.details === "string" ? JSON.parse(entry.details) : entry.details;
    assert(details.baseline["frontend/fe-main"].responses >= 5, JSON.stringify(details.baseline));
    assert(details.live["frontend/fe-main"].r5xx > 0, JSON.stringify(details.live));
    assert(details.verdicts.some((v: any) => v.status === "tripped"));

    // The event reaches notifications: a webhook notice says the change was rolled back.
    assert(await waitFor(() => rx.got.some((g) => g.body.includes("apply:rolled-back")), 10_000));
    const notice = JSON.parse(rx.got.find((g) => g.body.includes("apply:rolled-back"))!.body);
    assert.equal(notice.level, "warning");
    assert.match(notice.message, new RegExp(last.id));
  } finally {
    await traffic.stop();
    await d.stop();
    await live.close();
    await rx.close();
  }
});
