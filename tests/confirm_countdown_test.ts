/**
 * The pending window's banner counts down in the browser: real Chromium
 * on a page of the console during a commit-confirmed window reads the
 * banner's time left twice a couple of seconds apart and sees it fall,
 * on the banner and on /pending; the page as served (no JavaScript)
 * already says the time left at render.
 */
import assert from "node:assert/strict";
import { freePort, startBackend } from "./support/daemon.ts";
import { startConfirmDaemon, stateWith } from "./support/confirm.ts";
import { launchBrowser } from "./support/browser.ts";

/** "4m 05s" / "59s" → seconds. */
function seconds(text: string): number {
  const m = /^(?:(\d+)m )?(\d+)s/.exec(text.trim());
  assert.ok(m, `not a time left: '${text}'`);
  return Number(m[1] ?? 0) * 60 + Number(m[2]);
}

Deno.test({
  name: "confirm countdown - the banner's time left ticks each second in Chromium",
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  const one = startBackend("one");
  const two = startBackend("two");
  const fe = freePort();
  const d = await startConfirmDaemon(fe, one.address);
  const browser = await launchBrowser();
  try {
    const put = await d.api("PUT", "/api/state?confirm=5m", stateWith(fe, two.address));
    assert.equal(put.status, 200, put.text);
    const session = await d.login();

    // Without JavaScript: the served page says the time left at render.
    const served = await fetch(`${d.url}/dashboard`, {
      headers: { cookie: session.cookie, accept: "text/html" },
    });
    const text = await served.text();
    const atRender = /data-island="countdown"[^>]*>([^<]+)<\/time>/.exec(text);
    assert.ok(atRender, "the banner carries the countdown's time element");
    assert.ok(seconds(atRender[1]) > 240 && seconds(atRender[1]) <= 300, atRender[1]);

    const context = await browser.newContext();
    const [name, value] = session.cookie.split("=");
    await context.addCookies([{ name, value, url: d.url }]);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    for (const path of ["/dashboard", "/pending"]) {
      await page.goto(`${d.url}${path}`);
      // The banner's, and on /pending the page's own too.
      const clocks = page.locator("[data-island=countdown]");
      assert.equal(await clocks.count(), path === "/pending" ? 2 : 1, path);
      const first = (await clocks.allInnerTexts()).map(seconds);
      await page.waitForTimeout(2500);
      const second = (await clocks.allInnerTexts()).map(seconds);
      first.forEach((s, i) => {
        assert.ok(second[i] < s, `${path} #${i}: ${s}s then ${second[i]}s: it did not tick`);
        assert.ok(s - second[i] <= 4, `${path} #${i}: ${s}s then ${second[i]}s`);
      });
    }
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    await d.stop();
    await one.close();
    await two.close();
  }
});
