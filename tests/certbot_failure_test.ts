// certbot failures: a broken challenge is a structured validation-failed error that keeps the old
// certificate in service, audited and emitted; a machine without certbot answers 503.
import assert from "node:assert/strict";
import { freePort, startBackend, startTestDaemon, waitFor } from "./support/daemon.ts";
import { startPebble } from "./support/acme.ts";
import { servedCert } from "./support/tls.ts";
import { certbotPlugins, eventSpy, leState, tlsClient } from "./support/certbot.ts";

Deno.test({
  name:
    "certbot failure - a name whose challenge cannot reach HAProxy: validation-failed, old cert kept",
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  const dir = await Deno.makeTempDir({ prefix: "pp-certbot-fail-" });
  const httpPort = freePort();
  const tlsPort = freePort();
  const app = startBackend("app");
  const pebble = await startPebble({ httpPort, dir });
  const spy = eventSpy();
  const d = await startTestDaemon({
    plugins: certbotPlugins([spy.plugin]),
    config: {
      certbot: { challengePort: freePort(), caBundle: pebble.caBundle, renewIntervalHours: 168 },
    },
  });
  try {
    const root = await pebble.root();
    const base = { httpPort, tlsPort, backend: app.address, directory: pebble.directory };
    const put = await d.api(
      "PUT",
      "/api/state",
      leState({ ...base, certs: [{ id: "site", domains: ["a.test"] }] }),
    );
    assert.equal(put.status, 200, JSON.stringify(put.body));
    assert.ok(
      await waitFor(
        async () => (await tlsClient(tlsPort, "a.test", root, dir)).verified,
        120_000,
        250,
      ),
    );
    const good = await tlsClient(tlsPort, "a.test", root, dir);

    // c.test resolves to 127.0.0.2, where nothing listens: the CA cannot reach the challenge.
    await pebble.addA("c.test", "127.0.0.2");
    const next = leState({ ...base, certs: [{ id: "site", domains: ["a.test", "c.test"] }] });
    assert.equal((await d.api("PUT", "/api/state", next)).status, 200);
    assert.ok(
      await waitFor(() => spy.seen.some((e) => e.event === "cert:issue-failed"), 120_000, 250),
      "cert:issue-failed emitted",
    );
    const failed = spy.seen.find((e) => e.event === "cert:issue-failed")!.payload as Record<
      string,
      unknown
    >;
    assert.equal(failed.kind, "validation-failed");
    assert.equal(failed.domain, "c.test");
    assert.equal(failed.certId, "site");
    assert.equal(typeof failed.detail, "string");

    // The previous certificate is still served.
    const still = await tlsClient(tlsPort, "a.test", root, dir);
    assert.ok(still.verified);
    assert.equal(still.serial, good.serial);

    // Audited under `cert`.
    const audit = await d.api("GET", "/api/audit?category=cert&limit=20");
    const entries = (audit.body as { entries: Record<string, unknown>[] }).entries;
    const entry = entries.find((e) => e.action === "issue" && e.outcome === "failure");
    assert.ok(entry, JSON.stringify(entries));
    const error = (entry.details as { error: Record<string, unknown> }).error;
    assert.equal(error.kind, "validation-failed");
    assert.equal(error.domain, "c.test");

    // A renewal of it answers the structured error, with certbot's own text; nothing reloads.
    const renew = await d.api("POST", "/api/certificates/site/renew", { force: false });
    assert.equal(renew.status, 200);
    const body = renew.body as { results: Record<string, unknown>[]; reload: unknown };
    assert.equal(body.results[0].ok, false);
    assert.equal(body.results[0].renewed, false);
    const e = body.results[0].error as Record<string, unknown>;
    assert.equal(e.kind, "validation-failed");
    assert.equal(e.domain, "c.test");
    assert.match(String(e.output), /c\.test/);
    assert.deepEqual(body.reload, { ok: true, error: null });
    assert.equal((await tlsClient(tlsPort, "a.test", root, dir)).serial, good.serial);

    // The listing carries the last error.
    const list = await d.api("GET", "/api/certificates");
    const site = (list.body as { certificates: Record<string, unknown>[] }).certificates[0];
    const lastRun = (site.details as { lastRun: Record<string, unknown> }).lastRun;
    assert.equal(lastRun.ok, false);
    assert.equal((lastRun.error as Record<string, unknown>).kind, "validation-failed");
  } finally {
    await d.stop();
    await pebble.stop();
    await app.close();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
});

Deno.test({
  name:
    "certbot missing - renewals answer 503 naming it; issuance fails as certbot-missing, placeholder served",
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  const app = startBackend("app");
  const spy = eventSpy();
  const httpPort = freePort();
  const tlsPort = freePort();
  const d = await startTestDaemon({
    plugins: certbotPlugins([spy.plugin]),
    config: { certbot: { binary: "/nonexistent/certbot", challengePort: freePort() } },
  });
  try {
    const state = leState({
      httpPort,
      tlsPort,
      backend: app.address,
      directory: "https://127.0.0.1:1/dir",
      certs: [{ id: "site", domains: ["a.test"] }],
    });
    assert.equal((await d.api("PUT", "/api/state", state)).status, 200);
    const renew = await d.api("POST", "/api/certificates/renew", { force: false });
    assert.equal(renew.status, 503);
    assert.match(
      String((renew.body as { error: string }).error),
      /certbot.*\/nonexistent\/certbot/,
    );
    assert.equal(
      (await d.api("POST", "/api/certificates/site/renew", { force: true })).status,
      503,
    );
    assert.ok(await waitFor(() => spy.seen.some((e) => e.event === "cert:issue-failed"), 10_000));
    const failed = spy.seen.find((e) => e.event === "cert:issue-failed")!.payload as Record<
      string,
      unknown
    >;
    assert.equal(failed.kind, "certbot-missing");
    assert.match((await servedCert(tlsPort, "a.test")).subject, /patchpanel placeholder/);

    // The console's certificates page shows the last error and a renew button.
    const { cookie } = await d.login();
    const page = await fetch(`${d.url}/certificates`, { headers: { cookie } });
    const markup = await page.text();
    assert.equal(page.status, 200);
    assert.match(markup, /issue certbot-missing/);
    assert.match(markup, /certbot is not installed/);
    assert.match(markup, /<button type="submit">Renew<\/button>/);
  } finally {
    await d.stop();
    await app.close();
  }
});
