/**
 * A commit-confirmed window refuses applies that plugins start, not only
 * PUT: a peer's push (`POST /api/peer/state`) during a window is 409
 * `{error, pending}`, HAProxy keeps serving the window's change and the
 * window stays open with its rollback target; once the window is
 * confirmed, the same push applies. (certbot's installs: certbot_lock_test.ts.)
 */
import assert from "node:assert/strict";
import { startBackend, through } from "./support/daemon.ts";
import { freePort } from "./support/daemon.ts";
import { startConfirmDaemon, stateWith } from "./support/confirm.ts";
import { peers } from "../plugins/peers/mod.ts";

Deno.test("confirm plugins - a peer's push during a window is 409 {error, pending}, applied after", async () => {
  const one = startBackend("one");
  const two = startBackend("two");
  const three = startBackend("three");
  const fe = freePort();
  const d = await startConfirmDaemon(fe, one.address, { plugins: [peers()] });
  try {
    const minted = await d.api("POST", "/api/peers/inbound-tokens", { label: "peer-b" });
    assert.equal(minted.status, 201, minted.text);
    const push = (version: number) =>
      fetch(`${d.url}/api/peer/state`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${minted.body.token}`,
          "content-type": "application/json",
          "x-peer-version": String(version),
        },
        body: JSON.stringify(stateWith(fe, three.address)),
      });

    const put = await d.api("PUT", "/api/state?confirm=60s", stateWith(fe, two.address));
    assert.equal(put.status, 200, put.text);
    const opened = (await d.api("GET", "/api/state/pending")).body.pending;
    assert.ok(opened, "a window is pending");

    const refused = await push(1);
    const body = await refused.json();
    assert.equal(refused.status, 409, JSON.stringify(body));
    assert.equal(typeof body.error, "string");
    assert.match(body.error, /commit-confirmed window is pending/);
    assert.equal(body.pending.id, opened.id);
    assert.equal((await through(fe)).body, "two", "HAProxy still runs the window's change");
    const still = (await d.api("GET", "/api/state/pending")).body.pending;
    assert.equal(still?.id, opened.id, "the window goes on");
    assert.equal(still.rollbackTo, opened.rollbackTo);
    assert.equal(still.superseded, 0, "a peer never supersedes");
    const served = (await d.api("GET", "/api/state")).body;
    assert.equal(served.haproxy.backends[0].servers[0].address, two.address);

    // Once the window is confirmed, the push applies.
    assert.equal((await d.api("POST", "/api/state/confirm")).status, 200);
    const accepted = await push(2);
    const applied = await accepted.json();
    assert.equal(accepted.status, 200, JSON.stringify(applied));
    assert.equal(applied.applied, true);
    assert.equal((await through(fe)).body, "three");
  } finally {
    await d.stop();
    await one.close();
    await two.close();
    await three.close();
  }
});
