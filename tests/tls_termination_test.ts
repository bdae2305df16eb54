import assert from "node:assert/strict";
import { join } from "node:path";
import { X509Certificate } from "node:crypto";
import {
  freePort,
  simpleState,
  startBackend,
  startTestDaemon,
  type TestDaemon,
} from "./support/daemon.ts";
import { makeRootCa } from "./support/pki.ts";
import { byoTls, curlHttps, servedCert, tlsPlugins } from "./support/tls.ts";
import { definePlugin } from "../core/plugin.ts";
import { d as directive } from "../core/render/model.ts";

/** simpleState plus a TLS bind on `tlsPort` serving `certs`. */
function tlsState(
  httpPort: number,
  tlsPort: number,
  backend: string,
  certs: { id: string; domains: string[] }[],
  bindTls: Record<string, unknown> = {},
) {
  const s = simpleState(httpPort, [{ name: "a", address: backend }]) as {
    haproxy: { frontends: { binds: unknown[] }[] };
  };
  s.haproxy.frontends[0].binds.push({
    address: `127.0.0.1:${tlsPort}`,
    tls: { certs: certs.map((c) => c.id), ...bindTls },
  });
  return { ...s, tls: byoTls(certs) };
}

async function upload(d: TestDaemon, name: string, fullchainPem: string, privkeyPem: string) {
  const res = await d.api("POST", "/api/byo-certs/upload", { name, fullchainPem, privkeyPem });
  assert.equal(res.status, 200, res.text);
  return res.body;
}

