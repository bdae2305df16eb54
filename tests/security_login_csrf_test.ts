/**
 * Login CSRF: requests without a credential (sign-in and first-run setup)
 * are refused when a browser shows they are cross-site, so a hostile page
 * can neither sign the victim's browser into the attacker's account nor
 * create the first admin with a password the attacker chose. Non-browser
 * clients (no Origin, no Sec-Fetch-Site) and same-origin forms still work.
 *
 * @module
 */
import assert from "node:assert/strict";
import { startTestDaemon, TEST_ADMIN, type TestDaemon } from "./support/daemon.ts";

const CROSS_SITE: [string, Record<string, string>][] = [
  ["sec-fetch-site", { "sec-fetch-site": "cross-site", origin: "https://evil.example" }],
  ["origin only", { origin: "https://evil.example" }],
  ["null origin", { origin: "null" }],
  ["same-site", { "sec-fetch-site": "same-site" }],
];

function post(d: TestDaemon, path: string, type: string, body: string, headers = {}) {
  return fetch(`${d.url}${path}`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": type, ...headers },
    body,
  });
}

async function needsSetup(d: TestDaemon): Promise<boolean> {
  const r = await d.api("GET", "/api/setup/status", undefined, {}, { as: "anonymous" });
  return r.body.needsSetup;
}

Deno.test("security login csrf - a cross-site sign-in gets no session", async () => {
  const d = await startTestDaemon();
  try {
    const form = new URLSearchParams({ ...TEST_ADMIN, return: "/dashboard" }).toString();
    // text/plain lets a cross-site form send a JSON-shaped body without a preflight.
    const plain = JSON.stringify(TEST_ADMIN);
    for (const [name, headers] of CROSS_SITE) {
      const page = await post(d, "/login", "application/x-www-form-urlencoded", form, headers);
      await page.body?.cancel();
      assert.equal(page.status, 403, `page ${name}`);
      assert.equal(page.headers.get("set-cookie"), null, `page ${name}`);
      const api = await post(d, "/api/auth/login", "text/plain", plain, headers);
      assert.equal(api.status, 403, `api ${name}`);
      assert.equal((await api.json()).error, "ForbiddenError");
      assert.equal(api.headers.get("set-cookie"), null, `api ${name}`);
    }
    const same = await post(d, "/login", "application/x-www-form-urlencoded", form, {
      origin: d.url,
      "sec-fetch-site": "same-origin",
    });
    await same.body?.cancel();
    assert.equal(same.status, 303);
    assert.match(same.headers.get("set-cookie") ?? "", /^patchpanel\.sid=/);
    assert.equal((await d.login()).status, 200, "a non-browser client signs in as before");
  } finally {
    await d.stop();
  }
});

Deno.test("security login csrf - a cross-site page cannot complete first-run setup", async () => {
  const d = await startTestDaemon({ setup: false });
  try {
    const creds = { username: "evil", password: "evil-password-123" };
    const form = new URLSearchParams({ ...creds, confirm: creds.password }).toString();
    for (const [name, headers] of CROSS_SITE) {
      const page = await post(d, "/setup", "application/x-www-form-urlencoded", form, headers);
      await page.body?.cancel();
      assert.equal(page.status, 403, `page ${name}`);
      const api = await post(
        d,
        "/api/setup/complete",
        "text/plain",
        JSON.stringify(creds),
        headers,
      );
      await api.body?.cancel();
      assert.equal(api.status, 403, `api ${name}`);
      assert.equal(await needsSetup(d), true, name);
    }
    const same = await post(d, "/setup", "application/x-www-form-urlencoded", form, {
      origin: d.url,
      "sec-fetch-site": "same-origin",
    });
    await same.body?.cancel();
    assert.equal(same.status, 303);
    assert.equal(await needsSetup(d), false);
  } finally {
    await d.stop();
  }
});
