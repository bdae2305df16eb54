/**
 * The backend page's live numbers in a real browser against a real daemon
 * and HAProxy with loopback backends: under traffic the server cells
 * (sessions, 4xx, 5xx) and the backend's charts change without a reload;
 * a server holding a slow request is drained from the page, keeps its one
 * session while the request runs, and shows 0 current sessions in its
 * cells and the sessions chart once the request ends (the drain emptied),
 * still DRAIN. The charts' 4xx line draws amber and 5xx red, and the same
 * numbers read with JavaScript off, on the frontend page as well; the
 * dashboard's health cells are labelled with server and state.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { defaultPlugins } from "../plugins/mod.ts";
import { freePort, simpleState, startTestDaemon, through, waitFor } from "./support/daemon.ts";
import { launchBrowser } from "./support/browser.ts";
import { signedIn } from "./support/console.ts";

/** A loopback backend: `/hold` waits for {@link release}, `/missing` is 404, `/boom` 500. */
function holdingBackend(name: string) {
  let open = () => {};
  const b = {
    name,
    address: "",
    held: 0,
    hits: 0,
    gate: new Promise<void>((r) => (open = r)),
    release: () => open(),
    close: () => server.shutdown(),
  };
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    b.hits++;
    const path = new URL(req.url).pathname;
    if (path === "/hold") {
      b.held++;
      await b.gate;
    }
    const status = path === "/missing" ? 404 : path === "/boom" ? 500 : 200;
    return new Response(name, { status });
  });
  b.address = `127.0.0.1:${(server.addr as Deno.NetAddr).port}`;
  return b;
}

async function cell(page: Page, server: string, key: string): Promise<string> {
  return (await page.locator(`tr[data-server="${server}"] [data-cell="${key}"]`).textContent()) ??
    "";
}

/** The newest value a chart's legend reports for a series (NaN for none yet). */
async function lastOf(page: Page, chart: string, series: string): Promise<number> {
  const v = await page.locator(`#${chart} .legend [data-series="${series}"]`).getAttribute(
    "data-last",
  );
  return v ? Number(v) : NaN;
}

/**
 * Whether a chart's line for a series rose above zero anywhere in its window: a y above
 * the x axis (y = 140 in the 480×160 viewBox) in the drawn path.
 */
async function rose(page: Page, chart: string, series: string): Promise<boolean> {
  const d = await page.locator(`#${chart} path[data-series="${series}"]`).getAttribute("d");
  return [...(d ?? "").matchAll(/[ML][\d.]+,([\d.]+)/g)].some((m) => Number(m[1]) < 139.5);
}

/** `current / total` of a sessions cell. */
function sessions(text: string): { current: number; total: number } {
  const m = /^(\d+) \/ (\d+)$/.exec(text);
  assert.ok(m, `a sessions cell reads "current / total", got "${text}"`);
  return { current: Number(m[1]), total: Number(m[2]) };
}

