// deno-lint-ignore-file no-explicit-any
/**
 * The maps, resolvers, protocol-errors and error-pages console pages in a
 * real Chromium with JavaScript off, on a real daemon and HAProxy: a map
 * entry added through the form routes a real request (set, then deleted
 * through the confirmation page, without a reload); a resolvers section's
 * name server shows HAProxy's counters against a loopback DNS responder; a
 * malformed request is listed, its bytes for an admin only; an error page
 * uploaded with a file input is listed with its content type, and its
 * delete is refused with the API's 409 message while the state uses it,
 * and goes through (confirmed in the JavaScript dialog) once it is not.
 * Viewers get no forms, and their posts are refused.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { defaultPlugins } from "../plugins/mod.ts";
import { freePort, startTestDaemon, type TestDaemon, through, waitFor } from "./support/daemon.ts";
import { ARTIFACTS, launchBrowser } from "./support/browser.ts";
import { signedIn, toast } from "./support/console.ts";
import { startTestDns } from "./support/dns.ts";
import { serveNamed } from "./support/live.ts";
import { deadBackendState } from "./support/error_pages.ts";

const VIEWER = { username: "watcher", password: "watcher-password-123" };

function state(fe: number, be0: string, be1: string, namedPort: number, dns: string): any {
  const server = (address: string) => [{ name: "s", address, check: false }];
  return {
    version: 1,
    haproxy: {
      defaults: { mode: "http", timeouts: { connect: "2s", client: "5s", server: "5s" } },
      frontends: [{
        id: "fe",
        binds: [{ address: `127.0.0.1:${fe}` }],
        useBackends: [{ backend: "%[req.hdr(x-route),lower,map(@routes,be-0)]" }],
        defaultBackend: "be-0",
      }],
      backends: [
        { id: "be-0", servers: server(be0) },
        { id: "be-1", servers: server(be1) },
        {
          id: "named",
          servers: [{
            name: "s1",
            address: `named.test:${namedPort}`,
            check: false,
            resolvers: "testdns",
            initAddr: ["last", "none"],
            resolvePrefer: "ipv4",
          }],
        },
      ],
      resolvers: [{
        id: "testdns",
        nameservers: [{ name: "ns1", address: dns }],
        hold: { valid: "1s", nx: "1s", other: "1s" },
        timeouts: { resolve: "200ms", retry: "200ms" },
      }],
    },
    acls: [],
    maps: [{ name: "routes", entries: [{ key: "old", value: "be-1" }] }],
  };
}

/** A screenshot of the page as it is, for review (tests/artifacts/ui/, gitignored). */
async function shoot(page: Page, name: string): Promise<void> {
  await Deno.mkdir(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: new URL(`live-${name}.png`, ARTIFACTS).pathname, fullPage: true });
}

async function reloads(d: TestDaemon): Promise<number> {
  const proc = await d.haproxy.showProc();
  assert.ok(proc);
  return proc.reloads;
}

/** A form post as the signed-in viewer, from the viewer's own browser context. */
async function viewerPost(page: Page, url: string, form: Record<string, string>) {
  return await page.request.post(url, { form, maxRedirects: 0 });
}

