import assert from "node:assert/strict";
import { startTestDaemon, type TestDaemon } from "./support/daemon.ts";
import { makeRootCa, openssl } from "./support/pki.ts";
import { tlsPlugins } from "./support/tls.ts";

async function validate(d: TestDaemon, fullchainPem: string, privkeyPem: string) {
  const res = await d.api("POST", "/api/byo-certs/validate", { fullchainPem, privkeyPem });
  // A valid pair is a 200 report; a refused one is bad input, 400 `{ok: false, error, code}`.
  assert.equal(res.status, res.body.ok === true ? 200 : 400, res.text);
  if (res.body.ok !== true) {
    assert.deepEqual(Object.keys(res.body).sort(), ["code", "error", "ok"], res.text);
    assert.equal(res.body.ok, false);
  }
  return res.body;
}

Deno.test("byo-certs validate - each failure gets its precise error, and nothing is written", async () => {
  const dir = await Deno.makeTempDir({ prefix: "pp-pki-" });
  const root = await makeRootCa(dir, "Test-Root");
  const inter = await root.intermediate("Test-Intermediate");
  const leaf = await inter.server("a.test", ["a.test", "www.a.test"]);
  const other = await inter.server("b.test", ["b.test"]);
  const expired = await inter.server("old.test", ["old.test"], { fromDays: -20, toDays: -2 });
  const d = await startTestDaemon({ plugins: tlsPlugins() });
  try {
    const good = await validate(d, leaf.cert + inter.cert, leaf.key);
    assert.equal(good.ok, true);
    assert.deepEqual(good.sans, ["a.test", "www.a.test"]);
    assert.equal(good.issuer, "CN=Test-Intermediate");
    assert.equal(good.keyType, "EC P-256");
    assert.equal(good.chainLength, 2);
    assert.ok(Date.parse(good.notAfter) > Date.now());
    assert.ok(!JSON.stringify(good).includes("PRIVATE KEY"));

    const mismatch = await validate(d, leaf.cert + inter.cert, other.key);
    assert.equal(mismatch.ok, false);
    assert.equal(mismatch.code, "key-mismatch");
    assert.match(mismatch.error, /^key does not match leaf: .*certificate #1 \(CN=a\.test\)/);

    const garbage = await validate(d, "hello, I am not a certificate", leaf.key);
    assert.equal(garbage.code, "not-pem");
    assert.match(garbage.error, /^not a PEM: fullchainPem contains no PEM CERTIFICATE block/);
    const badBase64 = await validate(
      d,
      "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n",
      leaf.key,
    );
    assert.equal(badBase64.code, "not-pem");
    assert.match(badBase64.error, /certificate #1 is not a valid X\.509 certificate/);
    const badKey = await validate(
      d,
      leaf.cert,
      "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
    );
    assert.equal(badKey.code, "not-pem");
    assert.match(badKey.error, /^not a PEM: privkeyPem: the PRIVATE KEY block is not a valid key/);

    const old = await validate(d, expired.cert + inter.cert, expired.key);
    assert.equal(old.code, "expired");
    assert.match(old.error, /^expired: the leaf certificate expired on \d{4}-\d\d-\d\dT/);

    const swapped = await validate(d, leaf.cert + root.cert + inter.cert, leaf.key);
    assert.equal(swapped.code, "chain-order");
    assert.match(
      swapped.error,
      /^chain out of order: certificate #1 \(CN=a\.test\) is issued by certificate #3 \(CN=Test-Intermediate\)/,
    );
    const leafLast = await validate(d, inter.cert + leaf.cert, leaf.key);
    assert.equal(leafLast.code, "chain-order");
    assert.match(leafLast.error, /the leaf certificate must come first/);

    const missing = await validate(d, leaf.cert + root.cert, leaf.key);
    assert.equal(missing.code, "chain-incomplete");
    assert.match(
      missing.error,
      /^intermediate missing: certificate #1 \(CN=a\.test\) is issued by 'CN=Test-Intermediate', which is not in the chain/,
    );

    await openssl([
      "req",
      "-x509",
      "-newkey",
      "rsa:1024",
      "-nodes",
      "-subj",
      "/CN=weak.test",
      "-days",
      "2",
      "-keyout",
      `${dir}/weak.key`,
      "-out",
      `${dir}/weak.pem`,
    ]);
    const weak = await validate(
      d,
      await Deno.readTextFile(`${dir}/weak.pem`),
      await Deno.readTextFile(`${dir}/weak.key`),
    );
    assert.equal(weak.code, "weak-key");
    assert.match(weak.error, /^key too weak: RSA 1024 bits/);

    const noField = await d.api("POST", "/api/byo-certs/validate", { fullchainPem: leaf.cert });
    assert.equal(noField.status, 400);
    assert.match(noField.body.error, /privkeyPem/);

    const upload = await d.api("POST", "/api/byo-certs/upload", {
      name: "a",
      fullchainPem: leaf.cert + inter.cert,
      privkeyPem: other.key,
    });
    assert.equal(upload.status, 400);
    assert.equal(upload.body.ok, false);
    assert.equal(upload.body.code, "key-mismatch");
    assert.equal(await Deno.stat(d.paths.plugin("byo-certs")).then(() => true, () => false), false);
  } finally {
    await d.stop();
    await Deno.remove(dir, { recursive: true });
  }
});