Deno.test("ui live numbers - traffic and a drain that empties show on the backend page without reload", async () => {
  const a = holdingBackend("a");
  const b = holdingBackend("b");
  const fe = freePort();
  const d = await startTestDaemon({
    plugins: defaultPlugins(),
    config: { stats: { intervalMs: 250 } },
    state: simpleState(fe, [
      { name: "a", address: a.address },
      { name: "b", address: b.address },
    ]),
  });
  const browser = await launchBrowser();
  let held: Promise<{ status: number; body: string }> | null = null;
  try {
    const page = await signedIn(browser, d.url);
    await page.goto(`${d.url}/backends/app`);
    // A marker that a navigation would wipe: every change below happens on this one load.
    await page.evaluate(() => ((globalThis as Record<string, unknown>).__sameLoad = true));
    const sameLoad = () =>
      page.evaluate(() => (globalThis as Record<string, unknown>).__sameLoad === true);
    await page.locator("[data-island=proxy-charts] >> text=Charts: live").waitFor();
    const start = { a: sessions(await cell(page, "a", "sessions")) };

    // Traffic: 2xx, 4xx and 5xx answers through HAProxy.
    for (let i = 0; i < 12; i++) assert.equal((await through(fe)).status, 200);
    for (let i = 0; i < 4; i++) assert.equal((await through(fe, "/missing")).status, 404);
    for (let i = 0; i < 2; i++) assert.equal((await through(fe, "/boom")).status, 500);
    assert.ok(
      await waitFor(async () => sessions(await cell(page, "a", "sessions")).total > start.a.total),
      "server a's session total grows live",
    );
    assert.ok(
      await waitFor(async () => Number(await cell(page, "a", "http4xx")) >= 1, 5000),
      "server a's 4xx cell counts the 404s",
    );
    assert.ok(
      await waitFor(async () => Number(await cell(page, "b", "http5xx")) >= 1, 5000),
      "server b's 5xx cell counts the 500s",
    );
    assert.ok(
      await waitFor(() => rose(page, "chart-backend-requests", "requests per second"), 5000),
      "the request-rate chart rises live",
    );
    for (const series of ["2xx", "4xx", "5xx"]) {
      assert.ok(
        await waitFor(() => rose(page, "chart-backend-codes", series), 5000),
        `the ${series} line rises live`,
      );
    }
    // Colour by meaning: 4xx amber (--warn), 5xx red (--bad), whatever the series order.
    const colours = await page.evaluate(() => {
      const root = getComputedStyle(document.documentElement);
      const probe = document.createElement("span");
      document.body.append(probe);
      const rgb = (v: string) => {
        probe.style.color = root.getPropertyValue(v).trim();
        return getComputedStyle(probe).color;
      };
      const stroke = (s: string) =>
        getComputedStyle(document.querySelector(`#chart-backend-codes path[data-series="${s}"]`)!)
          .stroke;
      return {
        s4: stroke("4xx"),
        s5: stroke("5xx"),
        s2: stroke("2xx"),
        warn: rgb("--warn"),
        bad: rgb("--bad"),
        ok: rgb("--ok"),
      };
    });
    assert.equal(colours.s4, colours.warn, "4xx is amber");
    assert.equal(colours.s5, colours.bad, "5xx is red");
    assert.equal(colours.s2, colours.ok, "2xx is green");

    // A slow request holds a session on one server.
    held = through(fe, "/hold");
    assert.ok(
      await waitFor(() => a.held + b.held === 1, 5000),
      "the slow request reached a server",
    );
    const busy = a.held ? "a" : "b";
    const other = a.held ? "b" : "a";
    assert.ok(
      await waitFor(async () => sessions(await cell(page, busy, "sessions")).current === 1, 5000),
      `server ${busy} shows its one current session live`,
    );
    assert.ok(
      await waitFor(
        async () => (await lastOf(page, "chart-backend-sessions", "current sessions")) === 1,
        5000,
      ),
      "the backend's sessions chart shows the held session",
    );
    assert.ok(await sameLoad(), "all of it without a reload");

    // Drain it from the page: the session stays while the request runs.
    await page.click(`tr[data-server=${busy}] button:has-text('Drain')`);
    await page.click("dialog[open] button[value=yes]");
    assert.ok(
      await waitFor(async () => /DRAIN/.test(await cell(page, busy, "state")), 10_000),
      "the state cell shows DRAIN",
    );
    await page.evaluate(() => ((globalThis as Record<string, unknown>).__sameLoad = true));
    const draining = sessions(await cell(page, busy, "sessions"));
    assert.equal(draining.current, 1, "a drain does not cut the running request");
    for (let i = 0; i < 4; i++) {
      assert.equal((await through(fe)).body, other, "new requests avoid it");
    }

    // The request ends: the drain has emptied the server.
    (busy === "a" ? a : b).release();
    assert.equal((await held).status, 200, "the held request completed through the drain");
    held = null;
    assert.ok(
      await waitFor(async () => sessions(await cell(page, busy, "sessions")).current === 0, 5000),
      `server ${busy}'s current sessions fall to 0 live (${await cell(page, busy, "sessions")})`,
    );
    assert.ok(
      await waitFor(
        async () => (await lastOf(page, "chart-backend-sessions", "current sessions")) === 0,
        5000,
      ),
      "the sessions chart falls to 0",
    );
    assert.match(await cell(page, busy, "state"), /DRAIN/, "still draining, now empty");
    assert.equal(
      sessions(await cell(page, busy, "sessions")).total,
      draining.total,
      "no new session reached the drained server",
    );
    assert.ok(await sameLoad(), "the drain emptied on the same load");

    // Without JavaScript the same numbers and charts read from the page itself.
    const plain = await signedIn(browser, d.url, { javaScript: false });
    await plain.goto(`${d.url}/backends/app`);
    assert.equal(sessions(await cell(plain, busy, "sessions")).current, 0);
    assert.match(await cell(plain, busy, "state"), /DRAIN/);
    assert.match(
      (await plain.locator("#chart-backend-sessions figcaption").textContent()) ?? "",
      /current sessions: 0/,
    );
    assert.equal(await plain.locator("[data-island=proxy-charts] >> text=Charts:").count(), 0);
    assert.equal(
      await plain.locator("#chart-backend-codes path[data-series='5xx'].s3").count(),
      1,
      "the 5xx line is drawn (red) in the served HTML",
    );
    await plain.goto(`${d.url}/frontends/fe-main`);
    assert.ok(
      await rose(plain, "chart-frontend-requests", "requests per second"),
      "the frontend page charts its own request rate",
    );
    assert.ok(await rose(plain, "chart-frontend-codes", "5xx"), "and its 5xx answers");
    // The dashboard's health cells say which server and what state, not only a colour.
    await plain.goto(`${d.url}/dashboard`);
    const cellOf = (s: string) =>
      plain.locator(`[aria-label="Servers of app"] [data-server="${s}"]`);
    assert.match((await cellOf(busy).textContent()) ?? "", new RegExp(`${busy}\\s*drain`));
    assert.match((await cellOf(other).textContent()) ?? "", new RegExp(`${other}\\s*up`));
  } finally {
    a.release();
    b.release();
    await held;
    await browser.close();
    await d.stop();
    await a.close();
    await b.close();
  }
});

Deno.test("ui live numbers - without the stats plugin the backend page says why it has no charts", async () => {
  const a = holdingBackend("a");
  const fe = freePort();
  const d = await startTestDaemon({
    plugins: defaultPlugins().filter((p) => p.name !== "stats"),
    state: simpleState(fe, [{ name: "a", address: a.address }]),
  });
  try {
    const { cookie } = await d.login();
    for (const path of ["/backends/app", "/frontends/fe-main"]) {
      const res = await fetch(`${d.url}${path}`, { headers: { cookie } });
      const text = await res.text();
      assert.equal(res.status, 200, path);
      assert.match(text, /Traffic charts need the statistics plugin/, path);
      assert.doesNotMatch(text, /data-island="proxy-charts"/, `${path}: no island to follow`);
    }
  } finally {
    await d.stop();
    await a.close();
  }
});
