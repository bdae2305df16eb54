/**
 * The defaults and global forms in a real browser, through forms only:
 * the API's defaults are what the form shows, a bad value comes back as a
 * 422 on its field, and each applied change is proved on the running
 * HAProxy: a `timeout server` turns a slow answer into a 504, a log target
 * receives HAProxy's syslog datagrams in the chosen facility and format, a
 * stats socket answers the Runtime API at the chosen level, and the stats
 * listener serves HAProxy's statistics page. An admin socket on an address
 * other than loopback is warned about.
 *
 * @module
 */
import assert from "node:assert/strict";
import { defaultPlugins } from "../plugins/mod.ts";
import { freePort, startTestDaemon, through, waitFor } from "./support/daemon.ts";
import { launchBrowser } from "./support/browser.ts";
import { apply, fieldError, review, signedIn } from "./support/console.ts";

/** A loopback server that answers `/slow` after `delayMs` and anything else at once. */
function slowServer(delayMs: number) {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (r) => {
    if (new URL(r.url).pathname === "/slow") await new Promise((ok) => setTimeout(ok, delayMs));
    return new Response("ok");
  });
  return { address: `127.0.0.1:${(server.addr as Deno.NetAddr).port}`, server };
}

/** Sends one Runtime API command over TCP and returns the whole answer. */
async function runtime(port: number, command: string): Promise<string> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    await conn.write(new TextEncoder().encode(`${command}\n`));
    let out = "";
    const buf = new Uint8Array(65536);
    for (;;) {
      const n = await conn.read(buf);
      if (n === null) break;
      out += new TextDecoder().decode(buf.subarray(0, n));
    }
    return out;
  } finally {
    try {
      conn.close();
    } catch { /* closed by HAProxy */ }
  }
}

