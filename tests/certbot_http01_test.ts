// Let's Encrypt through certbot, HTTP-01: real certbot, real pebble, real HAProxy, loopback only.
import assert from "node:assert/strict";
import { join } from "node:path";
import { X509Certificate } from "node:crypto";
import { freePort, startBackend, startTestDaemon, through, waitFor } from "./support/daemon.ts";
import { startPebble } from "./support/acme.ts";
import { servedCert } from "./support/tls.ts";
import { certbotPlugins, eventSpy, leState, tlsClient } from "./support/certbot.ts";

Deno.test({
  name: "certbot http-01 - two names issued through HAProxy's challenge route, served, renewed",
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  const dir = await Deno.makeTempDir({ prefix: "pp-certbot-" });
  const httpPort = freePort();
  const tlsPort = freePort();
  const challengePort = freePort();
  const app = startBackend("app");
  const pebble = await startPebble({ httpPort, dir });
  const spy = eventSpy();
  const d = await startTestDaemon({
    plugins: certbotPlugins([spy.plugin]),
    config: {
      https: { enabled: true },
      certbot: { challengePort, caBundle: pebble.caBundle, renewIntervalHours: 168 },
    },
  });
  try {
    const root = await pebble.root();
    const state = leState({
      httpPort,
      tlsPort,
      backend: app.address,
      directory: pebble.directory,
      certs: [{ id: "site", domains: ["a.test", "b.test"] }],
    });
    // A BYO certificate beside it (not bound), for the 409.
    const tlsKey = state.tls as { providers: unknown[]; certs: unknown[] };
    tlsKey.providers.push({ id: "uploads", kind: "byo" });
    tlsKey.certs.push({ id: "mine", providerId: "uploads", name: "mine", domains: ["m.test"] });

    const started = performance.now();
    const put = await d.api("PUT", "/api/state", state);
    assert.equal(put.status, 200, JSON.stringify(put.body));
    // The apply answered before the CA did: the bind serves the placeholder for now.
    const placeholder = await servedCert(tlsPort, "a.test");
    assert.match(placeholder.subject, /patchpanel placeholder/);
    assert.equal((await tlsClient(tlsPort, "a.test", root, dir)).verified, false);
    // Outside a certbot run the challenge path answers 404 at once; other paths reach the app.
    const idle = await through(httpPort, "/.well-known/acme-challenge/nothing");
    assert.equal(idle.status, 404);
    assert.equal((await through(httpPort, "/")).body, "app");

    let seenA = await tlsClient(tlsPort, "a.test", root, dir);
    const issued = await waitFor(
      async () => {
        seenA = await tlsClient(tlsPort, "a.test", root, dir);
        return seenA.verified;
      },
      120_000,
      250,
    );
    const issuanceMs = performance.now() - started;
    assert.ok(issued, `not issued: ${seenA.output}`);
    const seenB = await tlsClient(tlsPort, "b.test", root, dir);
    assert.ok(seenB.verified, seenB.output);
    assert.deepEqual([...seenA.sans].sort(), ["a.test", "b.test"]);
    assert.equal(seenB.serial, seenA.serial);
    console.log(`HTTP-01 issuance (PUT → verified on the TLS bind): ${Math.round(issuanceMs)} ms`);
    console.log(
      `a.test: subject=${seenA.subject} SANs=${seenA.sans.join(",")} issuer=${seenA.issuer}`,
    );
    console.log(
      `b.test: subject=${seenB.subject} SANs=${seenB.sans.join(",")} issuer=${seenB.issuer}`,
    );

    // The listing shows it beside the BYO one, with the last issuance.
    const list = await d.api("GET", "/api/certificates");
    const certs = (list.body as { certificates: Record<string, unknown>[] }).certificates;
    const site = certs.find((c) => c.id === "site")!;
    assert.equal(site.providerKind, "letsencrypt");
    assert.equal(typeof site.daysLeft, "number");
    const lastRun = (site.details as { lastRun: Record<string, unknown> }).lastRun;
    assert.equal(lastRun.action, "issue");
    assert.equal(lastRun.ok, true);
    assert.ok(certs.some((c) => c.id === "mine" && c.providerKind === "byo"));

    // Renew one, not due: nothing renewed, nothing reloaded, still the same certificate.
    const notDue = await d.api("POST", "/api/certificates/site/renew", { force: false });
    assert.equal(notDue.status, 200, JSON.stringify(notDue.body));
    const nd = notDue.body as {
      results: Record<string, unknown>[];
      reload: Record<string, unknown>;
    };
    assert.deepEqual(
      nd.results.map((r) => [r.id, r.ok, r.renewed]),
      [["site", true, false]],
    );
    assert.deepEqual(nd.reload, { ok: true, error: null });

    // Force: a new certificate, installed through a reload.
    const forced = await d.api("POST", "/api/certificates/site/renew", { force: true });
    const fr = forced.body as {
      results: Record<string, unknown>[];
      reload: Record<string, unknown>;
    };
    assert.equal(forced.status, 200);
    assert.deepEqual(fr.results.map((r) => [r.id, r.ok, r.renewed]), [["site", true, true]]);
    assert.deepEqual(fr.reload, { ok: true, error: null });
    const after = await tlsClient(tlsPort, "b.test", root, dir);
    assert.ok(after.verified);
    assert.notEqual(after.serial, seenA.serial);
    assert.equal(fr.results[0].notAfter, new X509Certificate(after.pem).validToDate.toISOString());
    assert.ok(spy.seen.some((e) => e.event === "cert:renewed"));

    // Renew all: every letsencrypt certificate, the BYO one left alone.
    const all = await d.api("POST", "/api/certificates/renew", { force: false });
    assert.equal(all.status, 200);
    assert.deepEqual(
      (all.body as { results: { id: string }[] }).results.map((r) => r.id),
      ["site"],
    );

    // The contract's errors.
    assert.equal(
      (await d.api("POST", "/api/certificates/nope/renew", { force: false })).status,
      404,
    );
    assert.equal(
      (await d.api("POST", "/api/certificates/mine/renew", { force: false })).status,
      409,
    );
    assert.equal((await d.api("POST", "/api/certificates/renew", {})).status, 400);
    assert.equal((await d.api("POST", "/api/certificates/renew", { force: "yes" })).status, 400);
    assert.equal(
      (await d.api("POST", "/api/certificates/renew", { force: false, extra: 1 })).status,
      400,
    );

    // The spec's GitHub Actions step, verbatim, with curl trusting the daemon's own certificate.
    const step = [
      "set -euo pipefail",
      "curl -fsSL \\",
      "  -X POST \\",
      '  -H "Authorization: Bearer $PP_TOKEN" \\',
      "  -H 'content-type: application/json' \\",
      `  -d '{"force":false}' \\`,
      "  $PP_HOST/api/certificates/renew \\",
      "| jq .",
    ].join("\n");
    const ran = await new Deno.Command("bash", {
      args: ["-c", step],
      env: {
        PP_HOST: d.url,
        PP_TOKEN: d.adminToken,
        CURL_CA_BUNDLE: join(d.paths.tls, "cert.pem"),
      },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const out = new TextDecoder().decode(ran.stdout);
    assert.ok(ran.success, new TextDecoder().decode(ran.stderr));
    const parsed = JSON.parse(out);
    assert.ok(Array.isArray(parsed.results) && parsed.results[0].id === "site", out);
    assert.ok(out.includes('  "results": ['), "jq pretty-printed it");
  } finally {
    await d.stop();
    await pebble.stop();
    await app.close();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
});
