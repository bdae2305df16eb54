/**
 * The pages plugins contribute, in a real browser against a real daemon and
 * HAProxy: ACL runtime entries added and removed on the ACL page (and
 * matched by HAProxy at once), the runtime console for admins only, a BYO
 * certificate uploaded through the page after validation feedback and then
 * listed with its days left, trusted CA upload and delete, and a state that
 * `haproxy -c` refuses showing HAProxy's output and the hint's entity.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { Browser, Page } from "playwright-core";
import { defaultPlugins } from "../plugins/mod.ts";
import {
  freePort,
  simpleState,
  startBackend,
  startTestDaemon,
  TEST_ADMIN,
  type TestDaemon,
  through,
} from "./support/daemon.ts";
import { launchBrowser } from "./support/browser.ts";
import { makeRootCa } from "./support/pki.ts";

interface Setup {
  d: TestDaemon;
  browser: Browser;
  fePort: number;
  close(): Promise<void>;
}

/** A daemon whose frontend routes `is_beta` (inline) and `vip` (file-backed) to backend vip. */
async function setup(): Promise<Setup> {
  const app = startBackend("app");
  const vip = startBackend("vip");
  const fePort = freePort();
  const state = simpleState(fePort, [{ name: "a", address: app.address }]) as {
    haproxy: { frontends: Record<string, unknown>[]; backends: unknown[] };
    acls: unknown[];
  };
  state.haproxy.frontends[0].useBackends = [
    { backend: "vip", cond: "if is_beta" },
    { backend: "vip", cond: "if vip" },
  ];
  state.haproxy.backends.push({ id: "vip", servers: [{ name: "v", address: vip.address }] });
  state.acls = [
    { name: "is_beta", criterion: "hdr(x-beta)", values: ["yes"] },
    { name: "vip", criterion: "hdr(x-vip)", file: true, values: [] },
  ];
  // Raw directives on: a test provokes haproxy -c with a line it does not know.
  const d = await startTestDaemon({
    plugins: defaultPlugins(),
    config: { security: { allowRawDirectives: true } },
    state,
  });
  let browser: Browser;
  try {
    browser = await launchBrowser();
  } catch (error) {
    await d.stop();
    await Promise.all([app.close(), vip.close()]);
    throw error;
  }
  return {
    d,
    browser,
    fePort,
    async close() {
      await browser.close();
      await d.stop();
      await Promise.all([app.close(), vip.close()]);
    },
  };
}

async function signIn(
  s: Setup,
  user: { username: string; password: string } = TEST_ADMIN,
): Promise<Page> {
  const page = await (await s.browser.newContext()).newPage();
  await page.goto(`${s.d.url}/login`);
  await page.fill("#f-username", user.username);
  await page.fill("#f-password", user.password);
  await page.click("button:has-text('Sign in')");
  assert.match(page.url(), /\/dashboard$/);
  return page;
}

async function text(page: Page, selector: string): Promise<string> {
  return (await page.locator(selector).first().textContent()) ?? "";
}

Deno.test("ui acls - a runtime entry added on the page is listed and matched, runtime-only vs persisted", async () => {
  const s = await setup();
  try {
    const page = await signIn(s);
    await page.goto(`${s.d.url}/acls`);
    assert.match(await text(page, "#acls"), /is_beta\s*hdr\(x-beta\)\s*inline/);
    assert.match(await text(page, "#entries-0"), /yes\s*in the state/);

    // Inline ACL: the entry is live at once and the page says it is runtime-only.
    await page.fill("#f-entry-0", "maybe");
    await page.click("button:has-text('Add to is_beta')");
    assert.match(await text(page, ".toasts"), /Added maybe to ACL is_beta at run time only/);
    assert.match(await text(page, "#entries-0"), /maybe\s*runtime-only: lost at the next reload/);
    assert.equal((await through(s.fePort, "/", { "x-beta": "maybe" })).body, "vip");

    // File-backed ACL: persisted to the state.
    await page.fill("#f-entry-1", "gold");
    await page.click("button:has-text('Add to vip')");
    assert.match(await text(page, ".toasts"), /Added gold to ACL vip: persisted to the state/);
    assert.match(await text(page, "#entries-1"), /gold\s*persisted/);
    assert.deepEqual((await s.d.api("GET", "/api/state")).body.acls[1].values, ["gold"]);

    // A value HAProxy's CLI cannot carry is refused next to the field, nothing sent.
    await page.fill("#f-entry-0", "two words");
    await page.click("button:has-text('Add to is_beta')");
    assert.equal(await page.locator("#f-entry-0").getAttribute("aria-invalid"), "true");
    assert.match(await text(page, "#f-entry-0-err"), /without spaces/);

    // Removing asks first (the dialog), then the entry is gone.
    await page.goto(`${s.d.url}/acls`);
    await page.locator("#entries-0 tr:has-text('maybe') button:has-text('Remove')").click();
    assert.match(await text(page, "dialog[open]"), /Remove maybe from ACL is_beta\?/);
    await Promise.all([
      page.waitForNavigation(),
      page.locator("dialog[open] button[value=yes]").click(),
    ]);
    assert.match(await text(page, ".toasts"), /Removed maybe from ACL is_beta at run time only/);
    assert.doesNotMatch(await text(page, "#entries-0"), /maybe/);
    assert.equal((await through(s.fePort, "/", { "x-beta": "maybe" })).body, "app");
  } finally {
    await s.close();
  }
});

