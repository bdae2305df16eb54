/**
 * The console's pages in a real browser: field errors from Zod issues, a
 * cross-site form post refused, every page readable with JavaScript off
 * (and a confirmed action through the server's confirmation page),
 * screenshots of every page in both themes (tests/artifacts/ui/), and the
 * JavaScript weight of the dashboard. Plugin pages (ACLs, runtime console,
 * maps, resolvers, protocol errors, certificates, BYO uploads, trusted CAs)
 * are covered alongside the core's.
 *
 * @module
 */
import assert from "node:assert/strict";
import { gzipSync } from "node:zlib";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { defaultPlugins } from "../plugins/mod.ts";
import {
  freePort,
  simpleState,
  startBackend,
  startTestDaemon,
  TEST_ADMIN,
  type TestDaemon,
  through,
  waitFor,
} from "./support/daemon.ts";
import { ARTIFACTS, launchBrowser } from "./support/browser.ts";
import { makeRootCa } from "./support/pki.ts";

/** The dashboard's JavaScript budget, gzip bytes. */
const JS_BUDGET = 60_000;

interface Setup {
  d: TestDaemon;
  browser: Browser;
  fePort: number;
  close(): Promise<void>;
}

/**
 * Adds an inline and a file-backed ACL (both used, both routing to app) so the ACL page has
 * content, and an unused map for the map pages.
 */
function withAcls(state: Record<string, unknown>): Record<string, unknown> {
  const s = state as { haproxy: { frontends: Record<string, unknown>[] }; acls: unknown[] };
  s.haproxy.frontends[0].useBackends = [
    { backend: "app", cond: "if is_beta" },
    { backend: "app", cond: "if blocked_ips" },
  ];
  s.acls = [
    { name: "is_beta", criterion: "hdr(x-beta)", flags: ["-i"], values: ["yes", "on"] },
    { name: "blocked_ips", criterion: "src", file: true, values: ["127.0.0.9"] },
  ];
  // A map no rule uses (HAProxy does not load it), so the map pages have content.
  (state as { maps?: unknown[] }).maps = [{
    name: "hosts",
    entries: [{ key: "app.test", value: "app" }],
  }];
  return state;
}

