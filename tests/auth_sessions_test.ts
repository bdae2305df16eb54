/**
 * First-run setup, login, sessions, logout, password changes, user
 * management and their audit trail, against a real daemon.
 *
 * @module
 */
import assert from "node:assert/strict";
import { startTestDaemon, TEST_ADMIN } from "./support/daemon.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

Deno.test("setup - creates the first admin once, then answers 409", async () => {
  const d = await startTestDaemon({ setup: false });
  try {
    const anon = { as: "anonymous" } as const;
    assert.deepEqual((await d.api("GET", "/api/setup/status", undefined, {}, anon)).body, {
      needsSetup: true,
    });
    const short = await d.api(
      "POST",
      "/api/setup/complete",
      {
        username: "root",
        password: "short",
      },
      {},
      anon,
    );
    assert.equal(short.status, 400);
    assert.match(short.body.error, /at least 12 characters/);
    const long = await d.api(
      "POST",
      "/api/setup/complete",
      {
        username: "root",
        password: "é".repeat(37),
      },
      {},
      anon,
    );
    assert.equal(long.status, 400);
    assert.match(long.body.error, /at most 72 bytes/);
    const ok = await d.api(
      "POST",
      "/api/setup/complete",
      {
        username: "root",
        password: "correct-horse-battery",
      },
      {},
      anon,
    );
    assert.equal(ok.status, 201, ok.text);
    assert.deepEqual((await d.api("GET", "/api/setup/status", undefined, {}, anon)).body, {
      needsSetup: false,
    });
    const again = await d.api(
      "POST",
      "/api/setup/complete",
      {
        username: "root2",
        password: "correct-horse-battery",
      },
      {},
      anon,
    );
    assert.equal(again.status, 409);
    const login = await d.login("root", "correct-horse-battery");
    assert.equal(login.status, 200);
    assert.equal(login.body.role, "admin");
  } finally {
    await d.stop();
  }
});

Deno.test("login - the session cookie is HttpOnly, Secure, SameSite=Strict, Path=/, no Domain, 256-bit", async () => {
  const d = await startTestDaemon();
  try {
    const l = await d.login();
    assert.equal(l.status, 200);
    const [pair, ...attrs] = l.setCookie.split(";").map((s) => s.trim());
    const [name, value] = pair.split("=");
    assert.equal(name, "patchpanel.sid");
    assert.match(value, /^[0-9a-f]{64}$/);
    const lower = attrs.map((a) => a.toLowerCase());
    assert.ok(lower.includes("httponly"));
    assert.ok(lower.includes("secure"));
    assert.ok(lower.includes("samesite=strict"));
    assert.ok(lower.includes("path=/"));
    assert.ok(!lower.some((a) => a.startsWith("domain")));
    const who = await d.api("GET", "/api/auth/whoami", undefined, {}, { as: l });
    assert.equal(who.body.source, "session");
    assert.equal(who.body.user, TEST_ADMIN.username);
    assert.equal(who.body.role, "admin");
  } finally {
    await d.stop();
  }
});

Deno.test("login - wrong password and unknown user get the same 401 and are audited with the IP", async () => {
  const d = await startTestDaemon();
  try {
    const wrong = await d.login(TEST_ADMIN.username, "not-the-password!");
    const unknown = await d.login("nobody-here", "not-the-password!");
    for (const r of [wrong, unknown]) {
      assert.equal(r.status, 401);
      assert.deepEqual(r.body, { error: "AuthError", message: "invalid username or password" });
      assert.equal(r.cookie, "");
    }
    const failures = d.audit.list({ limit: 10, category: "auth" })
      .filter((e) => e.action === "login" && e.outcome === "failure");
    assert.equal(failures.length, 2);
    for (const f of failures) {
      assert.equal(f.details?.ip, "127.0.0.1");
      assert.ok(!JSON.stringify(f.details).includes("not-the-password"));
    }
  } finally {
    await d.stop();
  }
});

