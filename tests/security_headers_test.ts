/**
 * Response headers against caching and sniffing: API answers that carry
 * secrets (a minted token's wire, the session's CSRF token) and error
 * envelopes are `Cache-Control: no-store` with `X-Content-Type-Options:
 * nosniff`; console pages (including the BYO page, whose confirm step
 * round-trips a private key in a hidden field) carry no-store and the
 * clickjacking and content-security headers.
 *
 * @module
 */
import assert from "node:assert/strict";
import { defaultPlugins } from "../plugins/mod.ts";
import { startTestDaemon } from "./support/daemon.ts";

function assertNoStore(headers: Headers, what: string): void {
  assert.equal(headers.get("cache-control"), "no-store", what);
  assert.equal(headers.get("x-content-type-options"), "nosniff", what);
}

Deno.test("security headers - answers carrying secrets and error envelopes are never cached", async () => {
  const d = await startTestDaemon();
  try {
    const s = await d.login();
    const login = await d.api(
      "POST",
      "/api/auth/login",
      {
        username: "admin",
        password: "admin-password-123",
      },
      {},
      { as: "anonymous" },
    );
    assert.equal(login.status, 200);
    assertNoStore(login.headers, "login (csrfToken)");
    const who = await d.api("GET", "/api/auth/whoami", undefined, {}, { as: s });
    assert.equal(typeof who.body.csrfToken, "string");
    assertNoStore(who.headers, "whoami (csrfToken)");
    const mint = await d.api("POST", "/api/api-tokens", { name: "ci" }, {}, { as: s });
    assert.equal(mint.status, 201, mint.text);
    assert.match(mint.body.wire, /^pp_/);
    assertNoStore(mint.headers, "mint (wire)");
    const state = await d.api("GET", "/api/state");
    assert.equal(state.status, 200);
    assertNoStore(state.headers, "state");
    const denied = await d.api("GET", "/api/users", undefined, {}, { as: "anonymous" });
    assert.equal(denied.status, 401);
    assertNoStore(denied.headers, "401 envelope");
    const bad = await d.api("POST", "/api/auth/login", "{nope", {}, { as: "anonymous" });
    assert.equal(bad.status, 400);
    assertNoStore(bad.headers, "400 envelope");
  } finally {
    await d.stop();
  }
});

Deno.test("security headers - console pages are no-store, framed by nobody, with a strict CSP", async () => {
  const d = await startTestDaemon({ plugins: defaultPlugins() });
  try {
    const s = await d.login();
    for (const path of ["/login", "/dashboard", "/byo-certs", "/tokens", "/state"]) {
      const res = await fetch(`${d.url}${path}`, {
        headers: { accept: "text/html", cookie: s.cookie },
      });
      await res.body?.cancel();
      assert.equal(res.status, 200, path);
      assertNoStore(res.headers, path);
      assert.equal(res.headers.get("x-frame-options"), "DENY", path);
      const csp = res.headers.get("content-security-policy") ?? "";
      assert.match(csp, /frame-ancestors 'none'/, path);
      assert.match(csp, /script-src 'self'(;|$)/, path);
      assert.equal(res.headers.get("referrer-policy"), "same-origin", path);
    }
  } finally {
    await d.stop();
  }
});