/** Uploads a BYO certificate and a trusted CA, and lists the certificate in the state. */
async function addCertificates(d: TestDaemon): Promise<{ cert: string; key: string }> {
  const dir = await Deno.makeTempDir({ prefix: "pp-ui-shots-" });
  try {
    const root = await makeRootCa(dir, "Shots-Root");
    const leaf = await root.server("app.test", ["app.test", "www.app.test"], { toDays: 20 });
    const up = await d.api("POST", "/api/byo-certs/upload", {
      name: "app",
      fullchainPem: leaf.cert,
      privkeyPem: leaf.key,
    });
    assert.equal(up.status, 200, up.text);
    const ca = await d.api("POST", "/api/trusted-cas/upload", { name: "clients", pem: root.cert });
    assert.equal(ca.status, 200, ca.text);
    const current = await d.api("GET", "/api/state");
    const state = current.body;
    state.tls = {
      providers: [{ id: "byo", kind: "byo" }],
      certs: [{ id: "app", providerId: "byo", name: "app", domains: ["app.test"] }],
    };
    const put = await d.api("PUT", "/api/state", state, {
      "if-match": current.headers.get("etag") ?? "",
    });
    assert.equal(put.status, 200, put.text);
    return { cert: leaf.cert, key: leaf.key };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function setup(): Promise<Setup> {
  const a = startBackend("a");
  const fePort = freePort();
  const d = await startTestDaemon({
    plugins: defaultPlugins(),
    // Raw directives on: the refused-state screenshot uses a line haproxy -c does not know.
    config: {
      stats: { intervalMs: 200, historyMs: 60_000 },
      security: { allowRawDirectives: true },
    },
    state: withAcls(simpleState(fePort, [{ name: "a", address: a.address }])),
  });
  let browser: Browser;
  try {
    browser = await launchBrowser();
  } catch (error) {
    await d.stop();
    await a.close();
    throw error;
  }
  return {
    d,
    browser,
    fePort,
    async close() {
      await browser.close();
      await d.stop();
      await a.close();
    },
  };
}

async function signIn(
  s: Setup,
  options: Parameters<Browser["newContext"]>[0] = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await s.browser.newContext(options);
  const page = await context.newPage();
  await page.goto(`${s.d.url}/login`);
  await page.fill("#f-username", TEST_ADMIN.username);
  await page.fill("#f-password", TEST_ADMIN.password);
  await page.click("button:has-text('Sign in')");
  assert.match(page.url(), /\/dashboard$/);
  return { context, page };
}

Deno.test("ui errors - a script error on a page reaches the audit log as client-error", async () => {
  const s = await setup();
  try {
    const { page } = await signIn(s);
    await page.goto(`${s.d.url}/backends`);
    await page.evaluate(() => {
      setTimeout(() => {
        throw new Error("boom from the console test");
      });
    });
    const reported = await waitFor(async () => {
      const audit = await s.d.api("GET", "/api/audit?limit=50");
      return audit.body.entries.some((e: { category: string; details: { message?: string } }) =>
        e.category === "client-error" && e.details.message?.includes("boom from the console test")
      );
    }, 10_000);
    assert.ok(reported, "the error was reported");
  } finally {
    await s.close();
  }
});

Deno.test("ui forms - invalid input shows each issue next to its field, nothing applied", async () => {
  const s = await setup();
  try {
    const { page } = await signIn(s);
    await page.goto(`${s.d.url}/backends/new`);
    await page.fill("#f-id", "bad name!");
    await page.fill("#f-servers-0-name", "s1");
    await page.fill("#f-servers-0-address", "not-an-address");
    await page.fill("#f-servers-0-weight", "999");
    const [res] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === "POST"),
      page.click("button:has-text('Review changes')"),
    ]);
    assert.equal(res.status(), 422);
    for (const field of ["f-id", "f-servers-0-address", "f-servers-0-weight"]) {
      const input = page.locator(`#${field}`);
      assert.equal(await input.getAttribute("aria-invalid"), "true", field);
      const err = (await page.locator(`#${field}-err`).textContent()) ?? "";
      assert.ok(err.length > 0, `${field} shows its error`);
    }
    assert.equal(await page.locator("#f-servers-0-name").getAttribute("aria-invalid"), null);
    // The form keeps what was typed.
    assert.equal(await page.locator("#f-servers-0-address").inputValue(), "not-an-address");
    const state = await s.d.api("GET", "/api/state");
    assert.equal(state.body.haproxy.backends.length, 1);
  } finally {
    await s.close();
  }
});

Deno.test("ui csrf - a cross-site form post with the session cookie is refused", async () => {
  const s = await setup();
  const evilPort = freePort();
  const evil = Deno.serve(
    { hostname: "127.0.0.1", port: evilPort, onListen() {} },
    () =>
      new Response(
        `<!doctype html><form id="f" method="post" action="${s.d.url}/backends/new">
        <input name="_step" value="plan"><input name="id" value="evil">
        <input name="servers.0.name" value="x"><input name="servers.0.address" value="127.0.0.1:1">
      </form><script>document.getElementById("f").submit()</script>`,
        { headers: { "content-type": "text/html" } },
      ),
  );
  try {
    const { page } = await signIn(s);
    const [res] = await Promise.all([
      page.waitForResponse((r) => r.url() === `${s.d.url}/backends/new`),
      page.goto(`http://127.0.0.1:${evilPort}/`),
    ]);
    assert.equal(res.status(), 403);
    assert.match(await res.text(), /cross-site request refused/);
    // The same post from the console itself works (a plan, so nothing is applied either way).
    await page.goto(`${s.d.url}/backends/new`);
    await page.fill("#f-id", "fine");
    await page.click("button:has-text('Review changes')");
    assert.equal(await page.locator("#review-h").count(), 1);
    const state = await s.d.api("GET", "/api/state");
    assert.deepEqual(state.body.haproxy.backends.map((b: { id: string }) => b.id), ["app"]);
  } finally {
    await evil.shutdown();
    await s.close();
  }
});

