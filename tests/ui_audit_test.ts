/**
 * The audit page in a real browser against a real daemon and HAProxy: a
 * PUT that changes one server's weight shows as `server app/a: weight
 * 10 → 20` in its row, and the snapshot id the row names links to that
 * snapshot's page.
 *
 * @module
 */
import assert from "node:assert/strict";
import { freePort, simpleState, startBackend, startTestDaemon } from "./support/daemon.ts";
import { launchBrowser } from "./support/browser.ts";
import { signedIn } from "./support/console.ts";

Deno.test("ui audit - a row says what changed and its snapshot id opens the snapshot", async () => {
  const a = startBackend("a");
  const fe = freePort();
  const servers = (weight: number) => [{ name: "a", address: a.address, weight }];
  const d = await startTestDaemon({ state: simpleState(fe, servers(10)) });
  const browser = await launchBrowser();
  try {
    const put = await d.api("PUT", "/api/state?reason=heavier", simpleState(fe, servers(20)));
    assert.equal(put.status, 200, put.text);
    const entry = (await d.api("GET", "/api/audit?category=state&limit=1")).body.entries[0];
    const snapshot: string = entry.target;

    const page = await signedIn(browser, d.url);
    await page.goto(`${d.url}/audit?category=state`);
    const row = page.locator("#audit tbody tr").first();
    assert.equal(
      (await row.locator("ul.changes li").allTextContents()).join("\n"),
      "server app/a: weight 10 → 20",
    );
    const link = row.locator(`a[href="/snapshots/${snapshot}"]`);
    assert.equal(await link.textContent(), snapshot);
    await Promise.all([page.waitForURL(`${d.url}/snapshots/${snapshot}`), link.click()]);
    assert.match((await page.locator("main").textContent()) ?? "", new RegExp(`Id ${snapshot}`));
    assert.match(await page.title(), /^Snapshot /);
  } finally {
    await browser.close();
    await d.stop();
    await a.close();
  }
});
