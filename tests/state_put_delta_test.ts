/**
 * A PUT of the text `GET /api/state` gave, with backends changed in place
 * (body_delta.ts reads only that span): the running HAProxy does what the
 * new text says, `GET` gives that text back, and a body that is not such a
 * text (a frontend changed too, a broken span) goes through the whole parse
 * with its usual answers.
 *
 * @module
 */
import assert from "node:assert/strict";
import { freePort, startTestDaemon } from "./support/daemon.ts";
import { appState, runningRow, runningRows, serveNamed } from "./support/live.ts";

Deno.test("PUT delta - a GET's text with one server's weight changed applies, and GET gives it back", async () => {
  const [a, b] = [serveNamed("a"), serveNamed("b")];
  const fe = freePort();
  const state = appState(fe, [
    { name: "a", address: a.address, weight: 10 },
    { name: "b", address: b.address, weight: 10 },
  ], (s) => {
    s.haproxy.backends.push({
      id: "spare",
      servers: [{ name: "c", address: b.address, check: false }],
    });
  });
  const d = await startTestDaemon({ state });
  try {
    const before = (await d.api("GET", "/api/state")).text;
    const at = before.indexOf('"name":"a"');
    const weight = before.indexOf('"weight":10', at);
    assert.ok(at > 0 && weight > at);
    const changed = before.slice(0, weight) + '"weight":33' + before.slice(weight + 11);
    const put = await d.api("PUT", "/api/state", changed);
    assert.equal(put.status, 200, put.text);
    assert.equal(put.headers.get("patchpanel-apply"), "runtime");
    assert.equal(Number((await runningRow(d, "app", "a")).srv_uweight), 33);
    assert.equal((await d.api("GET", "/api/state")).text, changed);

    // A backend added after the last one and a frontend's port changed: parsed whole.
    const fe2 = freePort();
    const now = (await d.api("GET", "/api/state")).text;
    const close = now.indexOf('],"stats"');
    assert.ok(close > 0);
    const both = (now.slice(0, close) +
      `,{"id":"extra","servers":[{"name":"x","address":"${a.address}","check":false}]}` +
      now.slice(close)).replace(`127.0.0.1:${fe}`, `127.0.0.1:${fe2}`);
    const whole = await d.api("PUT", "/api/state", both);
    assert.equal(whole.status, 200, whole.text);
    assert.ok((await runningRows(d, "extra")).has("x"));
    const served = await fetch(`http://127.0.0.1:${fe2}/`);
    assert.equal(served.status, 200);
    await served.body?.cancel();

    // A broken span is the whole parse's 400, and nothing changes.
    const current = (await d.api("GET", "/api/state")).text;
    const broken = current.replace('"weight":33', '"weight":');
    const refused = await d.api("PUT", "/api/state", broken);
    assert.equal(refused.status, 400, refused.text);
    assert.match(refused.body.error, /malformed JSON/);
    assert.equal((await d.api("GET", "/api/state")).text, current);
  } finally {
    await d.stop();
    await a.close();
    await b.close();
  }
});