/** Every page a reviewer should see, with what identifies it. */
const PAGES: [name: string, path: string, heading: RegExp][] = [
  ["dashboard", "/dashboard", /Dashboard/],
  ["frontends", "/frontends", /Frontends/],
  ["frontend", "/frontends/fe-main", /Frontend fe-main/],
  ["backends", "/backends", /Backends/],
  ["backend", "/backends/app", /Backend app/],
  ["backend-new", "/backends/new", /New backend/],
  ["state", "/state", /Raw state/],
  ["haproxy-cfg", "/haproxy-cfg", /haproxy\.cfg/],
  ["snapshots", "/snapshots", /Snapshots/],
  ["audit", "/audit", /Audit log/],
  ["users", "/users", /Users/],
  ["tokens", "/tokens", /API tokens/],
  ["acls", "/acls", /ACLs/],
  ["console", "/console", /Runtime console/],
  ["certificates", "/certificates", /Certificates/],
  ["byo-certs", "/byo-certs", /Your own certificates/],
  ["trusted-cas", "/trusted-cas", /Trusted CAs and CRLs/],
  ["defaults", "/settings/defaults", /Defaults/],
  ["global", "/settings/global", /Global settings/],
  ["acl-definitions", "/acls/defined", /ACL definitions/],
  ["frontend-rules", "/frontends/fe-main/rules", /Rules of frontend fe-main/],
  ["maps", "/maps", /Maps/],
  ["map", "/maps/hosts", /Map hosts/],
  ["error-pages", "/error-pages", /Error pages/],
  ["resolvers", "/resolvers", /DNS resolvers/],
  ["protocol-errors", "/protocol-errors", /Protocol errors/],
];

Deno.test("ui without javascript - every page reads, a confirmed drain and ACL removal work", async () => {
  const s = await setup();
  try {
    await addCertificates(s.d);
    const { page } = await signIn(s, { javaScriptEnabled: false });
    for (const [name, path, heading] of PAGES) {
      const res = await page.goto(`${s.d.url}${path}`);
      assert.equal(res?.status(), 200, name);
      assert.match((await page.locator("h1").textContent()) ?? "", heading, name);
    }
    await page.goto(`${s.d.url}/backends/app`);
    assert.match((await page.locator("table").first().textContent()) ?? "", /a\s+127\.0\.0\.1/);
    await page.click("button:has-text('Drain')");
    assert.match(
      (await page.locator("#confirm-q").textContent()) ?? "",
      /Set server a of backend app to DRAIN\?/,
    );
    await page.click("button:has-text('Yes, do it')");
    assert.match(page.url(), /\/backends\/app$/);
    assert.match((await page.locator(".toasts").textContent()) ?? "", /Done/);
    assert.match((await page.locator("table").first().textContent()) ?? "", /DRAIN/);

    // Plugin pages read without JavaScript too: certificates with days left, live ACL entries.
    await page.goto(`${s.d.url}/certificates`);
    assert.match(
      (await page.locator("#certificates").textContent()) ?? "",
      /app\.test.*(19|20) days.*expiring/s,
    );
    await page.goto(`${s.d.url}/trusted-cas`);
    assert.match(
      (await page.locator("#trusted-cas").textContent()) ?? "",
      /clients\s*CN=Shots-Root/,
    );
    await page.goto(`${s.d.url}/acls`);
    const entries = page.locator("#entries-0");
    assert.match((await entries.textContent()) ?? "", /on\s*in the state/);
    // Removing an entry goes through the server's confirmation page.
    await entries.locator("tr:has-text('on') button:has-text('Remove')").click();
    assert.match(
      (await page.locator("#confirm-q").textContent()) ?? "",
      /Remove on from ACL is_beta\?/,
    );
    await page.click("button:has-text('Yes, do it')");
    assert.match((await page.locator(".toasts").textContent()) ?? "", /at run time only/);
    assert.match(
      (await page.locator("#entries-0").textContent()) ?? "",
      /on\s*removed at run time: back at the next reload/,
    );
  } finally {
    await s.close();
  }
});

async function shoot(page: Page, theme: string, name: string): Promise<void> {
  await page.screenshot({
    path: new URL(`${theme}-${name}.png`, ARTIFACTS).pathname,
    fullPage: true,
  });
}

