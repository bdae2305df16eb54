import assert from "node:assert/strict";
import { makeRootCa } from "../../tests/support/pki.ts";
import { parseCrlText, validateCaBundle, validateCrl } from "./validate.ts";

Deno.test("trusted-cas validate - a bundle of CAs passes; a leaf, garbage or an expired CA do not", async () => {
  const dir = await Deno.makeTempDir({ prefix: "pp-pki-" });
  try {
    const one = await makeRootCa(dir, "CA-One");
    const two = await makeRootCa(dir, "CA-Two");
    const leaf = await one.server("a.test", ["a.test"]);

    const ok = validateCaBundle(one.cert + two.cert);
    assert.equal(ok.ok, true);
    assert.equal(ok.ok && ok.count, 2);
    assert.deepEqual(ok.ok && ok.certs.map((c) => c.subject), ["CN=CA-One", "CN=CA-Two"]);

    const notCa = validateCaBundle(one.cert + leaf.cert);
    assert.deepEqual(notCa, {
      ok: false,
      code: "not-a-ca",
      error: "not a CA: certificate #2 (CN=a.test) lacks basicConstraints CA:TRUE",
    });
    const garbage = validateCaBundle("nothing here");
    assert.equal(!garbage.ok && garbage.code, "not-pem");
    const later = new Date(Date.now() + 90 * 86_400_000);
    const expired = validateCaBundle(one.cert, later);
    assert.equal(!expired.ok && expired.code, "expired");
    assert.match(
      !expired.ok ? expired.error : "",
      /^expired: certificate #1 \(CN=CA-One\) expired on/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("trusted-cas validate - a CRL reports issuer and revocations; a stale or broken one is refused", async () => {
  const dir = await Deno.makeTempDir({ prefix: "pp-pki-" });
  try {
    const ca = await makeRootCa(dir, "Client-CA");
    const alice = await ca.client("alice");
    await ca.revoke(alice);
    const pem = await ca.crl();

    const ok = await validateCrl(pem);
    assert.equal(ok.ok, true);
    if (ok.ok) {
      assert.equal(ok.count, 1);
      assert.equal(ok.crls[0].issuer, "CN=Client-CA");
      assert.equal(ok.crls[0].revoked, 1);
      assert.ok(Date.parse(ok.crls[0].nextUpdate!) > Date.now());
    }
    const stale = await validateCrl(pem, new Date(Date.now() + 90 * 86_400_000));
    assert.equal(!stale.ok && stale.code, "expired");
    assert.match(!stale.ok ? stale.error : "", /^expired: CRL #1 \(issuer CN=Client-CA\) was due/);

    const broken = await validateCrl("-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n");
    assert.deepEqual(broken, {
      ok: false,
      code: "not-pem",
      error: "not a PEM: CRL #1 is not a valid X.509 CRL",
    });
    const cert = await validateCrl(ca.cert);
    assert.equal(!cert.ok && cert.error, "not a PEM: pem contains no X509 CRL block");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("trusted-cas validate - parseCrlText reads openssl's text form", () => {
  const text = `Certificate Revocation List (CRL):
        Version 2 (0x1)
        Signature Algorithm: ecdsa-with-SHA256
        Issuer: CN=Client-CA
        Last Update: Nov 22 19:40:36 2026 GMT
        Next Update: Dec 22 19:40:36 2026 GMT
Revoked Certificates:
    Serial Number: 1000
        Revocation Date: Nov 22 19:40:36 2026 GMT
    Serial Number: 1001
        Revocation Date: Nov 22 19:40:37 2026 GMT
`;
  assert.deepEqual(parseCrlText(text), {
    issuer: "CN=Client-CA",
    lastUpdate: "2026-11-22T19:40:36.000Z",
    nextUpdate: "2026-12-22T19:40:36.000Z",
    revoked: 2,
  });
});
