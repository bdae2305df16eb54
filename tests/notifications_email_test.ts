// deno-lint-ignore-file no-explicit-any
/**
 * The email channel against a real SMTP server on loopback: Debian's
 * aiosmtpd (installed by `scripts/setup --test`) requiring STARTTLS and
 * AUTH, with a throwaway certificate for 127.0.0.1 that the channel trusts
 * through `caPem`. The mail arrives over TLS, authenticated, with the
 * notice's subject and text; a wrong password is a failed delivery whose
 * error does not carry the password.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { freePort, simpleState, startBackend, startTestDaemon, waitFor } from "./support/daemon.ts";
import { loadOrCreateKeyPair } from "../core/https.ts";
import { notifications } from "../plugins/notifications/mod.ts";

const SERVER = String.raw`
import asyncio, json, os, ssl, sys
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

port, cert, key, out = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]

def authenticator(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and auth_data.login == b"alerts" \
        and auth_data.password == b"smtp-pass-123"
    return AuthResult(success=ok, handled=False)

class Handler:
    async def handle_DATA(self, server, session, envelope):
        n = len(os.listdir(out))
        with open(os.path.join(out, f"{n}.json"), "w") as f:
            json.dump({
                "from": envelope.mail_from,
                "to": envelope.rcpt_tos,
                "tls": session.ssl is not None,
                "authenticated": bool(session.authenticated),
                "data": envelope.content.decode("utf-8", "replace"),
            }, f)
        return "250 OK queued"

ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
ctx.load_cert_chain(cert, key)
controller = Controller(Handler(), hostname="127.0.0.1", port=port, tls_context=ctx,
                        require_starttls=True, auth_required=True, auth_require_tls=True,
                        authenticator=authenticator)
controller.start()
print("ready", flush=True)
sys.stdin.read()
controller.stop()
`;

Deno.test("notifications - email goes through a real SMTP server with STARTTLS and auth", async () => {
  const dir = await Deno.makeTempDir({ prefix: "pp-smtp-" });
  const out = join(dir, "mail");
  await Deno.mkdir(out);
  // The SMTP server's certificate: the same self-signed pair the daemon makes for itself
  // (cert.pem and key.pem in `dir`, valid for 127.0.0.1).
  await loadOrCreateKeyPair(dir, {});
  await Deno.writeTextFile(join(dir, "server.py"), SERVER);
  const port = freePort();
  const smtp = new Deno.Command("/usr/bin/python3", {
    args: [join(dir, "server.py"), String(port), join(dir, "cert.pem"), join(dir, "key.pem"), out],
    stdin: "piped",
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const reader = smtp.stdout.getReader();
  const first = new TextDecoder().decode((await reader.read()).value);
  assert.match(first, /ready/);
  const web = startBackend("web");
  const fe = freePort();
  const caPem = await Deno.readTextFile(join(dir, "cert.pem"));
  const mail = (password: string, id: string) => ({
    id,
    type: "email",
    config: {
      host: "127.0.0.1",
      port,
      username: "alerts",
      password,
      from: "patchpanel@example.com",
      to: ["ops@example.com", "oncall@example.com"],
      caPem,
      timeoutMs: 5000,
    },
  });
  const state: any = simpleState(fe, [{ name: "web-1", address: web.address }]);
  state.notifications = {
    channels: [mail("smtp-pass-123", "mail"), mail("wrong-pass-456", "badmail")],
  };
  const d = await startTestDaemon({ plugins: [notifications()], state });
  try {
    const r = await d.api("POST", "/api/notifications/test", { channelId: "mail" });
    assert.equal(r.status, 200);
    assert.equal(r.body.ok, true, r.text);
    assert.equal(r.body.status, 250);
    assert.ok(await waitFor(async () => (await Array.fromAsync(Deno.readDir(out))).length === 1));
    const got = JSON.parse(await Deno.readTextFile(join(out, "0.json")));
    assert.equal(got.from, "patchpanel@example.com");
    assert.deepEqual(got.to, ["ops@example.com", "oncall@example.com"]);
    assert.equal(got.tls, true, "the mail went over STARTTLS");
    assert.equal(got.authenticated, true);
    assert.match(got.data, /^Subject: \[patchpanel info\] test message for mail$/m);
    assert.match(got.data, /\[INFO\] test message for mail/);
    assert.match(got.data, /where: mail/);

    const bad = await d.api("POST", "/api/notifications/test", { channelId: "badmail" });
    assert.equal(bad.body.ok, false, bad.text);
    assert.equal(bad.body.status, 535);
    assert.match(bad.body.error, /^SMTP: /);
    assert.ok(!bad.text.includes("wrong-pass-456"));
    assert.equal((await Array.fromAsync(Deno.readDir(out))).length, 1);
  } finally {
    await d.stop();
    await web.close();
    reader.releaseLock();
    await smtp.stdin.close();
    await smtp.stdout.cancel();
    await smtp.status;
    await Deno.remove(dir, { recursive: true });
  }
});
