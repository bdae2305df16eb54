/**
 * Test support for browser tests of the console's forms: a signed-in page
 * on a test daemon, the flash toast's text, and the "review, then apply"
 * clicks every state form shares.
 *
 * @module
 */
import type { Browser, Page } from "playwright-core";
import { TEST_ADMIN } from "./daemon.ts";

/**
 * A new page signed in as the test admin (or `user`) on the daemon at `url`;
 * `javaScript: false` proves a flow works as plain HTML forms.
 */
export async function signedIn(
  browser: Browser,
  url: string,
  opts: { user?: { username: string; password: string }; javaScript?: boolean } = {},
): Promise<Page> {
  const user = opts.user ?? TEST_ADMIN;
  const context = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    javaScriptEnabled: opts.javaScript ?? true,
  });
  const page = await context.newPage();
  await page.goto(`${url}/login`);
  await page.fill("#f-username", user.username);
  await page.fill("#f-password", user.password);
  await page.click("button:has-text('Sign in')");
  await page.waitForURL((u) => !u.pathname.startsWith("/login"));
  return page;
}

/** The flash messages shown on the current page. */
export async function toast(page: Page): Promise<string> {
  return (await page.locator(".toasts").textContent()) ?? "";
}

/**
 * Presses "Review changes" and returns the haproxy.cfg diff the review shows ("" when the
 * change leaves haproxy.cfg as it is); throws when no review follows (the form came back).
 */
export async function review(page: Page): Promise<string> {
  await page.click("button.primary:has-text('Review changes')");
  await page.locator("section[aria-labelledby=review-h]").waitFor({ timeout: 10_000 });
  const diff = page.locator("pre.diff");
  return (await diff.count()) ? await diff.innerText() : "";
}

/** Presses the review's Apply button and returns the flash that follows. */
export async function apply(page: Page): Promise<string> {
  await page.click("button.primary:has-text('Apply: ')");
  await page.waitForLoadState();
  return await toast(page);
}

/** The error messages shown under the field with id `f-<id>`, or "" when it has none. */
export async function fieldError(page: Page, id: string): Promise<string> {
  const err = page.locator(`#f-${id}-err`);
  return (await err.count()) ? (await err.innerText()) : "";
}
