/**
 * bcrypt reads only the first 72 bytes of a password, so before this rule
 * `A`×72 + `XYZ` signed in as the user whose password is `A`×72. Every
 * path that sets a password refuses more than 72 UTF-8 bytes, and a longer
 * password at login (or as the current password) is simply wrong.
 *
 * @module
 */
import assert from "node:assert/strict";
import { startTestDaemon } from "./support/daemon.ts";

const A72 = "A".repeat(72);

Deno.test("passwords - past 72 bytes a password is refused when set and never matches", async () => {
  const d = await startTestDaemon();
  try {
    const anon = { as: "anonymous" } as const;
    // Exactly 72 bytes is accepted when set, and signs in.
    const created = await d.api("POST", "/api/users", {
      username: "longpw",
      password: A72,
      role: "viewer",
    });
    assert.equal(created.status, 201, created.text);
    const ok = await d.login("longpw", A72);
    assert.equal(ok.status, 200);

    // The truncation hole: the first 72 bytes match, the rest was ignored.
    for (const password of [A72 + "XYZ", A72 + "A", A72 + "é"]) {
      const res = await d.api(
        "POST",
        "/api/auth/login",
        { username: "longpw", password },
        {},
        anon,
      );
      assert.equal(res.status, 401, `${password.length} chars signed in`);
      assert.equal(res.body.error, "AuthError");
    }
    const failures = d.audit.list({ limit: 20, category: "auth" }).filter((r) =>
      r.action === "login" && r.outcome === "failure"
    );
    assert.equal(failures.length, 3, "each refused login is audited as a failure");

    // Setting more than 72 UTF-8 bytes is refused everywhere: create, reset, change.
    const tooLong = [A72 + "X", "é".repeat(37)]; // 73 and 74 bytes (37 characters)
    for (const password of tooLong) {
      const c = await d.api("POST", "/api/users", { username: "other", password, role: "viewer" });
      assert.equal(c.status, 400, c.text);
      assert.match(c.body.error, /at most 72 bytes/);
      const r = await d.api("PUT", "/api/users/longpw/password", { password });
      assert.equal(r.status, 400, r.text);
      assert.match(r.body.error, /at most 72 bytes/);
      const change = await d.api(
        "PUT",
        "/api/auth/change-password",
        {
          currentPassword: A72,
          newPassword: password,
        },
        {},
        { as: ok },
      );
      assert.equal(change.status, 400, change.text);
      assert.match(change.body.error, /at most 72 bytes/);
    }
    // The current password past 72 bytes does not match either.
    const wrongCurrent = await d.api(
      "PUT",
      "/api/auth/change-password",
      {
        currentPassword: A72 + "XYZ",
        newPassword: "a-brand-new-passphrase",
      },
      {},
      { as: ok },
    );
    assert.equal(wrongCurrent.status, 400);
    assert.match(wrongCurrent.body.error, /current password is incorrect/);
    assert.equal((await d.login("longpw", A72)).status, 200, "the password did not change");
  } finally {
    await d.stop();
  }
});
