/**
 * The ACL definition pages in a real browser with JavaScript off, through
 * forms only: the list by frontend, editing an ACL's values (proved by
 * HAProxy denying the new path), a create refused at its field then
 * applied, a rename that carries the frontend's rule along, and delete: the
 * 422 naming the referencing frontend rule while one uses the ACL, the
 * reviewed delete otherwise.
 *
 * @module
 */
import assert from "node:assert/strict";
import { defaultPlugins } from "../plugins/mod.ts";
import { freePort, startBackend, startTestDaemon, through } from "./support/daemon.ts";
import { launchBrowser } from "./support/browser.ts";
import { apply, fieldError, review, signedIn } from "./support/console.ts";

Deno.test("ui acls - list by frontend, edit, create, rename, delete refused while used", async () => {
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
          httpRequest: [{ action: "deny", cond: "if blocked" }],
          defaultBackend: "app",
        }],
        backends: [{ id: "app", servers: [{ name: "a1", address: app.address, check: false }] }],
      },
      acls: [
        { name: "blocked", criterion: "path_beg", values: ["/blocked"] },
        { name: "spare", criterion: "src", values: ["10.0.0.0/8"] },
      ],
    },
  });
  const browser = await launchBrowser();
  try {
    // Without JavaScript: every step is a plain form post.
    const page = await signedIn(browser, d.url, { javaScript: false });
    await page.goto(`${d.url}/acls/defined`);
    const table = await page.locator("#acl-definitions").innerText();
    assert.match(table, /blocked\s+path_beg \/blocked\s+inline\s+frontend fe, http-request rule 1/);
    assert.match(table, /spare\s+src 10\.0\.0\.0\/8\s+inline\s+nothing/);
    assert.match(
      await page.locator("[aria-label='ACLs by frontend']").innerText(),
      /fe: blocked/,
    );

    // Edit: one more value; HAProxy then denies it.
    assert.equal((await through(fePort, "/private")).status, 200);
    await page.click("#acl-definitions a:has-text('blocked')");
    assert.match(await page.locator(".acl-uses").innerText(), /frontend fe, http-request rule 1/);
    await page.fill("#f-values", "/blocked /private");
    const diff = await review(page);
    assert.match(diff, /^-\s+acl blocked path_beg \/blocked$/m);
    assert.match(diff, /^\+\s+acl blocked path_beg \/blocked \/private$/m);
    assert.match(await apply(page), /Applied: updated ACL blocked/);
    assert.equal((await through(fePort, "/private")).status, 403);
    assert.equal((await through(fePort, "/open")).status, 200);

    // Create: a bad name is refused at its field; then applied.
    await page.goto(`${d.url}/acls/defined`);
    await page.click("a:has-text('New ACL')");
    await page.fill("#f-name", "bad name");
    await page.fill("#f-criterion", "path_beg");
    await page.fill("#f-flags", "-i -m beg");
    await page.fill("#f-values", "/API");
    await page.click("button.primary:has-text('Review changes')");
    assert.match(await fieldError(page, "name"), /must match/);
    assert.equal(await page.inputValue("#f-values"), "/API", "typed values stay");
    await page.fill("#f-name", "is_api");
    await review(page);
    assert.match(await apply(page), /Applied: created ACL is_api/);
    let state = (await d.api("GET", "/api/state")).body;
    assert.deepEqual(state.acls.find((a: { name: string }) => a.name === "is_api"), {
      name: "is_api",
      criterion: "path_beg",
      flags: ["-i", "-m beg"],
      values: ["/API"],
      file: false,
    });

    // Rename: the rule that named it names the new name; HAProxy still denies.
    await page.goto(`${d.url}/acls/defined/blocked`);
    await page.fill("#f-name", "denied");
    const rdiff = await review(page);
    assert.match(rdiff, /^\+\s+http-request deny if denied$/m);
    await apply(page);
    state = (await d.api("GET", "/api/state")).body;
    assert.equal(state.haproxy.frontends[0].httpRequest[0].cond, "if denied");
    assert.equal((await through(fePort, "/private")).status, 403);

    // Delete: refused with the referencing rule while used; a spare one goes.
    await page.goto(`${d.url}/acls/defined/denied`);
    await page.click("button:has-text('Delete ACL denied')");
    const refused = page.locator(".alert[data-status='422']");
    const refusedText = await refused.innerText();
    assert.match(refusedText, /ACL denied is still in use/);
    assert.match(refusedText, /frontend fe.*ACL 'denied'/s);
    assert.equal((await d.api("GET", "/api/state")).body.acls.length, 3, "nothing changed");
    await page.goto(`${d.url}/acls/defined/spare`);
    await page.click("button:has-text('Delete ACL spare')");
    assert.match(
      await page.locator("section[aria-labelledby=review-h]").innerText(),
      /Delete ACL spare/,
    );
    assert.match(await apply(page), /Applied: deleted ACL spare/);
    assert.match(page.url(), /\/acls\/defined$/);
    state = (await d.api("GET", "/api/state")).body;
    assert.deepEqual(state.acls.map((a: { name: string }) => a.name), ["denied", "is_api"]);
  } finally {
    await browser.close();
    await d.stop();
    await app.close();
  }
});