Deno.test("login - every login issues a new id and ends the one presented (no fixation)", async () => {
  const d = await startTestDaemon();
  try {
    const first = await d.login();
    // Log in again while presenting the first session, as a fixation attack would.
    const res = await d.api("POST", "/api/auth/login", {
      username: TEST_ADMIN.username,
      password: TEST_ADMIN.password,
    }, { cookie: first.cookie });
    assert.equal(res.status, 200);
    const second = (res.headers.get("set-cookie") ?? "").split(";")[0];
    assert.notEqual(second, first.cookie);
    const old = await d.api("GET", "/api/state", undefined, {}, { as: { cookie: first.cookie } });
    assert.equal(old.status, 401);
    const now = await d.api("GET", "/api/state", undefined, {}, { as: { cookie: second } });
    assert.equal(now.status, 200);
    // A planted id the server never issued is not adopted either.
    const planted = `patchpanel.sid=${"ab".repeat(32)}`;
    const p = await d.api("POST", "/api/auth/login", {
      username: TEST_ADMIN.username,
      password: TEST_ADMIN.password,
    }, { cookie: planted });
    assert.notEqual((p.headers.get("set-cookie") ?? "").split(";")[0], planted);
    const plantedUse = await d.api("GET", "/api/state", undefined, {}, { as: { cookie: planted } });
    assert.equal(plantedUse.status, 401);
  } finally {
    await d.stop();
  }
});

Deno.test("logout - deletes the session on the server", async () => {
  const d = await startTestDaemon();
  try {
    const l = await d.login();
    const out = await d.api("POST", "/api/auth/logout", {}, {}, { as: l });
    assert.equal(out.status, 200);
    assert.match(out.headers.get("set-cookie") ?? "", /Max-Age=0/);
    // Replaying the cookie (as a stolen copy would) no longer works.
    const replay = await d.api("GET", "/api/state", undefined, {}, { as: l });
    assert.equal(replay.status, 401);
    const rows = d.db.prepare("SELECT COUNT(*) AS n FROM auth_sessions").get() as { n: number };
    assert.equal(rows.n, 0);
    const audited = d.audit.list({ limit: 5, category: "auth" }).find((e) => e.action === "logout");
    assert.equal(audited?.actor, TEST_ADMIN.username);
  } finally {
    await d.stop();
  }
});

Deno.test("change-password - ends every other session and needs the current password", async () => {
  const d = await startTestDaemon();
  try {
    const a = await d.login();
    const b = await d.login();
    const wrong = await d.api(
      "PUT",
      "/api/auth/change-password",
      {
        currentPassword: "not-it-at-all",
        newPassword: "a-brand-new-password",
      },
      {},
      { as: a },
    );
    assert.equal(wrong.status, 400);
    const weak = await d.api(
      "PUT",
      "/api/auth/change-password",
      {
        currentPassword: TEST_ADMIN.password,
        newPassword: "short",
      },
      {},
      { as: a },
    );
    assert.equal(weak.status, 400);
    const byToken = await d.api("PUT", "/api/auth/change-password", {
      currentPassword: TEST_ADMIN.password,
      newPassword: "a-brand-new-password",
    });
    assert.equal(byToken.status, 403);
    assert.deepEqual(byToken.body, { error: "ForbiddenError", message: "session required" });
    const ok = await d.api(
      "PUT",
      "/api/auth/change-password",
      {
        currentPassword: TEST_ADMIN.password,
        newPassword: "a-brand-new-password",
      },
      {},
      { as: a },
    );
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.body.endedSessions, 1);
    assert.equal((await d.api("GET", "/api/state", undefined, {}, { as: b })).status, 401);
    assert.equal((await d.api("GET", "/api/state", undefined, {}, { as: a })).status, 200);
    assert.equal((await d.login(TEST_ADMIN.username, TEST_ADMIN.password)).status, 401);
    assert.equal((await d.login(TEST_ADMIN.username, "a-brand-new-password")).status, 200);
    const audited = d.audit.list({ limit: 20, category: "auth" })
      .filter((e) => e.action === "change-password").map((e) => e.outcome);
    assert.deepEqual(audited, ["success", "failure"]);
  } finally {
    await d.stop();
  }
});

