/**
 * The console's small things in a real browser: on a phone the navigation
 * is folded behind a "Menu" toggle (no JavaScript needed) so the page's own
 * content starts in the first screen; a page loads without any 404
 * (favicon included); the static assets go out gzipped with a year-long
 * immutable cache; a token minted with an expiry shows it; and a user
 * changes their own password.
 *
 * @module
 */
import assert from "node:assert/strict";
import { defaultPlugins } from "../plugins/mod.ts";
import { startTestDaemon, TEST_ADMIN } from "./support/daemon.ts";
import { launchBrowser } from "./support/browser.ts";

Deno.test("ui basics - phone menu, favicon, gzip assets, token expiry, change own password", async () => {
  const d = await startTestDaemon({ plugins: defaultPlugins() });
  const browser = await launchBrowser();
  try {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    const missing: string[] = [];
    page.on("response", (r) => {
      if (r.status() === 404) missing.push(r.url());
    });
    await page.goto(`${d.url}/login`);
    await page.fill("#f-username", TEST_ADMIN.username);
    await page.fill("#f-password", TEST_ADMIN.password);
    await page.click("button:has-text('Sign in')");

    // Phone: the heading and the first content are in the first screen; links hide behind Menu.
    await page.goto(`${d.url}/backends`);
    const h1 = await page.locator("main h1").boundingBox();
    assert.ok(h1 && h1.y + h1.height < 200, `the heading starts near the top (${h1?.y})`);
    const panel = await page.locator("main .panel").first().boundingBox();
    assert.ok(panel && panel.y < 844, "content starts in the first screen");
    assert.equal(await page.locator("a.nav[href='/frontends']").isVisible(), false);
    await page.click("label:has-text('Menu')");
    assert.equal(await page.locator("a.nav[href='/frontends']").isVisible(), true);
    await page.click("a.nav[href='/frontends']");
    assert.match(page.url(), /\/frontends$/);
    assert.deepEqual(missing, [], "no request of a page is a 404");

    // The favicon and the assets: gzipped when asked for, cached for a year.
    const ico = await fetch(`${d.url}/favicon.ico`);
    assert.equal(ico.status, 200);
    assert.equal(ico.headers.get("content-type"), "image/svg+xml");
    await ico.body?.cancel();
    const src = await page.locator("script[src*='islands.js']").getAttribute("src");
    const gz = await fetch(`${d.url}${src}`, { headers: { "accept-encoding": "gzip" } });
    assert.equal(gz.headers.get("content-encoding"), "gzip");
    assert.match(gz.headers.get("cache-control") ?? "", /max-age=31536000, immutable/);
    const js = await gz.text(); // fetch decodes it
    const plain = await fetch(`${d.url}${src}`, { headers: { "accept-encoding": "identity" } });
    assert.equal(plain.headers.get("content-encoding"), null);
    assert.equal(await plain.text(), js, "the same bytes either way");

    // A token minted with an expiry lists it.
    await context.close();
    const desk = await browser.newPage();
    await desk.goto(`${d.url}/login`);
    await desk.fill("#f-username", TEST_ADMIN.username);
    await desk.fill("#f-password", TEST_ADMIN.password);
    await desk.click("button:has-text('Sign in')");
    await desk.goto(`${d.url}/tokens`);
    await desk.fill("#f-name", "ci-30");
    await desk.selectOption("#f-expiresInDays", "30");
    await desk.click("button:has-text('Mint token')");
    const tokens = await d.api("GET", "/api/api-tokens");
    const minted = tokens.body.tokens.find((t: { name: string }) => t.name === "ci-30");
    const days = (Date.parse(minted.expiresAt) - Date.now()) / 86_400_000;
    assert.ok(days > 29 && days <= 30, `expires in 30 days (${days})`);

    // Change your own password: refused with the wrong current one, then done.
    await desk.goto(`${d.url}/account`);
    await desk.fill("#f-currentPassword", "not-the-password");
    await desk.fill("#f-newPassword", "a-new-long-passphrase");
    await desk.fill("#f-confirm", "a-new-long-passphrase");
    await desk.click("button:has-text('Change password')");
    assert.match(
      (await desk.locator(".field.invalid").textContent()) ?? "",
      /current password is incorrect/,
    );
    await desk.fill("#f-currentPassword", TEST_ADMIN.password);
    await desk.fill("#f-newPassword", "a-new-long-passphrase");
    await desk.fill("#f-confirm", "a-new-long-passphrase");
    await desk.click("button:has-text('Change password')");
    assert.match((await desk.locator(".toasts").textContent()) ?? "", /password was changed/);
    const login = await d.login(TEST_ADMIN.username, "a-new-long-passphrase");
    assert.ok(login.cookie, "the new password signs in");
  } finally {
    await browser.close();
    await d.stop();
  }
});