Deno.test("ui runtime pages - a map entry set through the form routes traffic; resolvers and protocol errors read", async () => {
  const be0 = serveNamed("be-0");
  const be1 = serveNamed("be-1");
  const dns = startTestDns({ "named.test": "127.0.0.1" });
  const fe = freePort();
  const d = await startTestDaemon({
    plugins: defaultPlugins(),
    state: state(fe, be0.address, be1.address, be1.port, dns.address),
  });
  const browser = await launchBrowser();
  const route = async (key: string) => (await through(fe, "/", { "x-route": key })).body;
  try {
    const page = await signedIn(browser, d.url, { javaScript: false });
    const before = await reloads(d);
    assert.equal(await route("new"), "be-0");

    // The list, then the map's entries as HAProxy holds them.
    await page.goto(`${d.url}/maps`);
    assert.match(await page.locator("#maps").innerText(), /routes\s+1\s+1\s+\S+routes\.map/);
    await page.click("#maps a:has-text('routes')");
    assert.match(await page.locator("h1").innerText(), /Map routes/);
    assert.match(await page.locator("#map-entries").innerText(), /old\s+be-1/);
    assert.match(
      await page.locator("#map-persisted").innerText(),
      /written to the map file and to the state.*no reload/s,
    );

    // Add through the form: HAProxy routes by it at once, the file and the state have it.
    await page.fill("#f-key", "new");
    await page.fill("#f-value", "be-1");
    await page.click("button:has-text('Add or set')");
    assert.match(
      await toast(page),
      /Added new → be-1 in map routes: HAProxy uses it now, and it is written to the map file and the state \(snapshot \S+\); no reload/,
    );
    assert.equal(await route("new"), "be-1");
    assert.match(await page.locator("#map-entries").innerText(), /new\s+be-1/);
    await shoot(page, "map");
    const shown = await d.api("GET", "/api/runtime/maps/routes");
    assert.ok(shown.body.loaded);
    assert.deepEqual(shown.body.entries.find((e: any) => e.key === "new"), {
      key: "new",
      value: "be-1",
    });
    assert.match(await Deno.readTextFile(`${d.paths.maps}/routes.map`), /^new be-1$/m);

    // Set: the same key with another value.
    await page.fill("#f-key", "new");
    await page.fill("#f-value", "be-0");
    await page.click("button:has-text('Add or set')");
    assert.match(await toast(page), /Set new → be-0 in map routes/);
    assert.equal(await route("new"), "be-0");

    // A key HAProxy's syntax refuses comes back at its field, typed values kept.
    await page.fill("#f-key", "bad key");
    await page.fill("#f-value", "be-1");
    const [refused] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === "POST"),
      page.click("button:has-text('Add or set')"),
    ]);
    assert.equal(refused.status(), 400);
    assert.match(await page.locator("#f-key-err").innerText(), /malformed.*key/is);
    assert.equal(await page.inputValue("#f-value"), "be-1");

    // Delete through the server's confirmation page.
    await page.goto(`${d.url}/maps/routes`);
    await page.locator("#map-entries tr:has-text('new') button:has-text('Delete')").click();
    assert.match(await page.locator("#confirm-q").innerText(), /Delete new from map routes\?/);
    await page.click("button:has-text('Yes, do it')");
    assert.match(await toast(page), /Removed new from map routes: HAProxy uses it now/);
    assert.doesNotMatch(await page.locator("#map-entries").innerText(), /\bnew\b/);
    assert.equal(await route("new"), "be-0");
    assert.equal(await route("old"), "be-1");
    const kept = (await d.api("GET", "/api/state")).body.maps[0].entries;
    assert.deepEqual(kept, [{ key: "old", value: "be-1" }]);
    assert.equal(await reloads(d), before, "map changes need no reload");

    // A new map from the form (a change of the state's maps): a malformed line is refused at
    // its field, a good one is added with its entries and written to its file.
    await page.goto(`${d.url}/maps`);
    await page.fill("#f-name", "extra");
    await page.fill("#f-entries", "a.test be-1\nb.test");
    const [badLine] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === "POST"),
      page.click("button:has-text('Add the map')"),
    ]);
    assert.equal(badLine.status(), 400);
    assert.match(await page.locator("#f-entries-err").innerText(), /line 2: write 'key value'/);
    await page.fill("#f-entries", "a.test be-1\nb.test be-0");
    await page.click("button:has-text('Add the map')");
    assert.match(await toast(page), /Added map extra with 2 entries/);
    const maps = (await d.api("GET", "/api/state")).body.maps;
    assert.deepEqual(maps.find((m: any) => m.name === "extra")?.entries, [
      { key: "a.test", value: "be-1" },
      { key: "b.test", value: "be-0" },
    ]);
    assert.match(await Deno.readTextFile(`${d.paths.maps}/extra.map`), /^b\.test be-0$/m);
    const added = (await d.api("GET", "/api/audit?category=state")).body.entries[0];
    assert.equal(added.details.reason, "ui:/maps", "the audit entry names the page");
    // A map a rule uses cannot be deleted (the 422 names the rule); an unused one can.
    await page.goto(`${d.url}/maps/routes`);
    await page.click("button:has-text('Delete map routes')");
    await page.click("button:has-text('Yes, do it')");
    assert.match(
      await toast(page),
      /Delete map routes failed: haproxy\.frontends\.0\.useBackends\.0\.backend: .*'@routes'/,
    );
    assert.ok((await d.api("GET", "/api/state")).body.maps.some((m: any) => m.name === "routes"));
    assert.equal(await route("old"), "be-1");
    await page.goto(`${d.url}/maps/extra`);
    await page.click("button:has-text('Delete map extra')");
    await page.click("button:has-text('Yes, do it')");
    assert.match(await toast(page), /Deleted map extra/);
    assert.ok(!(await d.api("GET", "/api/state")).body.maps.some((m: any) => m.name === "extra"));

    // Resolvers: the declared section, its user, and HAProxy's counters for the name server.
    assert.ok(
      await waitFor(async () => {
        const r = await d.api("GET", "/api/runtime/resolvers");
        return (r.body.resolvers?.[0]?.nameservers?.[0]?.counters?.valid ?? 0) > 0;
      }, 10_000),
      "HAProxy never got a valid answer",
    );
    await page.goto(`${d.url}/resolvers`);
    const section = await page.locator("#resolvers-testdns").innerText();
    assert.match(section, /Resolvers testdns/);
    assert.match(section, /timeout resolve 200ms.*Used by: named\/s1/s);
    await shoot(page, "resolvers");
    assert.match(section, /ns1\s+127\.0\.0\.1:\d+\s+[1-9]\d*\s+[1-9]\d*/, "sent and valid");

    // Protocol errors: a malformed request, with its captured bytes for an admin.
    await page.goto(`${d.url}/protocol-errors`);
    assert.match(await page.locator("#protocol-errors").innerText(), /captured no invalid/);
    const conn = await Deno.connect({ hostname: "127.0.0.1", port: fe });
    await conn.write(new TextEncoder().encode("GET\x01/ HTTP/1.1\r\nHost: x\r\n\r\n"));
    assert.match(await new Response(conn.readable).text(), /^HTTP\/1\.[01] 400/);
    await page.goto(`${d.url}/protocol-errors`);
    const listed = await page.locator("#protocol-errors").innerText();
    assert.match(listed, /frontend fe\s+request\s+none\s+127\.0\.0\.1:\d+\s+3 of \d+/);
    assert.match(await page.locator("#protocol-errors pre").textContent() ?? "", /GET\\x01\//);
    await shoot(page, "protocol-errors");

    // A viewer reads everything but is offered no form, and a forged post is refused.
    await d.addUser(VIEWER.username, "viewer");
    const viewer = await signedIn(browser, d.url, { user: VIEWER, javaScript: false });
    await viewer.goto(`${d.url}/maps/routes`);
    assert.match(await viewer.locator("#map-entries").innerText(), /old\s+be-1/);
    assert.equal(await viewer.locator("#map-entry-form").count(), 0);
    assert.equal(await viewer.locator("#map-entries button").count(), 0);
    assert.match(await viewer.locator("#map-readonly").innerText(), /operators and admins/);
    const forged = await viewerPost(viewer, `${d.url}/maps/routes`, {
      _step: "set",
      key: "new",
      value: "be-1",
    });
    assert.equal(forged.status(), 403);
    assert.equal(await route("new"), "be-0");
    await viewer.goto(`${d.url}/protocol-errors`);
    assert.match(await viewer.locator("#protocol-errors").innerText(), /frontend fe/);
    assert.equal(await viewer.locator("#protocol-errors pre").count(), 0, "no bytes for a viewer");
    await viewer.goto(`${d.url}/resolvers`);
    assert.match(await viewer.locator("#resolvers-testdns").innerText(), /ns1/);
  } finally {
    await browser.close();
    await d.stop();
    dns.close();
    await be0.close();
    await be1.close();
  }
});