Deno.test("tls - HTTPS with uploaded certs: chain and SAN verify, SNI picks the cert, default for unknown names", async () => {
  const dir = await Deno.makeTempDir({ prefix: "pp-pki-" });
  const root = await makeRootCa(dir, "Test-Root");
  const inter = await root.intermediate("Test-Intermediate");
  const a = await inter.server("a.test", ["a.test"]);
  const b = await inter.server("b.test", ["b.test"]);
  const app = startBackend("app");
  const [http, https] = [freePort(), freePort()];
  const d = await startTestDaemon({ plugins: tlsPlugins() });
  try {
    const up = await upload(d, "a", a.cert + inter.cert, a.key);
    assert.deepEqual(up.sans, ["a.test"]);
    assert.equal(up.chainLength, 2);
    await upload(d, "b", b.cert + inter.cert, b.key);
    const put = await d.api(
      "PUT",
      "/api/state",
      tlsState(http, https, app.address, [
        { id: "a", domains: ["a.test"] },
        { id: "b", domains: ["b.test"] },
      ]),
    );
    assert.equal(put.status, 200, put.text);

    const ra = await curlHttps("a.test", https, { caFile: root.certPath });
    assert.equal(ra.exit, 0, ra.stderr);
    assert.equal(ra.status, 200);
    assert.equal(ra.body, "app");
    const rb = await curlHttps("b.test", https, { caFile: root.certPath });
    assert.equal(rb.exit, 0, rb.stderr);
    assert.equal(rb.body, "app");

    assert.equal((await servedCert(https, "a.test")).subject, "CN=a.test");
    assert.equal((await servedCert(https, "b.test")).subject, "CN=b.test");
    assert.equal((await servedCert(https, "unknown.test")).subject, "CN=a.test");
  } finally {
    await d.stop();
    await app.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("byo-certs - files are 0600 in 0700 directories; path-traversal names are refused", async () => {
  const dir = await Deno.makeTempDir({ prefix: "pp-pki-" });
  const root = await makeRootCa(dir, "Test-Root");
  const a = await root.server("a.test", ["a.test"]);
  const d = await startTestDaemon({ plugins: tlsPlugins() });
  try {
    await upload(d, "internal-app", a.cert, a.key);
    const certDir = join(d.paths.plugin("byo-certs"), "internal-app");
    assert.equal((await Deno.stat(d.paths.plugin("byo-certs"))).mode! & 0o777, 0o700);
    assert.equal((await Deno.stat(certDir)).mode! & 0o777, 0o700);
    for (const f of ["fullchain.pem", "privkey.pem", "cert.pem"]) {
      assert.equal((await Deno.stat(join(certDir, f))).mode! & 0o777, 0o600, f);
    }
    assert.equal(await Deno.readTextFile(join(certDir, "cert.pem")), a.cert);

    for (const name of ["../evil", "a/b", "..", ".hidden", "x y", ""]) {
      const res = await d.api("POST", "/api/byo-certs/upload", {
        name,
        fullchainPem: a.cert,
        privkeyPem: a.key,
      });
      assert.equal(res.status, 400, name);
      assert.match(res.body.error, /invalid certificate name/);
    }
    const outside = [...Deno.readDirSync(d.dataDir)].map((e) => e.name);
    assert.ok(!outside.includes("evil"));

    const pem = await d.api("GET", "/api/byo-certs/internal-app/fullchain.pem");
    assert.equal(pem.status, 200);
    const operator = await d.mintToken("operator");
    const asOperator = await d.api(
      "GET",
      "/api/byo-certs/internal-app/fullchain.pem",
      undefined,
      {},
      { as: operator },
    );
    assert.equal(asOperator.status, 403);
    assert.equal(
      (await d.api("GET", "/api/byo-certs", undefined, {}, { as: operator })).status,
      200,
    );
    assert.equal(pem.text, a.cert);
    assert.ok(!pem.text.includes("PRIVATE KEY"));
    const list = await d.api("GET", "/api/byo-certs");
    assert.deepEqual(list.body.certs.map((c: { name: string }) => c.name), ["internal-app"]);
    assert.ok(!list.text.includes("PRIVATE KEY"));
  } finally {
    await d.stop();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("byo-certs - a certificate replaced in place is served right after the upload", async () => {
  const dir = await Deno.makeTempDir({ prefix: "pp-pki-" });
  const root = await makeRootCa(dir, "Test-Root");
  const first = await root.server("a.test", ["a.test"]);
  const second = await root.server("a.test", ["a.test", "www.a.test"]);
  const app = startBackend("app");
  const [http, https] = [freePort(), freePort()];
  const d = await startTestDaemon({ plugins: tlsPlugins() });
  try {
    await upload(d, "a", first.cert, first.key);
    const put = await d.api(
      "PUT",
      "/api/state",
      tlsState(http, https, app.address, [{ id: "a", domains: ["a.test"] }]),
    );
    assert.equal(put.status, 200, put.text);
    const before = await servedCert(https, "a.test");
    assert.equal(before.fingerprint256, new X509Certificate(first.cert).fingerprint256);

    const up = await upload(d, "a", second.cert, second.key);
    assert.equal(up.replaced, true);
    assert.equal(up.reloaded, true);
    assert.deepEqual(up.servedBy, ["fe-main/1"]);
    const after = await servedCert(https, "a.test");
    assert.equal(after.fingerprint256, new X509Certificate(second.cert).fingerprint256);
    const r = await curlHttps("a.test", https, { caFile: root.certPath });
    assert.equal(r.status, 200, r.stderr);

    const audit = await d.api("GET", "/api/audit?category=state");
    assert.equal(audit.status, 200);
    const reasons = audit.body.entries.map((e: { details: { reason: string } }) =>
      e.details.reason
    );
    assert.ok(reasons.includes("byo-cert-replaced:a"), JSON.stringify(reasons));
    const certAudit = await d.api("GET", "/api/audit?category=cert");
    assert.deepEqual(
      certAudit.body.entries.map((e: { action: string }) => e.action),
      ["byo-replace", "byo-upload"],
    );
  } finally {
    await d.stop();
    await app.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("byo-certs - a replacement HAProxy refuses is rolled back: the old cert stays on disk and served", async () => {
  const dir = await Deno.makeTempDir({ prefix: "pp-pki-" });
  const root = await makeRootCa(dir, "Test-Root");
  const first = await root.server("a.test", ["a.test"]);
  const second = await root.server("a.test", ["a.test"]);
  // A stand-in for anything that makes the next render fail `haproxy -c`.
  const sabotage = { on: false };
  const saboteur = definePlugin({
    name: "saboteur",
    setup(host) {
      host.render((model) => {
        if (sabotage.on) model.section("global")!.directives.push(directive("no-such-keyword"));
      });
    },
  });
  const app = startBackend("app");
  const [http, https] = [freePort(), freePort()];
  const dm = await startTestDaemon({ plugins: tlsPlugins([saboteur]) });
  try {
    await upload(dm, "a", first.cert, first.key);
    const state = tlsState(http, https, app.address, [{ id: "a", domains: ["a.test"] }]);
    assert.equal((await dm.api("PUT", "/api/state", state)).status, 200);
    sabotage.on = true;
    const res = await dm.api("POST", "/api/byo-certs/upload", {
      name: "a",
      fullchainPem: second.cert,
      privkeyPem: second.key,
    });
    assert.equal(res.status, 502, res.text);
    assert.match(res.body.output, /no-such-keyword/);
    const onDisk = await Deno.readTextFile(
      join(dm.paths.plugin("byo-certs"), "a", "fullchain.pem"),
    );
    assert.equal(onDisk, first.cert);
    const versions = [...Deno.readDirSync(dm.paths.plugin("byo-certs"))].filter((e) =>
      e.isDirectory
    );
    assert.equal(versions.length, 1, "the refused version is gone");
    const served = await servedCert(https, "a.test");
    assert.equal(served.fingerprint256, new X509Certificate(first.cert).fingerprint256);
  } finally {
    await dm.stop();
    await app.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("tls - references to a missing certificate are a 422 whose issue carries the path", async () => {
  const app = startBackend("app");
  const [http, https] = [freePort(), freePort()];
  const d = await startTestDaemon({ plugins: tlsPlugins() });
  try {
    const state = tlsState(http, https, app.address, [{ id: "a", domains: ["a.test"] }]);
    const fe = state.haproxy.frontends[0] as { binds: { tls?: { certs: string[] } }[] };
    fe.binds[1].tls!.certs = ["a", "nope"];
    const res = await d.api("PUT", "/api/state", state);
    assert.equal(res.status, 422, res.text);
    const issue = res.body.issues.find((i: { path: unknown[] }) =>
      JSON.stringify(i.path) ===
        JSON.stringify(["haproxy", "frontends", 0, "binds", 1, "tls", "certs", 1])
    );
    assert.ok(issue, res.text);
    assert.match(issue.message, /certificate 'nope' does not exist/);

    const badProvider = tlsState(http, https, app.address, [{ id: "a", domains: ["a.test"] }]);
    badProvider.tls.certs[0].providerId = "ghost";
    const res2 = await d.api("PUT", "/api/state", badProvider);
    assert.equal(res2.status, 422);
    assert.deepEqual(res2.body.issues[0].path, ["tls", "certs", 0, "providerId"]);
  } finally {
    await d.stop();
    await app.close();
  }
});

Deno.test("byo-certs - DELETE is a 409 while the state references the cert, then removes it", async () => {
  const dir = await Deno.makeTempDir({ prefix: "pp-pki-" });
  const root = await makeRootCa(dir, "Test-Root");
  const a = await root.server("a.test", ["a.test"]);
  const app = startBackend("app");
  const [http, https] = [freePort(), freePort()];
  const d = await startTestDaemon({ plugins: tlsPlugins() });
  try {
    await upload(d, "a", a.cert, a.key);
    const state = tlsState(http, https, app.address, [{ id: "a", domains: ["a.test"] }]);
    assert.equal((await d.api("PUT", "/api/state", state)).status, 200);
    const refused = await d.api("DELETE", "/api/byo-certs/a");
    assert.equal(refused.status, 409);
    assert.match(refused.body.error, /referenced by state\.tls\.certs \(a\)/);
    assert.ok(await Deno.stat(join(d.paths.plugin("byo-certs"), "a", "privkey.pem")));

    const plain = simpleState(http, [{ name: "a", address: app.address }]);
    assert.equal((await d.api("PUT", "/api/state", plain)).status, 200);
    // The generated bundle (chain + key) goes with the state that needed it.
    const left = [...Deno.readDirSync(join(d.dataDir, "haproxy-tls"))];
    assert.deepEqual(left, []);
    const gone = await d.api("DELETE", "/api/byo-certs/a");
    assert.equal(gone.status, 200, gone.text);
    assert.equal((await d.api("GET", "/api/byo-certs/a")).status, 404);
    assert.deepEqual([...Deno.readDirSync(d.paths.plugin("byo-certs"))], []);
    assert.equal((await d.api("DELETE", "/api/byo-certs/a")).status, 404);
  } finally {
    await d.stop();
    await app.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("tls - plain HTTP redirects to HTTPS and HTTPS responses carry HSTS", async () => {
  const dir = await Deno.makeTempDir({ prefix: "pp-pki-" });
  const root = await makeRootCa(dir, "Test-Root");
  const a = await root.server("a.test", ["a.test"]);
  const app = startBackend("app");
  const [http, https] = [freePort(), freePort()];
  const d = await startTestDaemon({ plugins: tlsPlugins() });
  try {
    await upload(d, "a", a.cert, a.key);
    const state = tlsState(http, https, app.address, [{ id: "a", domains: ["a.test"] }], {
      redirectHttp: true,
      hsts: { maxAge: 600, includeSubDomains: true },
    });
    const put = await d.api("PUT", "/api/state", state);
    assert.equal(put.status, 200, put.text);
    const plain = await curlHttps("a.test", http, { caFile: "", scheme: "http", path: "/x" });
    assert.equal(plain.status, 301);
    assert.match(plain.headers, /location: https:\/\/a\.test:\d+\/x/i);
    const secure = await curlHttps("a.test", https, { caFile: root.certPath });
    assert.equal(secure.status, 200);
    assert.match(secure.headers, /strict-transport-security: max-age=600; includeSubDomains/i);
  } finally {
    await d.stop();
    await app.close();
    await Deno.remove(dir, { recursive: true });
  }
});
