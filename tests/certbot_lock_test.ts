// certbot and the apply lock: real certbot, real pebble, real HAProxy, loopback only.
/**
 * A renewal never overlaps an apply or another renewal:
 * - while something holds the apply lock, a forced renewal's certbot run
 *   finishes but its certificate is not what an apply in that time renders
 *   (the render reads the installed copy, not certbot's lineage); the
 *   renewal answers only once the lock is free, and then HAProxy serves
 *   the new certificate;
 * - two renewals asked at once both succeed, one after the other (certbot
 *   refuses a second run while one holds its directories);
 * - during a commit-confirmed window the install is deferred (`reload.deferred`),
 *   the old certificate served, and it lands once the window is confirmed.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { X509Certificate } from "node:crypto";
import { definePlugin } from "../core/plugin.ts";
import type { ApplyOptions, ApplyResult } from "../core/apply/types.ts";
import { freePort, startBackend, startTestDaemon, waitFor } from "./support/daemon.ts";
import { startPebble } from "./support/acme.ts";
import { certbotPlugins, leState, tlsClient } from "./support/certbot.ts";

type Apply = (next: unknown, options: ApplyOptions) => Promise<ApplyResult>;

/** A plugin that holds the apply lock until released, lending the lock-free apply meanwhile. */
function lockHolder() {
  let hold: (() => Promise<{ apply: Apply; state: unknown; release: () => void }>) | null = null;
  const plugin = definePlugin({
    name: "lock-holder",
    setup(host) {
      hold = () =>
        new Promise((held) => {
          void host.exclusive((apply) =>
            new Promise<void>((release) => {
              held({ apply, state: structuredClone(host.state()), release: () => release() });
            })
          );
        });
    },
  });
  return { plugin, hold: () => hold!() };
}

Deno.test({
  name: "certbot lock - renewals install under the apply lock, one at a time, after a window",
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  const dir = await Deno.makeTempDir({ prefix: "pp-certbot-lock-" });
  const httpPort = freePort();
  const tlsPort = freePort();
  const challengePort = freePort();
  const app = startBackend("app");
  const pebble = await startPebble({ httpPort, dir });
  const holder = lockHolder();
  const d = await startTestDaemon({
    plugins: certbotPlugins([holder.plugin]),
    config: {
      certbot: {
        challengePort,
        caBundle: pebble.caBundle,
        renewIntervalHours: 168,
        installRetrySeconds: 0.2,
      },
    },
  });
  try {
    const root = await pebble.root();
    const state = leState({
      httpPort,
      tlsPort,
      backend: app.address,
      directory: pebble.directory,
      certs: [{ id: "site", domains: ["a.test"] }],
    });
    assert.equal((await d.api("PUT", "/api/state", state)).status, 200);
    const served = () => tlsClient(tlsPort, "a.test", root, dir);
    assert.ok(await waitFor(async () => (await served()).verified, 120_000, 250), "issued");
    const first = await served();
    const lineage = join(d.dataDir, "certs", "letsencrypt", "config", "live", "site", "cert.pem");
    const issuedSerial = () => new X509Certificate(Deno.readTextFileSync(lineage)).serialNumber;
    assert.equal(issuedSerial(), first.serial);

    // 1. The lock is held: certbot renews, but neither an apply in that time nor anything
    // else installs the new certificate; the renewal answers once the lock is free.
    const held = await holder.hold();
    let answered = false;
    const renewing = d.api("POST", "/api/certificates/site/renew", { force: true }).then((r) => {
      answered = true;
      return r;
    });
    assert.ok(
      await waitFor(() => issuedSerial() !== first.serial, 120_000, 100),
      "certbot renewed the lineage",
    );
    const during = await held.apply(held.state, { actor: "test", reason: "during-renewal" });
    assert.equal(during.outcome, "unchanged", "the render did not pick certbot's new files");
    assert.equal((await served()).serial, first.serial, "the old certificate still served");
    assert.equal(answered, false, "the install waits for the lock");
    held.release();
    const renewed = await renewing;
    assert.equal(renewed.status, 200, renewed.text);
    assert.deepEqual(renewed.body.reload, { ok: true, error: null });
    assert.equal(renewed.body.results[0].renewed, true);
    const second = await served();
    assert.ok(second.verified, second.output);
    assert.equal(second.serial, issuedSerial(), "the renewal's certificate is served");
    assert.notEqual(second.serial, first.serial);

    // 2. Two renewals at once: both run certbot, one after the other, and both succeed.
    const [r1, r2] = await Promise.all([
      d.api("POST", "/api/certificates/renew", { force: true }),
      d.api("POST", "/api/certificates/site/renew", { force: true }),
    ]);
    for (const r of [r1, r2]) {
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(
        r.body.results.map((x: { id: string; ok: boolean; renewed: boolean }) => [
          x.id,
          x.ok,
          x.renewed,
        ]),
        [["site", true, true]],
        r.text,
      );
      assert.equal(r.body.reload.ok, true, r.text);
    }
    const third = await served();
    assert.equal(third.serial, issuedSerial());
    assert.notEqual(third.serial, second.serial);

    // 3. A commit-confirmed window: the install is deferred, then lands once confirmed.
    const probation = structuredClone(state) as { haproxy: { defaults: { timeouts: object } } };
    probation.haproxy.defaults.timeouts = { connect: "3s", client: "10s", server: "10s" };
    const opened = await d.api("PUT", "/api/state?confirm=60s", probation);
    assert.equal(opened.status, 200, opened.text);
    const deferred = await d.api("POST", "/api/certificates/site/renew", { force: true });
    assert.equal(deferred.status, 200, deferred.text);
    assert.equal(deferred.body.results[0].renewed, true);
    assert.equal(deferred.body.reload.ok, false);
    assert.equal(deferred.body.reload.deferred, true);
    assert.match(deferred.body.reload.error, /commit-confirmed window is pending/);
    assert.equal((await served()).serial, third.serial, "not installed during the window");
    assert.notEqual(issuedSerial(), third.serial);
    assert.ok((await d.api("GET", "/api/state/pending")).body.pending, "the window goes on");
    assert.equal((await d.api("POST", "/api/state/confirm")).status, 200);
    assert.ok(
      await waitFor(async () => (await served()).serial === issuedSerial(), 30_000, 100),
      "installed once the window ended",
    );
    const audit = await d.api("GET", "/api/audit?category=state&limit=50");
    assert.ok(audit.text.includes("cert-issued:site"), "the deferred install is audited");
  } finally {
    await d.stop();
    await pebble.stop();
    await app.close();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
});
