/**
 * A frontend's http-request and tcp-request rules in a real browser with
 * JavaScript off, through forms only: rows added with the "Add a rule row"
 * post, applied and proved by the status HAProxy answers; reordered by
 * their positions (the other rule then answers); an unknown action refused
 * with a 422 on its row; a tcp-request rule that refuses loopback clients,
 * then removed.
 *
 * @module
 */
import assert from "node:assert/strict";
import { defaultPlugins } from "../plugins/mod.ts";
import { freePort, startBackend, startTestDaemon, through } from "./support/daemon.ts";
import { launchBrowser } from "./support/browser.ts";
import { apply, fieldError, review, signedIn } from "./support/console.ts";

Deno.test("ui rules - http-request and tcp-request rows: add, apply, reorder, 422 on the row, remove", async () => {
  const app = startBackend("app");
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
        backends: [{ id: "app", servers: [{ name: "a1", address: app.address, check: false }] }],
      },
      acls: [
        { name: "is_x", criterion: "path_beg", values: ["/x"] },
        { name: "local", criterion: "src", values: ["127.0.0.1"] },
      ],
    },
  });
  const browser = await launchBrowser();
  try {
    // Without JavaScript: every step is a plain form post.
    const page = await signedIn(browser, d.url, { javaScript: false });
    await page.goto(`${d.url}/frontends/fe`);
    await page.click("a:has-text('Rules (0)')");
    assert.match(page.url(), /\/frontends\/fe\/rules$/);
    assert.equal(await page.locator("a[href='/acls/defined/is_x']").count(), 1, "ACLs linked");

    // Two http-request rules: the second row comes from "Add a rule row" (a plain post).
    await page.fill("#f-httpRequest-0-action", "return status 201");
    await page.selectOption("#f-httpRequest-0-condKind", "if");
    await page.fill("#f-httpRequest-0-cond", "is_x");
    await page.click("button:has-text('Add a rule row')");
    assert.equal(await page.inputValue("#f-httpRequest-0-action"), "return status 201");
    assert.equal(await page.inputValue("#f-httpRequest-0-condKind"), "if", "typed stays");
    await page.fill("#f-httpRequest-1-action", "return status 202");
    await page.selectOption("#f-httpRequest-1-condKind", "if");
    await page.fill("#f-httpRequest-1-cond", "is_x");
    const diff = await review(page);
    assert.match(diff, /^\+\s+acl is_x path_beg \/x$/m);
    assert.match(
      diff,
      /^\+\s+http-request return status 201 if is_x\n\+\s+http-request return status 202 if is_x$/m,
    );
    assert.match(await apply(page), /Applied: updated frontend fe/);
    assert.match(page.url(), /\/frontends\/fe\/rules$/);
    assert.equal((await through(fePort, "/x")).status, 201, "the first rule answers");
    assert.equal((await through(fePort, "/")).status, 200);

    // Reorder: the first rule moves to position 3, after the second; the second answers now.
    await page.fill("#f-httpRequest-0-position", "3");
    await review(page);
    await apply(page);
    let fe = (await d.api("GET", "/api/state")).body.haproxy.frontends[0];
    assert.deepEqual(fe.httpRequest.map((r: { action: string }) => r.action), [
      "return status 202",
      "return status 201",
    ]);
    assert.equal((await through(fePort, "/x")).status, 202, "the reordered rule answers");

    // An unknown action is refused at its row; nothing changes.
    await page.fill("#f-httpRequest-2-action", "frobnicate now");
    await page.click("button.primary:has-text('Review changes')");
    assert.notEqual(await fieldError(page, "httpRequest-2-action"), "");
    assert.equal(await page.inputValue("#f-httpRequest-2-action"), "frobnicate now");

    // A tcp-request rule refusing loopback clients: HAProxy closes the connection.
    await page.goto(`${d.url}/frontends/fe/rules`);
    await page.selectOption("#f-tcpRequest-0-on", "connection");
    await page.fill("#f-tcpRequest-0-action", "reject");
    await page.selectOption("#f-tcpRequest-0-condKind", "if");
    await page.fill("#f-tcpRequest-0-cond", "local");
    assert.match(await review(page), /^\+\s+tcp-request connection reject if local$/m);
    await apply(page);
    assert.equal((await through(fePort, "/")).status, 0, "refused at the connection");
    await page.check("#f-tcpRequest-0-remove");
    assert.match(await review(page), /^-\s+tcp-request connection reject if local$/m);
    await apply(page);
    fe = (await d.api("GET", "/api/state")).body.haproxy.frontends[0];
    assert.deepEqual(fe.tcpRequest, []);
    assert.equal(fe.httpRequest.length, 2);
    assert.equal((await through(fePort, "/")).status, 200, "served again");
  } finally {
    await browser.close();
    await d.stop();
    await app.close();
  }
});
