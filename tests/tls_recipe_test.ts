import assert from "node:assert/strict";
import { join } from "node:path";
import { freePort, simpleState, startBackend, startTestDaemon } from "./support/daemon.ts";
import { makeRootCa } from "./support/pki.ts";
import { curlHttps, tlsPlugins } from "./support/tls.ts";

/**
 * The spec's "BYO certs: upload PEMs" recipe, verbatim but for the host:
 * step 1 uploads with the awk trick, step 2 reads the state, adds the
 * provider, the certificate and a TLS bind with jq, and PUTs it back.
 */
const RECIPE = String.raw`set -euo pipefail
# Step 1: upload PEMs
curl -fs -X POST -H "Authorization: Bearer $PP_TOKEN" \
-H 'content-type: application/json' \
-d @- $PP_HOST/api/byo-certs/upload <<EOF
{
"name": "internal-app",
"fullchainPem": "$(awk '{printf "%s\\n", $0}' fullchain.pem)",
"privkeyPem": "$(awk '{printf "%s\\n", $0}' privkey.pem)"
}
EOF
echo
# Step 2: add the cert to state.tls.certs + state.tls.providers
curl -fs -H "Authorization: Bearer $PP_TOKEN" \
$PP_HOST/api/state > state.json
jq --arg bind "127.0.0.1:$TLS_PORT" '
  .tls.providers += [{id: "byo", kind: "byo"}]
  | .tls.certs += [{id: "internal-app", providerId: "byo", name: "internal-app",
                    domains: ["internal.test"]}]
  | .haproxy.frontends[0].binds += [{address: $bind, tls: {certs: ["internal-app"]}}]
' state.json > state.next.json
curl -fs -X PUT -H "Authorization: Bearer $PP_TOKEN" \
-H 'content-type: application/json' \
-d @state.next.json \
$PP_HOST/api/state > /dev/null
`;

Deno.test("byo-certs - the spec's two-step recipe (awk upload, jq into state.tls, PUT) works with curl and jq", async () => {
  const dir = await Deno.makeTempDir({ prefix: "pp-recipe-" });
  const root = await makeRootCa(dir, "Test-Root");
  const inter = await root.intermediate("Test-Intermediate");
  const leaf = await inter.server("internal.test", ["internal.test"]);
  await Deno.writeTextFile(join(dir, "fullchain.pem"), leaf.cert + inter.cert);
  await Deno.writeTextFile(join(dir, "privkey.pem"), leaf.key);
  const app = startBackend("internal");
  const [http, https] = [freePort(), freePort()];
  const d = await startTestDaemon({
    plugins: tlsPlugins(),
    state: simpleState(http, [{ name: "a", address: app.address }]),
  });
  try {
    const token = d.adminToken;
    assert.match(token, /^pp_[0-9a-f]{8}\.[0-9a-f]{32}$/);
    const out = await new Deno.Command("bash", {
      args: ["-c", RECIPE],
      cwd: dir,
      env: { PP_HOST: d.url, PP_TOKEN: token, TLS_PORT: String(https) },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stdout = new TextDecoder().decode(out.stdout);
    assert.equal(out.code, 0, `${stdout}\n${new TextDecoder().decode(out.stderr)}`);
    const uploaded = JSON.parse(stdout);
    assert.deepEqual(uploaded.sans, ["internal.test"]);
    assert.equal(uploaded.chainLength, 2);

    const r = await curlHttps("internal.test", https, { caFile: root.certPath });
    assert.equal(r.exit, 0, r.stderr);
    assert.equal(r.body, "internal");
    const certs = await d.api("GET", "/api/certificates");
    assert.equal(certs.body.certificates[0].id, "internal-app");
    assert.deepEqual(certs.body.certificates[0].usedBy, ["fe-main/1"]);
  } finally {
    await d.stop();
    await app.close();
    await Deno.remove(dir, { recursive: true });
  }
});
