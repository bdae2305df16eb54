/**
 * Stickiness on the backend form in a real browser, through forms only:
 * cookie stickiness (HAProxy sets the cookie naming a server and keeps a
 * client that sends it there), a bad cookie name refused at its field, a
 * stick table on the client address (every request from 127.0.0.1 then
 * lands on one server), and back to none; each proved with the state and
 * with traffic through HAProxy.
 *
 * @module
 */
import assert from "node:assert/strict";
import { defaultPlugins } from "../plugins/mod.ts";
import { freePort, startBackend, startTestDaemon } from "./support/daemon.ts";
import { launchBrowser } from "./support/browser.ts";
import { apply, fieldError, review, signedIn } from "./support/console.ts";

/** One request through HAProxy on a new connection: who answered, and the cookie it set. */
async function hit(
  port: number,
  cookie?: string,
): Promise<{ body: string; setCookie: string }> {
  const client = Deno.createHttpClient({});
  try {
    const res = await fetch(`http://127.0.0.1:${port}/`, {
      client,
      headers: cookie ? { cookie } : {},
    });
    return { body: await res.text(), setCookie: res.headers.get("set-cookie") ?? "" };
  } finally {
    client.close();
  }
}

async function answers(port: number, n: number, cookie?: string): Promise<Set<string>> {
  const seen = new Set<string>();
  for (let i = 0; i < n; i++) seen.add((await hit(port, cookie)).body);
  return seen;
}

Deno.test("ui stickiness - cookie and stick table on the backend form, proved by traffic", async () => {
  const s1 = startBackend("s1");
  const s2 = startBackend("s2");
  const fePort = freePort();
  const d = await startTestDaemon({
    plugins: defaultPlugins(),
    state: {
      version: 1,
      haproxy: {
        frontends: [{
          id: "fe",
          binds: [{ address: `127.0.0.1:${fePort}` }],
          defaultBackend: "app",
        }],
        backends: [{
          id: "app",
          balance: { algorithm: "roundrobin" },
          servers: [
            { name: "s1", address: s1.address, check: false },
            { name: "s2", address: s2.address, check: false },
          ],
        }],
      },
    },
  });
  const browser = await launchBrowser();
  try {
    assert.deepEqual([...await answers(fePort, 4)].sort(), ["s1", "s2"], "round robin at first");
    const page = await signedIn(browser, d.url);

    // Cookie: the API's defaults (indirect, nocache) are ticked; a bad name is refused.
    await page.goto(`${d.url}/backends/app`);
    await page.selectOption("#f-stick", "cookie");
    assert.ok(await page.isChecked("#f-cookie-indirect"));
    assert.ok(await page.isChecked("#f-cookie-nocache"));
    assert.equal(await page.isChecked("#f-cookie-secure"), false);
    await page.fill("#f-cookie-name", "bad name");
    await page.click("button.primary:has-text('Review changes')");
    assert.match(await fieldError(page, "cookie-name"), /must be a cookie name/);
    await page.fill("#f-cookie-name", "PPSRV");
    await page.check("#f-cookie-httponly");
    const diff = await review(page);
    assert.match(diff, /^\+\s+cookie PPSRV insert indirect nocache httponly$/m);
    assert.match(diff, /^\+\s+server s2 \S+ weight 100 cookie s2$/m);
    assert.match(await apply(page), /Applied: updated backend app/);
    const be = (await d.api("GET", "/api/state")).body.haproxy.backends[0];
    assert.deepEqual(be.cookie, {
      name: "PPSRV",
      mode: "insert",
      indirect: true,
      nocache: true,
      httponly: true,
      secure: false,
    });

    // HAProxy names the server in the cookie, and a client sending it stays there.
    const first = await hit(fePort);
    const m = /^PPSRV=(s[12]);.*HttpOnly/i.exec(first.setCookie);
    assert.ok(m, `a PPSRV cookie is set (got ${first.setCookie})`);
    assert.equal(m[1], first.body, "the cookie names the server that answered");
    for (const name of ["s1", "s2"]) {
      assert.deepEqual([...await answers(fePort, 6, `PPSRV=${name}`)], [name], `stuck to ${name}`);
    }

    // A stick table on the client address: every request from 127.0.0.1 goes to one server.
    await page.goto(`${d.url}/backends/app`);
    assert.equal(await page.inputValue("#f-stick"), "cookie", "the form shows the cookie");
    await page.selectOption("#f-stick", "src");
    await page.fill("#f-stickExpire", "10m");
    const tdiff = await review(page);
    assert.match(tdiff, /^-\s+cookie PPSRV/m);
    assert.match(tdiff, /^\+\s+stick-table type ip size 100k expire 10m$/m);
    assert.match(tdiff, /^\+\s+stick on src$/m);
    await apply(page);
    let after = (await d.api("GET", "/api/state")).body.haproxy.backends[0];
    assert.equal(after.cookie, undefined);
    assert.equal(after.stickOn, "src");
    assert.equal((await answers(fePort, 6)).size, 1, "one server for one client address");

    // None again: round robin.
    await page.goto(`${d.url}/backends/app`);
    await page.selectOption("#f-stick", "");
    await review(page);
    await apply(page);
    after = (await d.api("GET", "/api/state")).body.haproxy.backends[0];
    assert.equal(after.stickOn, undefined);
    assert.equal(after.stickTable, undefined);
    assert.deepEqual([...await answers(fePort, 4)].sort(), ["s1", "s2"]);
  } finally {
    await browser.close();
    await d.stop();
    await s1.close();
    await s2.close();
  }
});
