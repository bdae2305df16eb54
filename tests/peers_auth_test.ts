// deno-lint-ignore-file no-explicit-any
/**
 * The peers plugin's tokens and auth split, against a real daemon: an
 * inbound token is minted once (raw value only in that answer, stored as a
 * digest), listed without its value, renamed, disabled and deleted;
 * `/api/peer/*` takes only a raw inbound token and `/api/peers/*` only API
 * tokens and sessions, every mix-up a 401 in the documented envelope; peers
 * are listed with their outbound token redacted.
 */
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { join } from "node:path";
import { startTestDaemon } from "./support/daemon.ts";
import { peers } from "../plugins/peers/mod.ts";

function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

Deno.test("peers - inbound tokens, the /api/peer vs /api/peers split, redacted peers", async () => {
  const d = await startTestDaemon({ plugins: [peers()] });
  try {
    const minted = await d.api("POST", "/api/peers/inbound-tokens", { label: "node-a-pairing" });
    assert.equal(minted.status, 201, minted.text);
    const raw: string = minted.body.token;
    assert.match(raw, /^ppeer_[A-Za-z0-9_-]{43}$/);
    assert.equal(minted.body.label, "node-a-pairing");

    // Listed without the value; the database holds a digest, never the raw token.
    const list = await d.api("GET", "/api/peers/inbound-tokens");
    assert.equal(list.status, 200);
    assert.equal(list.body.tokens.length, 1);
    assert.equal(list.body.tokens[0].token, undefined);
    assert.ok(!list.text.includes(raw));
    const files = [...Deno.readDirSync(d.dataDir)].map((e) => e.name).filter((n) =>
      n.endsWith(".db") || n.endsWith(".sqlite")
    );
    assert.ok(files.length > 0, "a database file exists");
    for (const f of files) {
      const db = new DatabaseSync(join(d.dataDir, f), { readOnly: true });
      try {
        const row = db.prepare("SELECT * FROM peers_inbound_tokens").get() as any;
        if (row) assert.ok(!JSON.stringify(row).includes(raw));
      } catch { /* not the shared database */ }
      db.close();
    }

    // The raw token opens /api/peer/*.
    const clock = await d.api("GET", "/api/peer/clock", undefined, bearer(raw));
    assert.equal(clock.status, 200, clock.text);
    assert.equal(typeof clock.body.now, "number");
    const sum = await d.api("GET", "/api/peer/state-checksum", undefined, bearer(raw));
    assert.equal(sum.status, 200);
    assert.match(sum.body.checksum, /^[0-9a-f]{64}$/);

    // Mix-ups: a pp_ token on /api/peer, a raw token on /api/peers, nothing at all.
    const wrongWay = await d.api("GET", "/api/peer/clock", undefined, bearer(d.adminToken));
    assert.equal(wrongWay.status, 401);
    assert.equal(wrongWay.body.error, "AuthError");
    assert.match(wrongWay.body.message, /raw inbound peer token/);
    const other = await d.api("GET", "/api/peers", undefined, bearer(raw));
    assert.equal(other.status, 401);
    assert.equal(other.body.error, "AuthError");
    const none = await d.api("GET", "/api/peer/state-checksum", undefined, undefined, {
      as: "anonymous",
    });
    assert.equal(none.status, 401);
    assert.equal(none.body.error, "AuthError");
    const session = await d.login();
    const bySession = await d.api("GET", "/api/peer/clock", undefined, {
      cookie: session.cookie,
    });
    assert.equal(bySession.status, 401);

    // Rename, disable (refused afterwards), enable, delete (refused afterwards).
    const id = minted.body.id;
    const renamed = await d.api("PATCH", `/api/peers/inbound-tokens/${id}`, { label: "node-a" });
    assert.equal(renamed.status, 200);
    assert.equal(renamed.body.label, "node-a");
    assert.notEqual(renamed.body.lastUsedAt, null);
    await d.api("PATCH", `/api/peers/inbound-tokens/${id}`, { disabled: true });
    assert.equal((await d.api("GET", "/api/peer/clock", undefined, bearer(raw))).status, 401);
    await d.api("PATCH", `/api/peers/inbound-tokens/${id}`, { disabled: false });
    assert.equal((await d.api("GET", "/api/peer/clock", undefined, bearer(raw))).status, 200);
    assert.equal((await d.api("DELETE", `/api/peers/inbound-tokens/${id}`)).status, 200);
    assert.equal((await d.api("GET", "/api/peer/clock", undefined, bearer(raw))).status, 401);
    assert.equal((await d.api("DELETE", `/api/peers/inbound-tokens/${id}`)).status, 404);

    // Peers: the outbound token is stored but never shown.
    const secret = "ppeer_" + "x".repeat(43);
    const added = await d.api("POST", "/api/peers", {
      url: "https://127.0.0.1:1/",
      name: "node-b",
      token: secret,
    });
    assert.equal(added.status, 201, added.text);
    assert.equal(added.body.token, "[redacted]");
    assert.equal(added.body.url, "https://127.0.0.1:1");
    assert.equal(added.body.lastContactAt, null);
    const listed = await d.api("GET", "/api/peers");
    assert.equal(listed.body.peers.length, 1);
    assert.ok(!listed.text.includes(secret));
    const dup = await d.api("POST", "/api/peers", {
      url: "https://127.0.0.1:2",
      name: "node-b",
      token: secret,
    });
    assert.equal(dup.status, 409);
    const apiToken = await d.api("POST", "/api/peers", {
      url: "https://127.0.0.1:2",
      name: "node-c",
      token: d.adminToken,
    });
    assert.equal(apiToken.status, 400);

    // Changing cluster config is admin: an operator token is refused.
    const op = await d.mintToken("operator");
    const byOp = await d.api("POST", "/api/peers/inbound-tokens", { label: "x" }, bearer(op));
    assert.equal(byOp.status, 403);

    assert.equal((await d.api("DELETE", `/api/peers/${added.body.id}`)).status, 200);
    assert.equal((await d.api("GET", "/api/peers")).body.peers.length, 0);

    const audit = await d.api("GET", "/api/audit?category=cluster&limit=50");
    assert.equal(audit.status, 200, audit.text);
    assert.ok(!audit.text.includes(raw));
    assert.ok(!audit.text.includes(secret));
  } finally {
    await d.stop();
  }
});
