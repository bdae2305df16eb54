// deno-lint-ignore-file no-explicit-any
import assert from "node:assert/strict";
import { freePort, simpleState, startBackend, startTestDaemon, through } from "./support/daemon.ts";
import { makeRootCa } from "./support/pki.ts";
import { byoTls, curlHttps, tlsPlugins } from "./support/tls.ts";

Deno.test("mtls - client certs of the uploaded CA pass, none is refused, a revoked one is refused once the CRL applies", async () => {
  const dir = await Deno.makeTempDir({ prefix: "pp-pki-" });
  const serverCa = await makeRootCa(dir, "Server-CA");
  const clientCa = await makeRootCa(dir, "Client-CA");
  const stranger = await makeRootCa(dir, "Other-CA");
  const site = await serverCa.server("a.test", ["a.test"]);
  const alice = await clientCa.client("alice");
  const bob = await clientCa.client("bob");
  const mallory = await stranger.client("mallory");
  const app = startBackend("app");
  const [http, https] = [freePort(), freePort()];
  const d = await startTestDaemon({ plugins: tlsPlugins() });
  try {
    const up = await d.api("POST", "/api/byo-certs/upload", {
      name: "a",
      fullchainPem: site.cert,
      privkeyPem: site.key,
    });
    assert.equal(up.status, 200, up.text);
    const ca = await d.api("POST", "/api/trusted-cas/upload", {
      name: "clients",
      pem: clientCa.cert,
    });
    assert.equal(ca.status, 200, ca.text);
    assert.equal(ca.body.count, 1);

    const state = simpleState(http, [{ name: "a", address: app.address }]) as Record<string, any>;
    state.tls = byoTls([{ id: "a", domains: ["a.test"] }]);
    state.trustedCas = [{ name: "clients" }];
    state.haproxy.frontends[0].binds.push({
      address: `127.0.0.1:${https}`,
      tls: { certs: ["a"], clientCa: "clients", verify: "required" },
    });
    const put = await d.api("PUT", "/api/state", state);
    assert.equal(put.status, 200, put.text);

    const get = (who?: { certPath: string; keyPath: string }) =>
      curlHttps("a.test", https, {
        caFile: serverCa.certPath,
        ...(who ? { cert: who.certPath, key: who.keyPath } : {}),
      });
    const withAlice = await get(alice);
    assert.equal(withAlice.status, 200, withAlice.stderr);
    assert.equal(withAlice.body, "app");
    const anonymous = await get();
    assert.notEqual(anonymous.exit, 0);
    assert.equal(anonymous.status, 0);
    const foreign = await get(mallory);
    assert.equal(foreign.status, 0);

    await clientCa.revoke(alice);
    const crl = await d.api("POST", "/api/trusted-crls/upload", {
      name: "clients-crl",
      pem: await clientCa.crl(),
    });
    assert.equal(crl.status, 200, crl.text);
    assert.equal(crl.body.crls[0].revoked, 1);
    state.trustedCrls = [{ name: "clients-crl" }];
    state.haproxy.frontends[0].binds[1].tls.crl = "clients-crl";
    const put2 = await d.api("PUT", "/api/state", state);
    assert.equal(put2.status, 200, put2.text);

    const revoked = await get(alice);
    assert.equal(revoked.status, 0);
    assert.notEqual(revoked.exit, 0);
    const stillGood = await get(bob);
    assert.equal(stillGood.status, 200, stillGood.stderr);

    // Re-uploading a CA in use reloads HAProxy with it; a bad name never reaches the disk.
    const again = await d.api("POST", "/api/trusted-cas/upload", {
      name: "clients",
      pem: clientCa.cert,
    });
    assert.equal(again.status, 200, again.text);
    assert.deepEqual([again.body.replaced, again.body.reloaded], [true, true]);
    assert.equal((await get(bob)).status, 200);
    const traversal = await d.api("POST", "/api/trusted-cas/upload", {
      name: "../clients",
      pem: clientCa.cert,
    });
    assert.equal(traversal.status, 400);
    assert.equal((await Deno.stat(d.paths.plugin("trusted-cas"))).mode! & 0o777, 0o700);
    assert.equal(
      (await Deno.stat(`${d.paths.plugin("trusted-cas")}/clients.pem`)).mode! & 0o777,
      0o600,
    );

    const inUse = await d.api("DELETE", "/api/trusted-cas/clients");
    assert.equal(inUse.status, 409);
    assert.deepEqual(inUse.body.usedBy, ["fe-main/1"]);
    assert.equal((await d.api("DELETE", "/api/trusted-crls/clients-crl")).status, 409);
    const list = await d.api("GET", "/api/trusted-cas");
    assert.deepEqual(list.body.items.map((i: { name: string }) => i.name), ["clients"]);
    assert.equal(list.body.items[0].inState, true);
  } finally {
    await d.stop();
    await app.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("mtls - a bind naming a missing CA or CRL is a 422 whose issue carries the path", async () => {
  const app = startBackend("app");
  const [http, https] = [freePort(), freePort()];
  const d = await startTestDaemon({ plugins: tlsPlugins() });
  try {
    const state = simpleState(http, [{ name: "a", address: app.address }]) as Record<string, any>;
    state.tls = byoTls([{ id: "a", domains: ["a.test"] }]);
    state.haproxy.frontends[0].binds.push({
      address: `127.0.0.1:${https}`,
      tls: { certs: ["a"], clientCa: "nobody", crl: "nothing" },
    });
    state.haproxy.backends[0].servers[0].tls = { ca: "ghost-ca" };
    const res = await d.api("PUT", "/api/state", state);
    assert.equal(res.status, 422);
    const byPath = Object.fromEntries(
      res.body.issues.map((
        i: { path: unknown[]; message: string },
      ) => [i.path.join("."), i.message]),
    );
    assert.match(byPath["haproxy.frontends.0.binds.1.tls.clientCa"], /trusted CA 'nobody'/);
    assert.match(byPath["haproxy.frontends.0.binds.1.tls.crl"], /CRL 'nothing'/);
    assert.match(byPath["haproxy.backends.0.servers.0.tls.ca"], /trusted CA 'ghost-ca'/);
  } finally {
    await d.stop();
    await app.close();
  }
});

Deno.test("tls - a backend server over TLS is verified against a trusted CA with SNI", async () => {
  const dir = await Deno.makeTempDir({ prefix: "pp-pki-" });
  const ca = await makeRootCa(dir, "Backend-CA");
  const other = await makeRootCa(dir, "Other-CA");
  const leaf = await ca.server("backend.test", ["backend.test"]);
  const backend = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    cert: leaf.cert,
    key: leaf.key,
    onListen: () => {},
  }, () => new Response("secure-backend"));
  const port = (backend.addr as Deno.NetAddr).port;
  const fe = freePort();
  const d = await startTestDaemon({ plugins: tlsPlugins() });
  try {
    for (const [name, pem] of [["backend-ca", ca.cert], ["other-ca", other.cert]]) {
      const up = await d.api("POST", "/api/trusted-cas/upload", { name, pem });
      assert.equal(up.status, 200, up.text);
    }
    const state = simpleState(fe, [{ name: "s1", address: `127.0.0.1:${port}` }]) as Record<
      string,
      any
    >;
    state.trustedCas = [{ name: "backend-ca" }, { name: "other-ca" }];
    state.haproxy.defaults.retries = 0;
    state.haproxy.backends[0].servers[0].tls = { ca: "backend-ca", sni: "backend.test" };
    const put = await d.api("PUT", "/api/state", state);
    assert.equal(put.status, 200, put.text);
    const ok = await through(fe);
    assert.equal(ok.status, 200);
    assert.equal(ok.body, "secure-backend");

    // The server's name is checked against the SNI sent: another name fails verification.
    state.haproxy.backends[0].servers[0].tls = { ca: "backend-ca", sni: "wrong.test" };
    assert.equal((await d.api("PUT", "/api/state", state)).status, 200);
    assert.equal((await through(fe)).status, 503);

    // A CA that did not issue the server's certificate fails verification too.
    state.haproxy.backends[0].servers[0].tls = { ca: "other-ca", sni: "backend.test" };
    assert.equal((await d.api("PUT", "/api/state", state)).status, 200);
    assert.equal((await through(fe)).status, 503);

    state.haproxy.backends[0].servers[0].tls = { ca: "backend-ca", sni: "backend.test" };
    assert.equal((await d.api("PUT", "/api/state", state)).status, 200);
    assert.equal((await through(fe)).status, 200);
  } finally {
    await d.stop();
    await backend.shutdown();
    await Deno.remove(dir, { recursive: true });
  }
});
