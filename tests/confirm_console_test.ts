/**
 * The console during a commit-confirmed window, without JavaScript: every
 * page carries the banner (time left, readings link, confirm and roll-back
 * buttons as plain form posts for an operator, none for a viewer); the
 * buttons work; with no window there is no banner; the apply dialog offers
 * the window.
 */
import assert from "node:assert/strict";
import { renderToString } from "preact-render-to-string";
import { freePort, startBackend, type TestDaemon, through } from "./support/daemon.ts";
import { startConfirmDaemon, stateWith } from "./support/confirm.ts";
import { html } from "../ui/html.ts";
import { Review } from "../ui/edit_flow.ts";
import { UiContext } from "../ui/components/context.ts";
import { confirmQuery } from "../ui/components/pending_banner.ts";

async function page(d: TestDaemon, path: string, cookie: string): Promise<string> {
  const res = await fetch(`${d.url}${path}`, { headers: { cookie, accept: "text/html" } });
  assert.equal(res.status, 200, path);
  return await res.text();
}

async function post(d: TestDaemon, cookie: string, csrf: string, what: string): Promise<Response> {
  const res = await fetch(`${d.url}/pending`, {
    method: "POST",
    redirect: "manual",
    headers: {
      cookie,
      accept: "text/html",
      "content-type": "application/x-www-form-urlencoded",
      origin: d.url,
    },
    body: new URLSearchParams({ _csrf: csrf, do: what }).toString(),
  });
  await res.body?.cancel();
  return res;
}

Deno.test("confirm console - the banner on every page, its buttons as forms, none without a window", async () => {
  const one = startBackend("one");
  const two = startBackend("two");
  const fe = freePort();
  const d = await startConfirmDaemon(fe, one.address);
  try {
    await d.addUser("watcher", "viewer");
    const admin = await d.login();
    const viewer = await d.login("watcher");
    assert.doesNotMatch(await page(d, "/dashboard", admin.cookie), /Change on probation:/);

    const put = await d.api("PUT", "/api/state?confirm=60s", stateWith(fe, two.address));
    assert.equal(put.status, 200, put.text);
    for (const path of ["/dashboard", "/backends", "/snapshots", "/pending"]) {
      const text = await page(d, path, admin.cookie);
      assert.match(text, /Change on probation:/, path);
      assert.match(text, /<form method="post" action="\/pending"/, path);
      assert.match(text, /name="do" value="cancel"/, path);
    }
    const seen = await page(d, "/dashboard", viewer.cookie);
    assert.match(seen, /Change on probation:/);
    assert.doesNotMatch(seen, /name="do" value="confirm"/, "a viewer gets no buttons");
    assert.match(
      await page(d, "/pending", admin.cookie),
      /not enough traffic|no reading yet|Guards/,
    );

    // Roll back through the banner's form: the previous server answers again.
    const rolled = await post(d, admin.cookie, admin.csrfToken, "cancel");
    assert.equal(rolled.status, 303);
    assert.equal((await through(fe)).body, "one");
    assert.equal((await d.api("GET", "/api/state/pending")).body.pending, null);
    assert.doesNotMatch(await page(d, "/dashboard", admin.cookie), /Change on probation:/);
    assert.match(await page(d, "/pending", admin.cookie), /ended\s*<strong>cancelled<\/strong>/);

    // Confirm through the form keeps the change.
    assert.equal(
      (await d.api("PUT", "/api/state?confirm=60s", stateWith(fe, two.address))).status,
      200,
    );
    assert.equal((await post(d, admin.cookie, admin.csrfToken, "confirm")).status, 303);
    const pending = (await d.api("GET", "/api/state/pending")).body;
    assert.equal(pending.pending, null);
    assert.equal(pending.last.status, "confirmed");
    assert.equal((await through(fe)).body, "two");
  } finally {
    await d.stop();
    await one.close();
    await two.close();
  }
});

Deno.test("confirm console - the apply dialog offers a window and passes it on", () => {
  const markup = renderToString(
    html`
      <${UiContext.Provider} value=${{ csrf: "t", path: "/backends/new" }}>
        <${Review} diff="" state=${{}} etag="e" what="Create backend x" />
        <//>
    `,
  );
  assert.match(markup, /<select name="confirm">/);
  assert.match(markup, /<option value="5m">/);
  assert.equal(confirmQuery(new URLSearchParams({ confirm: "5m" })), "&confirm=5m");
  assert.equal(confirmQuery(new URLSearchParams({ confirm: "" })), "");
  assert.equal(confirmQuery(new URLSearchParams({ confirm: "1s&supersede=true" })), "");
  assert.equal(confirmQuery(null), "");
});
