// deno-lint-ignore-file no-explicit-any
/**
 * The commit-confirmed window's life on a real daemon and HAProxy: a
 * harmless change under traffic is kept when the window runs out; confirm
 * ends it early; cancel rolls back; a second apply is 409 `{error, pending}`
 * unless it supersedes (which keeps the original rollback target); PATCH
 * and snapshot restore open windows too; a window without traffic says
 * "not enough traffic" instead of guessing; bad parameters are 400.
 */
import assert from "node:assert/strict";
import { freePort, startBackend, through, waitFor } from "./support/daemon.ts";
import {
  startConfirmDaemon,
  startTraffic,
  stateWith,
  waitEnded,
  warmUp,
} from "./support/confirm.ts";

const PATCH_TYPE = { "content-type": "application/json-patch+json" };

function auditActions(entries: any[]): string[] {
  return entries.map((e) => e.action);
}

Deno.test("confirm window - a harmless change under traffic is kept when the window runs out", async () => {
  const one = startBackend("one");
  const two = startBackend("two");
  const fe = freePort();
  const d = await startConfirmDaemon(fe, one.address);
  const traffic = startTraffic(fe);
  try {
    assert(await warmUp(traffic));
    const put = await d.api(
      "PUT",
      "/api/state?confirm=3s&minRequests=5",
      stateWith(fe, two.address),
    );
    assert.equal(put.status, 200, put.text);
    const last = await waitEnded(d);
    assert.equal(last.status, "kept", JSON.stringify(last));
    const fivexx = last.verdicts.filter((v: any) => v.guard === "5xx");
    assert(
      fivexx.length > 0 && fivexx.every((v: any) => v.status === "ok"),
      JSON.stringify(fivexx),
    );
    assert.equal((await through(fe)).body, "two");
    // The audit entry is written right after the window's record ends.
    let actions: string[] = [];
    assert(
      await waitFor(async () => {
        const audit = await d.api("GET", "/api/audit?category=state&limit=50");
        actions = auditActions(audit.body.entries);
        return actions.includes("confirm:kept");
      }),
      actions.join(","),
    );
    assert(!actions.includes("rollback:auto"));
  } finally {
    await traffic.stop();
    await d.stop();
    await one.close();
    await two.close();
  }
});