Deno.test("ui console - an admin runs show cli level; other roles cannot open it", async () => {
  const s = await setup();
  try {
    const page = await signIn(s);
    await page.goto(`${s.d.url}/console`);
    await page.fill("#f-command", "show cli level");
    await page.click("button:has-text('Run')");
    assert.equal((await text(page, "#console-output")).trim(), "admin");
    assert.equal(await page.locator("#f-command").inputValue(), "show cli level");
    const audit = await s.d.api("GET", "/api/audit?category=haproxy");
    assert.ok(
      JSON.stringify(audit.body).includes("show cli level"),
      "the console's command is audited",
    );

    await s.d.addUser("ops", "operator", "operator-password-1");
    const ops = await signIn(s, { username: "ops", password: "operator-password-1" });
    const res = await ops.goto(`${s.d.url}/console`);
    assert.equal(res?.status(), 403);
    assert.equal(await ops.locator("nav a[href='/console']").count(), 0);
  } finally {
    await s.close();
  }
});

Deno.test("ui certificates - a BYO upload validates, then shows in the list with its days left", async () => {
  const dir = await Deno.makeTempDir({ prefix: "pp-ui-pki-" });
  const root = await makeRootCa(dir, "UI-Root");
  const leaf = await root.server("app.test", ["app.test", "www.app.test"], { toDays: 45 });
  const other = await root.server("other.test", ["other.test"]);
  const s = await setup();
  try {
    const page = await signIn(s);
    await page.goto(`${s.d.url}/byo-certs`);
    await page.fill("#f-name", "app");
    await page.fill("#f-fullchainPem", leaf.cert);
    await page.fill("#f-privkeyPem", other.key);
    await page.click("button:has-text('Validate')");
    // The precise error sits next to the key, and what was typed is kept.
    assert.match(await text(page, "#f-privkeyPem-err"), /key does not match leaf/);
    assert.equal(await page.locator("#f-name").inputValue(), "app");

    await page.fill("#f-privkeyPem", leaf.key);
    await page.click("button:has-text('Validate')");
    const facts = await text(page, "table.facts");
    assert.match(facts, /app\.test, www\.app\.test/);
    assert.match(facts, /CN=UI-Root/);
    assert.match(facts, /4[45] days left/);
    assert.equal(await page.locator("#f-domains").inputValue(), "app.test www.app.test");
    await page.click("button:has-text('Upload app')");
    assert.match(
      await text(page, ".toasts"),
      /Uploaded app\. Added to the state as certificate app/,
    );
    assert.match(await text(page, "#byo-certs"), /app\s*app\.test, www\.app\.test/);

    await page.goto(`${s.d.url}/certificates`);
    const row = await text(page, "#certificates tr:has-text('app.test')");
    assert.match(row, /byo \(byo\)/);
    assert.match(row, /4[45] days/);
    assert.match(row, /ok/);
    assert.match(row, /no bind/);

    // A trusted CA: uploaded, listed, deleted after the confirmation dialog.
    await page.goto(`${s.d.url}/trusted-cas`);
    await page.fill("#f-caPem", leaf.cert);
    await page.fill("#f-caName", "not-a-ca");
    await page.click("button:has-text('Upload a CA bundle')");
    assert.match(await text(page, "#f-caPem-err"), /not a CA/);
    await page.fill("#f-caPem", root.cert);
    await page.click("button:has-text('Upload a CA bundle')");
    assert.match(await text(page, ".toasts"), /Uploaded the trusted CA not-a-ca \(1 certificate\)/);
    assert.match(await text(page, "#trusted-cas"), /not-a-ca\s*CN=UI-Root/);
    await page.locator("#trusted-cas button:has-text('Delete')").click();
    await Promise.all([
      page.waitForNavigation(),
      page.locator("dialog[open] button[value=yes]").click(),
    ]);
    assert.match(await text(page, ".toasts"), /Deleted the trusted CA not-a-ca/);
    assert.match(await text(page, "#trusted-cas"), /No CA bundles uploaded/);
  } finally {
    await s.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("ui raw state - a state haproxy -c refuses shows HAProxy's output and the entity", async () => {
  const s = await setup();
  try {
    const page = await signIn(s);
    await page.goto(`${s.d.url}/state`);
    const doc = JSON.parse(await page.locator("#f-state").inputValue());
    doc.haproxy.backends[0].rawDirectives = ["bogus_keyword 1"];
    await page.fill("#f-state", JSON.stringify(doc, null, 2));
    const [res] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === "POST"),
      page.click("button:has-text('Validate and plan')"),
    ]);
    assert.equal(res.status(), 502);
    const alert = page.locator(".alert[role=alert]");
    assert.match((await alert.locator("h2").textContent()) ?? "", /HAProxy refused this state/);
    assert.match((await alert.locator("details pre").textContent()) ?? "", /bogus_keyword/);
    assert.equal(
      (await alert.locator(".hints .highlight").first().textContent())?.trim(),
      "backend app",
    );
    // Nothing was applied.
    const state = await s.d.api("GET", "/api/state");
    assert.deepEqual(state.body.haproxy.backends[0].rawDirectives ?? [], []);
  } finally {
    await s.close();
  }
});
