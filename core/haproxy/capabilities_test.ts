import assert from "node:assert/strict";
import {
  parseBuildInfo,
  parseCiphers,
  parseCurves,
  parseMasterRow,
  uptimeSeconds,
} from "./capabilities.ts";

Deno.test("capabilities - haproxy -vv of the installed binary names its version and TLS versions", async () => {
  const out = await new Deno.Command("haproxy", { args: ["-vv"], stdout: "piped", stderr: "piped" })
    .output();
  const info = parseBuildInfo(new TextDecoder().decode(out.stdout));
  assert.match(info.version ?? "", /^2\.6\./);
  assert.match(info.opensslRunning ?? "", /^OpenSSL /);
  assert.ok(info.tlsVersions.includes("TLSv1.2"), info.tlsVersions.join(" "));
  assert.equal(info.sni, true);
  assert.ok(info.features.includes("OPENSSL"));
});

Deno.test("capabilities - the master row of show proc, uptimes, ciphers and curves", () => {
  const proc = "#<PID>          <type>          <reloads>       <uptime>        <version>\n" +
    "4242            master          3 [failed: 0]   0d01h02m03s     2.6.12-1+deb12u4\n" +
    "# workers\n4300            worker          0               0d00h00m10s     2.6.12-1\n";
  assert.deepEqual(parseMasterRow(proc), {
    pid: 4242,
    reloads: 3,
    uptime: "0d01h02m03s",
    uptimeSeconds: 3723,
    version: "2.6.12-1+deb12u4",
  });
  assert.equal(parseMasterRow("# workers\n"), null);
  assert.equal(uptimeSeconds("1d00h00m01s"), 86401);
  assert.equal(uptimeSeconds("soon"), null);
  assert.deepEqual(
    parseCiphers(
      "TLS_AES_256_GCM_SHA384         TLSv1.3 Kx=any      Au=any   Enc=AESGCM(256) Mac=AEAD\n" +
        "ECDHE-RSA-AES128-GCM-SHA256    TLSv1.2 Kx=ECDH     Au=RSA   Enc=AESGCM(128) Mac=AEAD\n",
    ),
    [
      { name: "TLS_AES_256_GCM_SHA384", protocol: "TLSv1.3" },
      { name: "ECDHE-RSA-AES128-GCM-SHA256", protocol: "TLSv1.2" },
    ],
  );
  assert.deepEqual(parseCurves("  secp384r1 : NIST/SECG curve over a 384 bit prime field\n"), [
    "secp384r1",
  ]);
});
