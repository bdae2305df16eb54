// deno-lint-ignore-file no-explicit-any
import assert from "node:assert/strict";
import { definePlugin } from "../core/plugin.ts";
import { freePort, simpleState, startBackend, startTestDaemon } from "./support/daemon.ts";
import { makeRootCa } from "./support/pki.ts";
import { byoTls, tlsPlugins } from "./support/tls.ts";
import { type CertExpiring } from "../plugins/tls/mod.ts";
import { ExpiryWatcher } from "../plugins/tls/expiry.ts";

Deno.test("certificates - lists every cert with SANs, days left, binds and status; cert:expiring once a day", async () => {
  const dir = await Deno.makeTempDir({ prefix: "pp-pki-" });
  const root = await makeRootCa(dir, "Test-Root");
  const soon = await root.server("soon.test", ["soon.test"], { toDays: 5 });
  const mid = await root.server("mid.test", ["mid.test", "www.mid.test"], { toDays: 15 });
  const seen: CertExpiring[] = [];
  const spy = definePlugin({
    name: "expiry-spy",
    setup(host) {
      host.on("cert:expiring", (e) => {
        seen.push(e);
      });
    },
  });
  const app = startBackend("app");
  const [http, https] = [freePort(), freePort()];
  const d = await startTestDaemon({
    plugins: tlsPlugins([spy]),
    config: { tls: { expiryWarningDays: 10 } },
  });
  try {
    for (const [name, c] of [["soon", soon], ["mid", mid]] as const) {
      const up = await d.api("POST", "/api/byo-certs/upload", {
        name,
        fullchainPem: c.cert,
        privkeyPem: c.key,
      });
      assert.equal(up.status, 200, up.text);
    }
    const state = simpleState(http, [{ name: "a", address: app.address }]) as Record<string, any>;
    state.tls = byoTls([
      { id: "soon", domains: ["soon.test"] },
      { id: "mid", domains: ["mid.test"] },
      { id: "ghost", domains: ["ghost.test"] },
    ]);
    state.haproxy.frontends[0].binds.push({
      address: `127.0.0.1:${https}`,
      tls: { certs: ["mid", "soon"] },
    });
    const put = await d.api("PUT", "/api/state", state);
    assert.equal(put.status, 200, put.text);

    const res = await d.api("GET", "/api/certificates");
    assert.equal(res.status, 200);
    const byId = Object.fromEntries(
      res.body.certificates.map((c: { id: string }) => [c.id, c]),
    );
    assert.equal(byId.soon.status, "expiring");
    assert.ok(byId.soon.daysLeft >= 4 && byId.soon.daysLeft <= 5, String(byId.soon.daysLeft));
    assert.deepEqual(byId.soon.usedBy, ["fe-main/1"]);
    assert.equal(byId.soon.providerKind, "byo");
    assert.equal(byId.mid.status, "ok");
    assert.deepEqual(byId.mid.sans, ["mid.test", "www.mid.test"]);
    assert.equal(byId.mid.issuer, "CN=Test-Root");
    assert.equal(byId.ghost.status, "missing");
    assert.deepEqual(byId.ghost.usedBy, []);

    assert.deepEqual(seen.map((e) => [e.certId, e.status]), [["soon", "expiring"]]);
    assert.equal(seen[0].notAfter, byId.soon.notAfter);
    // Another apply the same day does not repeat the notice.
    assert.equal((await d.api("PUT", "/api/state", state)).status, 200);
    assert.equal(seen.length, 1);

    // The next day it is due again, once.
    const watcher = new ExpiryWatcher(
      d.db,
      d.paths,
      d.registry.providers.use("tls-provider-kinds")!,
      10,
      (e) => {
        seen.push(e);
        return Promise.resolve();
      },
    );
    const tomorrow = new Date(Date.now() + 86_400_000);
    assert.equal((await watcher.check(d.store.current()!, tomorrow)).length, 1);
    assert.equal((await watcher.check(d.store.current()!, tomorrow)).length, 0);
    assert.equal(seen.length, 2);
  } finally {
    await d.stop();
    await app.close();
    await Deno.remove(dir, { recursive: true });
  }
});