Deno.test("confirm window - confirm, cancel, 409, supersede, PATCH, restore, too little traffic", async () => {
  const one = startBackend("one");
  const two = startBackend("two");
  const three = startBackend("three");
  const fe = freePort();
  const d = await startConfirmDaemon(fe, one.address);
  try {
    // No traffic at all: the guards say so instead of guessing, and nothing trips.
    const opened = await d.api("PUT", "/api/state?confirm=60s", stateWith(fe, two.address));
    assert.equal(opened.status, 200, opened.text);
    let view: any = null;
    assert(
      await waitFor(async () => {
        view = (await d.api("GET", "/api/state/pending")).body;
        return view.pending?.verdicts?.length > 0;
      }, 10_000),
    );
    const insufficient = view.pending.verdicts.filter((v: any) => v.status === "insufficient");
    assert(
      insufficient.some((v: any) => /not enough traffic/.test(v.detail)),
      JSON.stringify(view),
    );
    assert(!view.pending.verdicts.some((v: any) => v.status === "tripped"));
    const rollbackTo = view.pending.rollbackTo;

    // A second apply during the window: 409 {error, pending}.
    const second = await d.api("PUT", "/api/state", stateWith(fe, three.address));
    assert.equal(second.status, 409, second.text);
    assert.equal(typeof second.body.error, "string");
    assert.equal(second.body.pending.id, view.pending.id);
    assert.equal((await through(fe)).body, "two");

    // supersede=true applies and keeps the original rollback target.
    const sup = await d.api("PUT", "/api/state?supersede=true", stateWith(fe, three.address));
    assert.equal(sup.status, 200, sup.text);
    const afterSup = (await d.api("GET", "/api/state/pending")).body.pending;
    assert.equal(afterSup.id, view.pending.id);
    assert.equal(afterSup.rollbackTo, rollbackTo);
    assert.equal(afterSup.superseded, 1);
    assert.equal((await through(fe)).body, "three");

    // cancel rolls back to the state before the first apply of the window.
    const cancel = await d.api("POST", "/api/state/cancel");
    assert.equal(cancel.status, 200, cancel.text);
    assert.equal(cancel.body.window.status, "cancelled");
    assert.equal((await through(fe)).body, "one");
    assert.equal((await d.api("GET", "/api/state/pending")).body.pending, null);
    assert.equal((await d.api("POST", "/api/state/cancel")).status, 409);
    assert.equal((await d.api("POST", "/api/state/confirm")).status, 409);

    // PATCH ?confirm opens a window; confirm ends it early and keeps the change.
    const patch = await d.api("PATCH", "/api/state?confirm=60s", [
      { op: "replace", path: "/haproxy/backends/0/servers/0/address", value: two.address },
    ], PATCH_TYPE);
    assert.equal(patch.status, 200, patch.text);
    assert(patch.headers.get("patchpanel-confirm"));
    const confirmed = await d.api("POST", "/api/state/confirm");
    assert.equal(confirmed.status, 200, confirmed.text);
    assert.equal(confirmed.body.window.status, "confirmed");
    assert.equal((await d.api("GET", "/api/state/pending")).body.pending, null);
    assert.equal((await through(fe)).body, "two");

    // Snapshot restore ?confirm opens a window; cancel puts the pre-restore state back.
    const restore = await d.api("POST", `/api/snapshots/${rollbackTo}/restore?confirm=60s`);
    assert.equal(restore.status, 200, restore.text);
    assert(restore.headers.get("patchpanel-confirm"));
    assert.equal((await through(fe)).body, "one");
    assert.equal((await d.api("POST", "/api/state/cancel")).status, 200);
    assert.equal((await through(fe)).body, "two");

    const actions = auditActions(
      (await d.api("GET", "/api/audit?category=state&limit=100")).body
        .entries,
    );
    for (
      const a of ["confirm:opened", "confirm:superseded", "rollback:cancel", "confirm:confirmed"]
    ) {
      assert(actions.includes(a), `${a} audited: ${actions}`);
    }
  } finally {
    await d.stop();
    await one.close();
    await two.close();
    await three.close();
  }
});

Deno.test("confirm window - malformed or out-of-range parameters are 400 and apply nothing", async () => {
  const one = startBackend("one");
  const two = startBackend("two");
  const fe = freePort();
  const d = await startConfirmDaemon(fe, one.address);
  try {
    for (
      const q of [
        "confirm=soon",
        "confirm=500ms",
        "confirm=2h",
        "confirm=10s&supersede=maybe",
        "confirm=10s&minRequests=0",
        "confirm=10s&maxErrorRisePct=-1",
        "confirm=10s&serversDown=yes",
      ]
    ) {
      const res = await d.api("PUT", `/api/state?${q}`, stateWith(fe, two.address));
      assert.equal(res.status, 400, `${q}: ${res.text}`);
      assert.equal(typeof res.body.error, "string", res.text);
    }
    assert.equal((await through(fe)).body, "one");
    assert.equal((await d.api("GET", "/api/state/pending")).body.pending, null);
  } finally {
    await d.stop();
    await one.close();
    await two.close();
  }
});

Deno.test("confirm window - cancel restores with the caller's role: an operator cannot undo an admin's change", async () => {
  const one = startBackend("one");
  const fe = freePort();
  const d = await startConfirmDaemon(fe, one.address);
  try {
    const operator = await d.mintToken("operator");
    const current = (await d.api("GET", "/api/state")).body;
    current.haproxy.global.maxconn = 4321;
    const put = await d.api("PUT", "/api/state?confirm=60s", current);
    assert.equal(put.status, 200, put.text);
    // The operator may cancel (route role), but the restore would change an admin-only field.
    const refused = await d.api("POST", "/api/state/cancel", undefined, {}, { as: operator });
    assert.equal(refused.status, 403, refused.text);
    assert.equal((await d.api("GET", "/api/state/pending")).body.pending?.status, "pending");
    const byAdmin = await d.api("POST", "/api/state/cancel");
    assert.equal(byAdmin.status, 200, byAdmin.text);
    assert.notEqual((await d.api("GET", "/api/state")).body.haproxy.global.maxconn, 4321);
  } finally {
    await d.stop();
    await one.close();
  }
});
