/**
 * The console's main flow in a real browser against a real daemon and
 * HAProxy: first-run setup, sign-out and sign-in with a return path, a
 * backend and a frontend added through the forms (plan diff, then apply),
 * traffic through HAProxy, draining the server, restoring the previous
 * snapshot, and minting and revoking an API token.
 *
 * @module
 */
import assert from "node:assert/strict";
import { defaultPlugins } from "../plugins/mod.ts";
import { freePort, startBackend, startTestDaemon, through, waitFor } from "./support/daemon.ts";
import { launchBrowser } from "./support/browser.ts";
import type { Page } from "playwright-core";

const ADMIN = { username: "root", password: "correct-horse-battery" };

/** Answers the confirm dialog with yes and waits for the page the action leads to. */
async function confirmDialog(page: Page): Promise<void> {
  await Promise.all([
    page.waitForNavigation(),
    page.locator("dialog[open] button[value=yes]").click(),
  ]);
}

async function toast(page: Page): Promise<string> {
  return (await page.locator(".toasts").textContent()) ?? "";
}

Deno.test("ui flow - setup, sign-in, add backend and frontend, traffic, drain, restore, tokens", async () => {
  const s1 = startBackend("s1");
  const fePort = freePort();
  const d = await startTestDaemon({ setup: false, plugins: defaultPlugins() });
  const browser = await launchBrowser();
  try {
    const page = await (await browser.newContext()).newPage();

    // First run: any page leads to setup; creating the admin signs in.
    await page.goto(`${d.url}/backends`);
    assert.match(page.url(), /\/setup$/);
    await page.fill("#f-username", ADMIN.username);
    await page.fill("#f-password", ADMIN.password);
    await page.fill("#f-confirm", ADMIN.password);
    await page.click("button:has-text('Create administrator')");
    assert.match(page.url(), /\/dashboard$/);
    assert.match(await toast(page), /Administrator root created/);

    // Sign out; a page then asks for sign-in and comes back after it.
    await page.click("button:has-text('Sign out')");
    assert.match(page.url(), /\/login$/);
    await page.goto(`${d.url}/snapshots`);
    assert.match(page.url(), /\/login\?return=%2Fsnapshots$/);
    await page.fill("#f-username", ADMIN.username);
    await page.fill("#f-password", ADMIN.password);
    await page.click("button:has-text('Sign in')");
    assert.match(page.url(), /\/snapshots$/);

    // A backend with one server through the form: plan diff first, then apply.
    await page.goto(`${d.url}/backends/new`);
    await page.fill("#f-id", "web");
    await page.fill("#f-servers-0-name", "s1");
    await page.fill("#f-servers-0-address", s1.address);
    await page.click("button:has-text('Review changes')");
    const diff = (await page.locator("pre.diff").textContent()) ?? "";
    assert.match(diff, /\+backend web/);
    assert.match(diff, new RegExp(`\\+\\s+server s1 ${s1.address.replaceAll(".", "\\.")}`));
    await page.click("button:has-text('Apply: Create backend web')");
    assert.match(page.url(), /\/backends\/web$/);
    assert.match(await toast(page), /Applied: created backend web/);

    // A frontend routing to it.
    await page.goto(`${d.url}/frontends/new`);
    await page.fill("#f-id", "fe-web");
    await page.fill("#f-binds-0-address", `127.0.0.1:${fePort}`);
    await page.selectOption("#f-defaultBackend", "web");
    await page.click("button:has-text('Review changes')");
    assert.match((await page.locator("pre.diff").textContent()) ?? "", /\+frontend fe-web/);
    await page.click("button:has-text('Apply: Create frontend fe-web')");
    assert.match(await toast(page), /Applied: created frontend fe-web/);
    assert.ok(await waitFor(async () => (await through(fePort)).body === "s1"));
    assert.ok(s1.hits > 0);

    // Drain the server from the backend page, after the confirm dialog.
    await page.goto(`${d.url}/backends/web`);
    await page.click("button:has-text('Drain')");
    await confirmDialog(page);
    assert.match(page.url(), /\/backends\/web$/);
    assert.match(await toast(page), /Done: Set server s1 of backend web to DRAIN/);
    const live = await d.api("GET", "/api/haproxy/servers", undefined, {
      authorization: `Bearer ${await d.mintToken("viewer", { createdBy: ADMIN.username })}`,
    });
    assert.equal(
      live.body.servers.find((s: { server: string }) => s.server === "s1").adminState,
      "drain",
    );

    // Restore the previous snapshot (before the frontend): the frontend goes away.
    await page.goto(`${d.url}/snapshots`);
    const rows = page.locator("#snapshots tbody tr");
    assert.equal(await rows.count(), 3, "the two applies and the first state");
    await rows.nth(1).locator("a").click();
    assert.match(
      (await page.locator("pre.diff[aria-label^='Difference']").textContent()) ?? "",
      /-\s+"id": "fe-web"/,
    );
    // The restore's cfg diff, checked by haproxy -c before the confirm.
    assert.match(
      (await page.locator("#restore-plan pre.diff").innerText()) ?? "",
      /^-frontend fe-web$/m,
    );
    await page.click("button:has-text('Restore this snapshot')");
    await confirmDialog(page);
    assert.match(page.url(), /\/snapshots$/);
    assert.match(await toast(page), /Restored snapshot/);
    assert.ok(await waitFor(async () => (await through(fePort)).status === 0));

    // Mint a token: shown once with a copy button; it works until revoked.
    await page.goto(`${d.url}/tokens`);
    await page.fill("#f-name", "ci");
    await page.selectOption("#f-role", "viewer");
    await page.click("button:has-text('Mint token')");
    const wire = ((await page.locator("#new-token").textContent()) ?? "").trim();
    assert.match(wire, /^pp_[0-9a-f]{8}\.[0-9a-f]{32}$/);
    assert.ok(await page.locator("button:has-text('Copy token')").isVisible());
    assert.match((await page.locator("#new-token-h").textContent()) ?? "", /created/);
    const bearer = { authorization: `Bearer ${wire}` };
    assert.equal((await d.api("GET", "/api/state", undefined, bearer)).status, 200);
    await page.goto(`${d.url}/tokens`);
    assert.equal(await page.locator("#new-token").count(), 0, "the token is shown only once");
    await page.locator("#tokens tr", { hasText: "ci" }).locator("button:has-text('Revoke')")
      .click();
    await confirmDialog(page);
    assert.match(page.url(), /\/tokens$/);
    assert.match(await toast(page), /Revoked token/);
    assert.equal((await d.api("GET", "/api/state", undefined, bearer)).status, 401);
  } finally {
    await browser.close();
    await d.stop();
    await s1.close();
  }
});