const BODY = "<h1>we are down</h1>\n";
const PAGE = `HTTP/1.1 503 Service Unavailable\r\ncontent-type: text/html; charset=utf-8\r\n` +
  `content-length: ${BODY.length}\r\ncache-control: no-cache\r\nconnection: close\r\n\r\n${BODY}`;

Deno.test("ui error pages - upload with a file input, listed; delete refused with the 409 while used", async () => {
  const fe = freePort();
  const dead = freePort();
  const d = await startTestDaemon({
    plugins: defaultPlugins(),
    state: deadBackendState(fe, dead, []),
  });
  const browser = await launchBrowser();
  const dir = await Deno.makeTempDir({ prefix: "pp-ui-errpages-" });
  try {
    await Deno.writeTextFile(`${dir}/503.http`, PAGE);
    await Deno.writeTextFile(`${dir}/bad.http`, "just a body");
    const page = await signedIn(browser, d.url, { javaScript: false });
    await page.goto(`${d.url}/error-pages`);
    assert.match(await page.locator("#error-pages").innerText(), /No error pages/);

    // A file that is not an HTTP response comes back at the file field with the API's issues.
    await page.selectOption("#f-code", "503");
    await page.setInputFiles("#f-page", `${dir}/bad.http`);
    const [refused] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === "POST"),
      page.click("button:has-text('Upload')"),
    ]);
    assert.equal(refused.status(), 422);
    assert.match(
      await page.locator("#f-page-err").innerText(),
      /not an HTTP response.*blank line/s,
    );

    await page.selectOption("#f-code", "503");
    await page.setInputFiles("#f-page", `${dir}/503.http`);
    await page.click("button:has-text('Upload')");
    assert.match(
      await toast(page),
      new RegExp(`Uploaded error page 503 \\(${PAGE.length} bytes\\)`),
    );
    assert.match(
      await page.locator("#error-pages").innerText(),
      new RegExp(
        `503\\s+uploaded file\\s+text/html; charset=utf-8\\s+${PAGE.length} bytes\\s+not used`,
      ),
    );
    const back = await d.api("GET", "/api/error-pages/503");
    assert.equal(back.text, PAGE, "the bytes arrived as uploaded");

    // Served from the console: the upload joins the state for every proxy, and HAProxy sends
    // it for the dead backend's 503. Delete is then refused with the API's message.
    assert.notEqual((await through(fe)).body, BODY);
    await page.click("button:has-text('Serve 503')");
    assert.match(
      await page.locator("#confirm-q").innerText(),
      /Serve the uploaded error page 503 for every proxy\?/,
    );
    await page.click("button:has-text('Yes, do it')");
    assert.match(await toast(page), /HAProxy now sends the uploaded page 503 for every proxy/);
    assert.deepEqual((await d.api("GET", "/api/state")).body.errorPages, [
      { code: 503, upload: true },
    ]);
    assert.ok(await waitFor(async () => (await through(fe)).body === BODY, 10_000));
    assert.equal(await page.locator("button:has-text('Serve 503')").count(), 0);
    assert.match(
      await page.locator("#error-pages").innerText(),
      /503\s+uploaded file.*every proxy \(defaults\): the upload/s,
    );
    await page.click("button:has-text('Delete 503')");
    assert.match(
      await page.locator("#confirm-q").innerText(),
      /Delete the uploaded error page 503\?/,
    );
    const [conflict] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === "POST"),
      page.click("button:has-text('Yes, do it')"),
    ]);
    assert.equal(conflict.status(), 409);
    const alert = await page.locator(".alert[data-status='409']").innerText();
    await shoot(page, "error-pages-409");
    assert.match(alert, /Error page 503 was not deleted/);
    assert.match(
      alert,
      /error page 503 is in use by the state \(errorPages\): remove it there first/,
    );
    assert.equal((await d.api("GET", "/api/error-pages/503")).status, 200, "still there");

    // A viewer sees the list without the upload form or delete buttons.
    await d.addUser(VIEWER.username, "viewer");
    const viewer = await signedIn(browser, d.url, { user: VIEWER, javaScript: false });
    await viewer.goto(`${d.url}/error-pages`);
    assert.match(await viewer.locator("#error-pages").innerText(), /503\s+uploaded file/);
    assert.equal(await viewer.locator("#upload-form").count(), 0);
    assert.equal(await viewer.locator("#error-pages button").count(), 0);
    assert.match(await viewer.locator("#error-pages-readonly").innerText(), /operators and admins/);

    // Taken out of the state from the console (no JavaScript: the confirmation page), HAProxy
    // sends its own 503 again; the same delete then goes through (with JavaScript: the dialog).
    await page.goto(`${d.url}/error-pages`);
    await page.click("button:has-text('Stop serving 503')");
    assert.match(await page.locator("#confirm-q").innerText(), /Stop serving error page 503/);
    await page.click("button:has-text('Yes, do it')");
    assert.match(await toast(page), /Error page 503 is no longer in the state/);
    assert.deepEqual((await d.api("GET", "/api/state")).body.errorPages, []);
    assert.ok(await waitFor(async () => (await through(fe)).body !== BODY, 10_000));
    const js = await signedIn(browser, d.url);
    await js.goto(`${d.url}/error-pages`);
    await js.click("button:has-text('Delete 503')");
    assert.match(
      await js.locator("dialog[open]").innerText(),
      /Delete the uploaded error page 503\?/,
    );
    await js.click("dialog[open] button:has-text('Yes, do it')");
    // The page URL does not change (post, redirect, same page): wait for the flash itself.
    await js.locator(".toasts", { hasText: "Deleted the uploaded error page 503" }).waitFor();
    assert.match(await js.locator("#error-pages").innerText(), /No error pages/);
    assert.equal((await d.api("GET", "/api/error-pages/503")).status, 404);
  } finally {
    await Deno.remove(dir, { recursive: true });
    await browser.close();
    await d.stop();
  }
});