Deno.test("ui screenshots - every page in light and dark, and the dashboard's JS weight", async () => {
  const s = await setup();
  await Deno.mkdir(ARTIFACTS, { recursive: true });
  const fresh = await startTestDaemon({ setup: false });
  try {
    const leaf = await addCertificates(s.d);
    // Traffic, so the charts have something to draw.
    for (let i = 0; i < 20; i++) await through(s.fePort);
    const samples = async () =>
      (await s.d.api("GET", "/api/stats/history")).body.samples?.length ?? 0;
    assert.ok(await waitFor(async () => (await samples()) >= 3, 5000));
    for (let i = 0; i < 20; i++) await through(s.fePort);
    for (const theme of ["light", "dark"] as const) {
      const anon = await s.browser.newContext({ colorScheme: theme });
      const setupPage = await anon.newPage();
      await setupPage.goto(`${fresh.url}/setup`);
      await shoot(setupPage, theme, "setup");
      await setupPage.goto(`${s.d.url}/login`);
      await shoot(setupPage, theme, "login");
      await anon.close();

      const { context, page } = await signIn(s, { colorScheme: theme });
      for (const [name, path] of PAGES) {
        await page.goto(`${s.d.url}${path}`);
        await shoot(page, theme, name);
      }
      const snapshot = page.locator("#snapshots a").first();
      await page.goto(`${s.d.url}/snapshots`);
      await snapshot.click();
      await shoot(page, theme, "snapshot");
      // A plan's diff, and field errors.
      await page.goto(`${s.d.url}/backends/app`);
      await page.fill("#f-servers-1-name", "b");
      await page.fill("#f-servers-1-address", "127.0.0.1:9");
      await page.click("button:has-text('Review changes')");
      await shoot(page, theme, "backend-review");
      await page.goto(`${s.d.url}/backends/new`);
      await page.fill("#f-id", "bad name!");
      await page.click("button:has-text('Review changes')");
      await shoot(page, theme, "backend-errors");
      // Plugin pages with results: console output, a refused state (502), a BYO refusal.
      await page.goto(`${s.d.url}/console`);
      await page.fill("#f-command", "show servers state app");
      await page.click("button:has-text('Run')");
      await shoot(page, theme, "console-output");
      await page.goto(`${s.d.url}/state`);
      const doc = JSON.parse(await page.locator("#f-state").inputValue());
      doc.haproxy.backends[0].rawDirectives = ["bogus_keyword 1"];
      await page.fill("#f-state", JSON.stringify(doc, null, 2));
      await page.click("button:has-text('Validate and plan')");
      await shoot(page, theme, "state-refused");
      await page.goto(`${s.d.url}/byo-certs`);
      await page.fill("#f-name", "broken");
      await page.fill("#f-fullchainPem", "not a certificate");
      await page.click("button:has-text('Validate')");
      await shoot(page, theme, "byo-refused");
      await page.fill("#f-fullchainPem", leaf.cert);
      await page.fill("#f-privkeyPem", leaf.key);
      await page.click("button:has-text('Validate')");
      await shoot(page, theme, "byo-review");
      // A confirmation dialog, and a phone-sized dashboard.
      await page.goto(`${s.d.url}/backends/app`);
      await page.click("button:has-text('Maint')");
      await shoot(page, theme, "confirm-dialog");
      await page.setViewportSize({ width: 390, height: 844 });
      await page.goto(`${s.d.url}/dashboard`);
      await shoot(page, theme, "dashboard-phone");
      await context.close();
    }

    // Page weight: every script the dashboard loads, gzipped.
    const { context, page } = await signIn(s);
    const urls: string[] = [];
    page.on("request", (r) => {
      if (r.resourceType() === "script" && !urls.includes(r.url())) urls.push(r.url());
    });
    await page.goto(`${s.d.url}/dashboard`);
    await page.locator("text=Charts:").waitFor();
    const sizes = await Promise.all(urls.map(async (u) => {
      const res = await fetch(u);
      return gzipSync(new Uint8Array(await res.arrayBuffer())).length;
    }));
    const total = sizes.reduce((a, b) => a + b, 0);
    console.log(`dashboard JavaScript: ${urls.join(", ")}: ${total} bytes gzip`);
    assert.ok(sizes.length >= 1, "the island bundle loads");
    assert.ok(total < JS_BUDGET, `${total} bytes gzip exceeds ${JS_BUDGET}`);
    // The live charts island took over (its status line appears only with JS).
    assert.match((await page.locator("[data-island=live-charts]").textContent()) ?? "", /Charts:/);
    await context.close();
  } finally {
    await fresh.stop();
    await s.close();
  }
});