Deno.test("sessions - end at the idle timeout and at the absolute timeout", async () => {
  const d = await startTestDaemon({ config: { auth: { sessionIdleMs: 400 } } });
  try {
    const idle = await d.login();
    assert.equal((await d.api("GET", "/api/state", undefined, {}, { as: idle })).status, 200);
    await sleep(600);
    assert.equal((await d.api("GET", "/api/state", undefined, {}, { as: idle })).status, 401);
  } finally {
    await d.stop();
  }
  const e = await startTestDaemon({
    config: { auth: { sessionIdleMs: 60_000, sessionAbsoluteMs: 700 } },
  });
  try {
    const busy = await e.login();
    for (let i = 0; i < 3; i++) {
      assert.equal((await e.api("GET", "/api/state", undefined, {}, { as: busy })).status, 200);
      await sleep(100);
    }
    await sleep(600);
    assert.equal((await e.api("GET", "/api/state", undefined, {}, { as: busy })).status, 401);
  } finally {
    await e.stop();
  }
});

Deno.test("users - admins manage users; the last admin can be neither demoted nor removed", async () => {
  const d = await startTestDaemon();
  try {
    const created = await d.api("POST", "/api/users", {
      username: "vera",
      password: "vera-password-123",
      role: "viewer",
    });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.body.role, "viewer");
    assert.ok(!("password_hash" in created.body) && !("passwordHash" in created.body));
    const dup = await d.api("POST", "/api/users", {
      username: "vera",
      password: "vera-password-123",
      role: "viewer",
    });
    assert.equal(dup.status, 409);
    const badName = await d.api("POST", "/api/users", {
      username: "token:x",
      password: "vera-password-123",
      role: "viewer",
    });
    assert.equal(badName.status, 400);
    const vera = await d.login("vera");
    assert.equal((await d.api("PUT", "/api/state", {}, {}, { as: vera })).status, 403);
    const promoted = await d.api("PATCH", "/api/users/vera", { role: "operator" });
    assert.equal(promoted.body.role, "operator");
    // The running session picks up the new role at once.
    const who = await d.api("GET", "/api/auth/whoami", undefined, {}, { as: vera });
    assert.equal(who.body.role, "operator");
    const list = await d.api("GET", "/api/users");
    assert.deepEqual(list.body.users.map((u: { username: string }) => u.username), [
      "admin",
      "vera",
    ]);
    const demoteLast = await d.api("PATCH", "/api/users/admin", { role: "viewer" });
    assert.equal(demoteLast.status, 409);
    const deleteLast = await d.api("DELETE", "/api/users/admin");
    assert.equal(deleteLast.status, 409);
    assert.equal((await d.api("DELETE", "/api/users/vera")).status, 200);
    assert.equal((await d.api("GET", "/api/state", undefined, {}, { as: vera })).status, 401);
    assert.equal((await d.api("DELETE", "/api/users/vera")).status, 404);
    const actions = d.audit.list({ limit: 20, category: "auth" }).map((e) => e.action);
    for (const a of ["user-create", "user-role", "user-delete"]) assert.ok(actions.includes(a));
  } finally {
    await d.stop();
  }
});

Deno.test("unauthenticated - JSON 401, a 302 to /login for HTML, an error event for SSE", async () => {
  const d = await startTestDaemon();
  try {
    const j = await d.api("GET", "/api/state", undefined, {}, { as: "anonymous" });
    assert.equal(j.status, 401);
    assert.deepEqual(j.body, { error: "AuthError", message: "authentication required" });
    const html = await fetch(`${d.url}/api/snapshots?limit=5`, {
      headers: { accept: "text/html,application/xhtml+xml" },
      redirect: "manual",
    });
    await html.body?.cancel();
    assert.equal(html.status, 302);
    assert.equal(html.headers.get("location"), "/login?return=%2Fapi%2Fsnapshots%3Flimit%3D5");
    const sse = await fetch(`${d.url}/api/state`, { headers: { accept: "text/event-stream" } });
    assert.equal(sse.status, 200);
    assert.match(sse.headers.get("content-type") ?? "", /^text\/event-stream/);
    assert.equal(
      await sse.text(),
      'event: error\ndata: {"error":"AuthError","message":"authentication required"}\n\n',
    );
    const who = await d.api("GET", "/api/auth/whoami", undefined, {}, { as: "anonymous" });
    assert.deepEqual(who.body, { source: "none", user: null, role: null });
  } finally {
    await d.stop();
  }
});
