/**
 * The system page and the access-log page over plain HTTP with real
 * sessions, no JavaScript: the system page shows the control strategy, TLS
 * capabilities and interfaces to an admin (not to an operator), its reload
 * button reloads HAProxy and stop asks first; the logs page lists filtered
 * lines and hides client addresses from a viewer.
 *
 * @module
 */
import assert from "node:assert/strict";
import { freePort, startBackend, startTestDaemon, waitFor } from "./support/daemon.ts";
import { accessLog } from "../plugins/accesslog/mod.ts";

Deno.test("system page - process, TLS, interfaces; reload and stop are forms", async () => {
  const d = await startTestDaemon();
  try {
    const session = await d.login();
    const page = await fetch(`${d.url}/system`, { headers: { cookie: session.cookie } });
    const text = await page.text();
    assert.equal(page.status, 200, text);
    assert.match(text, /HAProxy process/);
    assert.match(text, /embedded/);
    assert.match(text, /TLSv1\.3/);
    assert.match(text, /127\.0\.0\.1\/8/);
    assert.match(text, /name="op" value="reload"/);

    const post = (fields: Record<string, string>) =>
      fetch(`${d.url}/system`, {
        method: "POST",
        redirect: "manual",
        headers: {
          cookie: session.cookie,
          "content-type": "application/x-www-form-urlencoded",
          origin: d.url,
        },
        body: new URLSearchParams({ _csrf: session.csrfToken, ...fields }),
      });
    const before = (await d.api("GET", "/api/haproxy/control-strategy")).body.reloads;
    const reload = await post({ op: "reload" });
    await reload.body?.cancel();
    assert.equal(reload.status, 303);
    const after = (await d.api("GET", "/api/haproxy/control-strategy")).body.reloads;
    assert.equal(after, before + 1);
    const stop = await post({ op: "stop" });
    const ask = await stop.text();
    assert.equal(stop.status, 200);
    assert.match(ask, /Stop HAProxy\?/);
    assert.equal((await d.api("GET", "/api/haproxy/control-strategy")).body.running, true);

    await d.addUser("op1", "operator");
    const op = await d.login("op1", "op1-password-123");
    const denied = await fetch(`${d.url}/system`, { headers: { cookie: op.cookie } });
    await denied.body?.cancel();
    assert.equal(denied.status, 403);
  } finally {
    await d.stop();
  }
});

Deno.test("logs page - filtered lines without JavaScript; viewers see no client", async () => {
  const a = startBackend("a");
  const fe = freePort();
  const d = await startTestDaemon({
    plugins: [accessLog()],
    state: {
      version: 1,
      haproxy: {
        defaults: { mode: "http", timeouts: { connect: "2s", client: "5s", server: "5s" } },
        frontends: [{ id: "fe", binds: [{ address: `127.0.0.1:${fe}` }], defaultBackend: "app" }],
        backends: [{ id: "app", servers: [{ name: "a1", address: a.address, check: false }] }],
      },
    },
  });
  try {
    for (const path of ["/page-one", "/page-two"]) {
      await (await fetch(`http://127.0.0.1:${fe}${path}`)).body?.cancel();
    }
    assert.ok(await waitFor(async () => (await d.api("GET", "/api/logs")).body.received >= 2));
    await d.addUser("v1", "viewer");
    const viewer = await d.login("v1", "v1-password-123");
    const page = await fetch(`${d.url}/logs?backend=app`, { headers: { cookie: viewer.cookie } });
    const text = await page.text();
    assert.equal(page.status, 200, text);
    assert.match(text, /GET \/page-one HTTP\/1\.1/);
    assert.match(text, /GET \/page-two HTTP\/1\.1/);
    assert.match(text, /data-island="log-tail"/);
    assert.ok(!text.includes('name="client"'), "a viewer got the client filter");
    const none = await fetch(`${d.url}/logs?backend=other`, { headers: { cookie: viewer.cookie } });
    assert.match(await none.text(), /No lines match/);
  } finally {
    await d.stop();
    await a.close();
  }
});
