// DNS-01 through certbot's rfc2136 plugin: a local named (TSIG) that certbot updates and pebble
// resolves through; a wildcard certificate issued and served; credentials routes; a dry run.
import assert from "node:assert/strict";
import { join } from "node:path";
import { freePort, startBackend, startTestDaemon, waitFor } from "./support/daemon.ts";
import { startPebble } from "./support/acme.ts";
import { startNamed } from "./support/named.ts";
import { certbotPlugins, leState, tlsClient } from "./support/certbot.ts";

Deno.test({
  name:
    "certbot dns-01 - *.app.test through rfc2136 against a local named, served; credentials never returned",
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  const dir = await Deno.makeTempDir({ prefix: "pp-certbot-dns-" });
  const namedDir = join(dir, "named");
  await Deno.mkdir(namedDir);
  const named = await startNamed(namedDir, "app.test");
  const httpPort = freePort();
  const tlsPort = freePort();
  const app = startBackend("app");
  const pebble = await startPebble({ httpPort, dir, dnsServer: named.address });
  const d = await startTestDaemon({
    config: {
      certbot: { challengePort: freePort(), caBundle: pebble.caBundle, renewIntervalHours: 168 },
    },
    plugins: certbotPlugins(),
  });
  try {
    const root = await pebble.root();
    // The template comes from the table.
    const tpl = await d.api("GET", "/api/tls-providers/credential-template/rfc2136");
    assert.equal(tpl.status, 200);
    const keys = (tpl.body as { fields: { key: string }[] }).fields.map((f) => f.key);
    assert.ok(keys.includes("dns_rfc2136_secret"));
    assert.equal((await d.api("GET", "/api/tls-providers/credential-template/nope")).status, 404);

    // Credentials first (admin only, validated against the template), then the state.
    const credentials = {
      dns_rfc2136_server: "127.0.0.1",
      dns_rfc2136_port: String(named.port),
      dns_rfc2136_name: named.keyName,
      dns_rfc2136_secret: named.secret,
      dns_rfc2136_algorithm: named.algorithm,
    };
    const bad = await d.api("PUT", "/api/tls-providers/le/credentials", {
      plugin: "rfc2136",
      credentials: { ...credentials, bogus: "x" },
    });
    assert.equal(bad.status, 400);
    const put = await d.api("PUT", "/api/tls-providers/le/credentials", {
      plugin: "rfc2136",
      credentials,
    });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    assert.ok(!JSON.stringify(put.body).includes(named.secret));
    const file = join(d.paths.plugin("certs"), "letsencrypt", "credentials", "le.ini");
    assert.equal((await Deno.stat(file)).mode! & 0o777, 0o600);
    const got = await d.api("GET", "/api/tls-providers/le/credentials");
    assert.equal(got.status, 200);
    assert.ok(!JSON.stringify(got.body).includes(named.secret), "values are never returned");
    assert.deepEqual((got.body as { set: string[] }).set, Object.keys(credentials).sort());

    const started = performance.now();
    const state = leState({
      httpPort,
      tlsPort,
      backend: app.address,
      directory: pebble.directory,
      certs: [{ id: "wild", domains: ["*.app.test"] }],
      challenge: { type: "dns-01", plugin: "rfc2136", propagationSeconds: 1 },
    });
    const applied = await d.api("PUT", "/api/state", state);
    assert.equal(applied.status, 200, JSON.stringify(applied.body));
    let seen = await tlsClient(tlsPort, "x.app.test", root, dir);
    assert.ok(
      await waitFor(
        async () => {
          seen = await tlsClient(tlsPort, "x.app.test", root, dir);
          return seen.verified;
        },
        120_000,
        250,
      ),
      `not issued: ${seen.output}`,
    );
    console.log(`DNS-01 issuance: ${Math.round(performance.now() - started)} ms`);
    console.log(
      `x.app.test: subject=${seen.subject} SANs=${seen.sans.join(",")} issuer=${seen.issuer}`,
    );
    assert.deepEqual(seen.sans, ["*.app.test"]);
    assert.ok((await tlsClient(tlsPort, "other.app.test", root, dir)).verified);

    // A dry run against the provider's directory.
    const dry = await d.api("POST", "/api/tls-providers/le/test", {});
    assert.equal(dry.status, 200);
    assert.equal((dry.body as { ok: boolean }).ok, true, JSON.stringify(dry.body));

    // Removing the credentials: a dry run now fails, and they are gone.
    assert.equal((await d.api("DELETE", "/api/tls-providers/le/credentials")).status, 200);
    assert.equal((await d.api("GET", "/api/tls-providers/le/credentials")).status, 404);
    const dry2 = await d.api("POST", "/api/tls-providers/le/test", {});
    assert.equal((dry2.body as { ok: boolean }).ok, false);
  } finally {
    await d.stop();
    await pebble.stop();
    await named.stop();
    await app.close();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
});
