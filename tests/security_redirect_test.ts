/**
 * Open redirect: the post-login destination (`/login?return=`) is only ever
 * a same-origin path. Values a browser would turn into another host
 * (`//evil`, `/\evil`, `/<TAB>/evil`, absolute URLs, `javascript:`) fall
 * back to the dashboard, both in the login form and in the redirect.
 *
 * @module
 */
import assert from "node:assert/strict";
import { startTestDaemon, TEST_ADMIN, type TestDaemon } from "./support/daemon.ts";

const HOSTILE = [
  "//evil.example/x",
  "/\\evil.example",
  "/\\/evil.example",
  "/\t/evil.example",
  "/\n/evil.example",
  "/ /evil.example",
  "https://evil.example/",
  "javascript:alert(1)",
];

async function loginWithReturn(d: TestDaemon, back: string): Promise<string | null> {
  const res = await fetch(`${d.url}/login`, {
    method: "POST",
    redirect: "manual",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      origin: d.url,
      "sec-fetch-site": "same-origin",
    },
    body: new URLSearchParams({ ...TEST_ADMIN, return: back }).toString(),
  });
  await res.body?.cancel();
  assert.equal(res.status, 303, back);
  return res.headers.get("location");
}

function landsOnOtherHost(location: string, base: string): boolean {
  return new URL(location, base).origin !== new URL(base).origin;
}

Deno.test("security redirect - a hostile return= never leaves the origin after login", async () => {
  const d = await startTestDaemon();
  try {
    for (const back of HOSTILE) {
      const location = await loginWithReturn(d, back);
      assert.ok(location, back);
      assert.equal(
        landsOnOtherHost(location, d.url),
        false,
        `${JSON.stringify(back)} -> ${location}`,
      );
      assert.ok(!/[\s\\]/.test(location), `${JSON.stringify(back)} -> ${JSON.stringify(location)}`);
    }
    assert.equal(
      await loginWithReturn(d, "/backends/web?tab=servers"),
      "/backends/web?tab=servers",
    );
  } finally {
    await d.stop();
  }
});

Deno.test("security redirect - the login form does not carry a hostile return= into its hidden field", async () => {
  const d = await startTestDaemon();
  try {
    for (const back of HOSTILE) {
      const res = await fetch(`${d.url}/login?${new URLSearchParams({ return: back })}`, {
        headers: { accept: "text/html" },
      });
      const page = await res.text();
      assert.equal(res.status, 200);
      const m = page.match(/name="return" value="([^"]*)"/);
      assert.ok(m, "hidden return field");
      assert.equal(m[1], "/dashboard", JSON.stringify(back));
    }
  } finally {
    await d.stop();
  }
});
