/**
 * CSRF: a cookie-authenticated mutating request from a cross-site browser,
 * or a form post without the session's CSRF token, is refused and changes
 * nothing; JSON from a non-browser client with a cookie (the seed recipe)
 * and every bearer-token request are unaffected.
 *
 * @module
 */
import assert from "node:assert/strict";
import { startTestDaemon, type TestDaemon } from "./support/daemon.ts";

function newUser(name: string) {
  return { username: name, password: `${name}-password-123`, role: "viewer" };
}

async function userExists(d: TestDaemon, name: string): Promise<boolean> {
  const list = await d.api("GET", "/api/users");
  return list.body.users.some((u: { username: string }) => u.username === name);
}

Deno.test("csrf - a cross-site cookie request is refused and changes nothing", async () => {
  const d = await startTestDaemon();
  try {
    const s = await d.login();
    const attacks: [string, Record<string, string>][] = [
      ["site", { "sec-fetch-site": "cross-site" }],
      ["samesite", { "sec-fetch-site": "same-site" }],
      ["origin", { origin: "http://127.0.0.2:9" }],
      ["nullorigin", { origin: "null" }],
    ];
    for (const [name, headers] of attacks) {
      const r = await d.api("POST", "/api/users", newUser(name), { ...headers, cookie: s.cookie });
      assert.equal(r.status, 403, name);
      assert.equal(r.body.error, "ForbiddenError");
      assert.equal(await userExists(d, name), false, name);
    }
    // A cross-site form post: urlencoded, no token.
    const form = await fetch(`${d.url}/api/auth/logout`, {
      method: "POST",
      headers: { cookie: s.cookie, "content-type": "application/x-www-form-urlencoded" },
      body: "x=1",
    });
    assert.equal(form.status, 403);
    assert.match((await form.json()).message, /CSRF token/);
    const still = await d.api("GET", "/api/auth/whoami", undefined, {}, { as: s });
    assert.equal(still.body.source, "session");
  } finally {
    await d.stop();
  }
});

Deno.test("csrf - JSON with a cookie from a non-browser client and same-origin browsers keep working", async () => {
  const d = await startTestDaemon();
  try {
    const s = await d.login();
    const plain = await d.api("POST", "/api/users", newUser("curlish"), { cookie: s.cookie });
    assert.equal(plain.status, 201, plain.text);
    const sameOrigin = await d.api("POST", "/api/users", newUser("browser"), {
      cookie: s.cookie,
      origin: d.url,
      "sec-fetch-site": "same-origin",
    });
    assert.equal(sameOrigin.status, 201, sameOrigin.text);
    // A form-encodable body passes with the session's CSRF token, as a header or a field.
    const withHeader = await d.api("POST", "/api/users", JSON.stringify(newUser("texty")), {
      cookie: s.cookie,
      "content-type": "text/plain",
      "x-csrf-token": s.csrfToken,
    });
    assert.equal(withHeader.status, 201, withHeader.text);
    const field = await fetch(`${d.url}/api/auth/logout`, {
      method: "POST",
      headers: { cookie: s.cookie, "content-type": "application/x-www-form-urlencoded" },
      body: `_csrf=${s.csrfToken}`,
    });
    assert.equal(field.status, 200, await field.text());
  } finally {
    await d.stop();
  }
});

Deno.test("csrf - bearer-token requests are not affected", async () => {
  const d = await startTestDaemon();
  try {
    const r = await d.api("POST", "/api/users", newUser("tokenmade"), {
      origin: "http://127.0.0.2:9",
      "sec-fetch-site": "cross-site",
    });
    assert.equal(r.status, 201, r.text);
    const form = await d.api("POST", "/api/auth/logout", "x=1", {
      "content-type": "application/x-www-form-urlencoded",
    });
    assert.equal(form.status, 200);
  } finally {
    await d.stop();
  }
});