Deno.test("ui settings - defaults and global forms: API defaults, 422 on the field, applied and proved on HAProxy", async () => {
  const app = slowServer(3000);
  const fePort = freePort();
  const statsPort = freePort();
  const sockPort = freePort();
  const syslog = Deno.listenDatagram({ transport: "udp", hostname: "127.0.0.1", port: 0 });
  const syslogPort = (syslog.addr as Deno.NetAddr).port;
  const datagrams: string[] = [];
  const receiving = (async () => {
    try {
      for await (const [data] of syslog) datagrams.push(new TextDecoder().decode(data));
    } catch { /* closed */ }
  })();
  const d = await startTestDaemon({
    plugins: defaultPlugins(),
    // No defaults section: the API's own defaults apply, and the form must show them.
    state: {
      version: 1,
      haproxy: {
        frontends: [{
          id: "fe",
          binds: [{ address: `127.0.0.1:${fePort}` }],
          defaultBackend: "app",
        }],
        backends: [{ id: "app", servers: [{ name: "a1", address: app.address, check: false }] }],
      },
    },
  });
  const browser = await launchBrowser();
  try {
    const page = await signedIn(browser, d.url);
    assert.equal(await page.locator("nav a[href='/settings/global']").count(), 1, "admin's nav");

    // Defaults: the API's defaults are the form's values; a bad time is refused at its field.
    await page.goto(`${d.url}/settings/defaults`);
    assert.equal(await page.inputValue("#f-defaults-timeouts-connect"), "5s");
    assert.equal(await page.inputValue("#f-defaults-timeouts-client"), "30s");
    assert.equal(await page.inputValue("#f-defaults-timeouts-server"), "30s");
    assert.equal(await page.inputValue("#f-defaults-timeouts-queue"), "");
    assert.equal(await page.inputValue("#f-defaults-mode"), "http");
    assert.equal(await page.inputValue("#f-defaults-log"), "global");
    assert.equal((await through(fePort, "/slow")).status, 200, "30s: the slow answer arrives");
    await page.fill("#f-defaults-timeouts-server", "300ms");
    await page.fill("#f-defaults-timeouts-queue", "soon");
    await page.fill("#f-defaults-maxconn", "500");
    await page.click("button.primary:has-text('Review changes')");
    assert.match(await fieldError(page, "defaults-timeouts-queue"), /must be a time/);
    assert.equal(await page.inputValue("#f-defaults-timeouts-server"), "300ms", "typed stays");
    await page.fill("#f-defaults-timeouts-queue", "");
    const diff = await review(page);
    assert.match(diff, /^-\s+timeout server 30s$/m);
    assert.match(diff, /^\+\s+timeout server 300ms$/m);
    assert.match(diff, /^\+\s+maxconn 500$/m);
    assert.match(await apply(page), /Applied: updated defaults/);
    const state = (await d.api("GET", "/api/state")).body;
    assert.equal(state.haproxy.defaults.timeouts.server, "300ms");
    assert.equal(state.haproxy.defaults.timeouts.connect, "5s");
    assert.equal(state.haproxy.defaults.maxconn, 500);
    assert.equal(state.haproxy.defaults.timeouts.queue, undefined);
    assert.equal((await through(fePort, "/slow")).status, 504, "timeout server cuts it off");
    assert.equal((await through(fePort, "/")).status, 200);

    // Global: a log target, a stats socket and the stats listener, in one apply.
    await page.goto(`${d.url}/settings/global`);
    assert.equal(await page.inputValue("#f-global-logs-0-facility"), "local0", "API default");
    assert.equal(await page.inputValue("#f-global-statsSockets-0-level"), "operator");
    assert.equal(await page.isChecked("#f-stats-enabled"), false);
    await page.fill("#f-global-logs-0-target", `127.0.0.1:${syslogPort}`);
    await page.selectOption("#f-global-logs-0-facility", "local1");
    await page.selectOption("#f-global-logs-0-format", "rfc5424");
    // First an admin socket on an address beyond loopback with a bad port: 422 and a warning.
    await page.fill("#f-global-statsSockets-0-host", "192.0.2.10");
    await page.fill("#f-global-statsSockets-0-port", "nine");
    await page.selectOption("#f-global-statsSockets-0-level", "admin");
    await page.check("#f-stats-enabled");
    await page.fill("#f-stats-bind", `127.0.0.1:${statsPort}`);
    await page.click("button.primary:has-text('Review changes')");
    assert.notEqual(await fieldError(page, "global-statsSockets-0-port"), "");
    assert.match(
      await page.locator(".socket-warning").innerText(),
      /192\.0\.2\.10.*level admin on an address other than loopback/,
    );
    await page.fill("#f-global-statsSockets-0-port", String(sockPort));
    await page.click("button.primary:has-text('Review changes')");
    assert.match(
      await page.locator("[data-kind=warnings]").innerText(),
      /level admin on an address other than loopback/,
      "the review repeats the warning",
    );
    // Then on loopback at level operator: no warning, applied.
    await page.goto(`${d.url}/settings/global`);
    await page.fill("#f-global-logs-0-target", `127.0.0.1:${syslogPort}`);
    await page.selectOption("#f-global-logs-0-facility", "local1");
    await page.selectOption("#f-global-logs-0-format", "rfc5424");
    await page.fill("#f-global-statsSockets-0-host", "127.0.0.1");
    await page.fill("#f-global-statsSockets-0-port", String(sockPort));
    await page.check("#f-stats-enabled");
    await page.fill("#f-stats-bind", `127.0.0.1:${statsPort}`);
    const gdiff = await review(page);
    assert.equal(await page.locator("[data-kind=warnings]").count(), 0);
    assert.match(
      gdiff,
      new RegExp(`^\\+\\s+log 127\\.0\\.0\\.1:${syslogPort} format rfc5424 local1$`, "m"),
    );
    assert.match(
      gdiff,
      new RegExp(`^\\+\\s+stats socket ipv4@127\\.0\\.0\\.1:${sockPort} level operator$`, "m"),
    );
    assert.match(gdiff, /^\+listen stats$/m);
    assert.match(await apply(page), /Applied: updated global settings/);

    const g = (await d.api("GET", "/api/state")).body.haproxy;
    assert.deepEqual(g.global.logs, [
      { target: `127.0.0.1:${syslogPort}`, facility: "local1", format: "rfc5424" },
    ]);
    assert.deepEqual(g.global.statsSockets, [
      {
        kind: "ipv4",
        host: "127.0.0.1",
        port: sockPort,
        level: "operator",
        exposeFdListeners: false,
      },
    ]);
    assert.equal(g.stats.bind, `127.0.0.1:${statsPort}`);
    assert.equal(g.stats.uri, "/");

    // The running HAProxy: the socket answers at level operator, the stats page is served,
    // and the log target receives RFC 5424 datagrams with facility local1 (PRI 136..143).
    assert.match(await runtime(sockPort, "show info"), /^Name: HAProxy$/m);
    assert.match(await runtime(sockPort, "show cli level"), /operator/);
    const stats = await through(statsPort, "/");
    assert.equal(stats.status, 200);
    assert.match(stats.body, /Statistics Report/);
    assert.ok(
      await waitFor(async () => {
        await through(fePort, "/");
        return datagrams.some((m) => /^<(13[6-9]|14[0-3])>1 /.test(m));
      }, 10_000),
      `a local1 RFC 5424 datagram arrives (got ${JSON.stringify(datagrams.slice(0, 3))})`,
    );

    // The form shows what was applied.
    await page.goto(`${d.url}/settings/global`);
    assert.equal(await page.inputValue("#f-global-logs-0-facility"), "local1");
    assert.equal(await page.inputValue("#f-global-statsSockets-0-port"), String(sockPort));
    assert.ok(await page.isChecked("#f-stats-enabled"));
  } finally {
    await browser.close();
    await d.stop();
    syslog.close();
    await receiving;
    await app.server.shutdown();
  }
});

Deno.test("ui settings - roles: an operator edits defaults but not logging, and not global", async () => {
  const d = await startTestDaemon({ plugins: defaultPlugins() });
  const browser = await launchBrowser();
  try {
    await d.addUser("op", "operator");
    const page = await signedIn(browser, d.url, {
      user: { username: "op", password: "op-password-123" },
    });
    const global = await page.goto(`${d.url}/settings/global`);
    assert.equal(global?.status(), 403, "global settings are the admin's");
    assert.equal(await page.locator("nav a[href='/settings/global']").count(), 0);

    // Logging on/off is admin's: the plan's 403 names the path, nothing is applied.
    await page.goto(`${d.url}/settings/defaults`);
    await page.selectOption("#f-defaults-log", "none");
    await page.click("button.primary:has-text('Review changes')");
    const refused = page.locator(".alert[data-status='403']");
    assert.match(await refused.innerText(), /haproxy\.defaults\.log/);
    assert.equal(await page.inputValue("#f-defaults-log"), "none", "the form keeps the choice");

    // A timeout is the operator's.
    await page.selectOption("#f-defaults-log", "global");
    await page.fill("#f-defaults-timeouts-connect", "4s");
    assert.match(await review(page), /^\+\s+timeout connect 4s$/m);
    assert.match(await apply(page), /Applied: updated defaults/);
    const df = (await d.api("GET", "/api/state")).body.haproxy.defaults;
    assert.equal(df.timeouts.connect, "4s");
    assert.equal(df.log, "global");
  } finally {
    await browser.close();
    await d.stop();
  }
});
