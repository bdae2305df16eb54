/**
 * The console's peers page, without JavaScript: on B an admin mints an
 * inbound token (shown once on the answering page); on A the admin pastes it
 * into "Add a peer", sees the peer with its last contact, the plain-http
 * warning and its drift, pushes with "Sync now", and removes it through the
 * confirmation step. On B the token is disabled and deleted. A viewer sees
 * the list but no forms, and a viewer's post is refused.
 */
import assert from "node:assert/strict";
import { startTestDaemon, type TestDaemon } from "./support/daemon.ts";
import { peers } from "../plugins/peers/mod.ts";

function pages(d: TestDaemon, s: { cookie: string; csrfToken: string }) {
  return (method: string, path: string, form?: Record<string, string>) =>
    fetch(`${d.url}${path}`, {
      method,
      redirect: "manual",
      headers: {
        cookie: s.cookie,
        ...(form ? { "content-type": "application/x-www-form-urlencoded" } : {}),
      },
      body: form ? new URLSearchParams({ _csrf: s.csrfToken, ...form }) : undefined,
    });
}

Deno.test("peers page - mint on B, add on A, drift, sync now, delete; viewers only look", async () => {
  const a = await startTestDaemon({ plugins: [peers()] });
  const b = await startTestDaemon({ plugins: [peers()] });
  try {
    const pageA = pages(a, await a.login());
    const pageB = pages(b, await b.login());

    const minted = await pageB("POST", "/peers", { _step: "mint", label: "node-a" });
    const mintedHtml = await minted.text();
    assert.equal(minted.status, 200, mintedHtml);
    const token = /<code class="secret">(ppeer_[A-Za-z0-9_-]+)<\/code>/.exec(mintedHtml)?.[1];
    assert.ok(token, "the raw token is on the answering page");
    const again = await (await pageB("GET", "/peers")).text();
    assert.ok(!again.includes(token), "and nowhere afterwards");
    assert.match(again, /node-a/);

    const bad = await pageA("POST", "/peers", {
      _step: "add-peer",
      name: "node-b",
      url: b.url,
      token: "pp_not-a-peer-token-at-all",
    });
    assert.equal(bad.status, 400);
    assert.match(await bad.text(), /raw inbound token/);

    const added = await pageA("POST", "/peers", {
      _step: "add-peer",
      name: "node-b",
      url: b.url,
      token,
    });
    assert.equal(added.status, 303, await added.text());
    const listed = await (await pageA("GET", "/peers")).text();
    assert.match(listed, /node-b/);
    assert.match(listed, /plain http/);
    assert.match(listed, /in sync/);
    assert.doesNotMatch(listed, /Last contact \(UTC\)<\/th>[\s\S]*>never</);
    assert.ok(!listed.includes(token), "the outbound token is never shown");
    const id = (await a.api("GET", "/api/peers")).body.peers[0].id;

    const synced = await pageA("POST", "/peers", { _step: "sync", id });
    assert.equal(synced.status, 303);
    await synced.body?.cancel();
    const audit = await a.api("GET", "/api/audit?category=cluster&limit=20");
    assert.ok(
      audit.body.entries.some((e: { action: string; outcome: string }) =>
        e.action === "sync-now" && e.outcome === "success"
      ),
      audit.text,
    );

    // Viewers see the page without forms; their posts are refused.
    await a.addUser("watcher", "viewer");
    const viewer = await a.login("watcher");
    const pageV = pages(a, viewer);
    const seen = await (await pageV("GET", "/peers")).text();
    assert.match(seen, /node-b/);
    assert.doesNotMatch(seen, /Add peer|Mint token|Sync now/);
    const refused = await pageV("POST", "/peers", { _step: "sync", id });
    assert.equal(refused.status, 403);
    await refused.body?.cancel();

    const ask = await pageA("POST", "/peers", {
      _step: "delete-peer",
      id,
      name: "node-b",
      _confirm: "ask",
    });
    assert.equal(ask.status, 200);
    assert.match(await ask.text(), /Remove the peer node-b\?/);
    assert.equal((await a.api("GET", "/api/peers")).body.peers.length, 1, "asked, not done");
    const removed = await pageA("POST", "/peers", {
      _step: "delete-peer",
      id,
      name: "node-b",
      _confirm: "yes",
    });
    assert.equal(removed.status, 303);
    await removed.body?.cancel();
    assert.equal((await a.api("GET", "/api/peers")).body.peers.length, 0);

    const tokenId = (await b.api("GET", "/api/peers/inbound-tokens")).body.tokens[0].id;
    const disabled = await pageB("POST", "/peers", {
      _step: "toggle-token",
      id: tokenId,
      disabled: "true",
    });
    assert.equal(disabled.status, 303);
    await disabled.body?.cancel();
    assert.equal((await b.api("GET", "/api/peers/inbound-tokens")).body.tokens[0].disabled, true);
    const gone = await pageB("POST", "/peers", {
      _step: "delete-token",
      id: tokenId,
      label: "node-a",
      _confirm: "yes",
    });
    assert.equal(gone.status, 303);
    await gone.body?.cancel();
    assert.equal((await b.api("GET", "/api/peers/inbound-tokens")).body.tokens.length, 0);
  } finally {
    await a.stop();
    await b.stop();
  }
});
