/**
 * The seed's "Mint a long-lived API token" recipe, run verbatim with real
 * curl and jq against a daemon serving HTTPS (only the example host name is
 * swapped for the daemon's address), after a cookie login with `curl -c`.
 *
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { startTestDaemon, TEST_ADMIN } from "./support/daemon.ts";

const RECIPE = `
# As admin via cookie session first
TOKEN_RESP=$(curl -ksb cookies.txt \\
-X POST -H 'content-type: application/json' \\
-d '{"name":"ci-pipeline"}' \\
https://patchpanel.example.com:8099/api/api-tokens)
PP_TOKEN=$(echo "$TOKEN_RESP" | jq -r .wire)
# pp_a1b2c3d4.0123456789abcdef0123456789abcdef — store immediately
curl -H "Authorization: Bearer $PP_TOKEN" \\
https://patchpanel.example.com:8099/api/state
`;

Deno.test("recipe - mint a long-lived API token with curl and jq, then use it", async () => {
  const d = await startTestDaemon({ config: { https: { enabled: true } } });
  const work = await Deno.makeTempDir({ prefix: "pp-recipe-" });
  try {
    assert.match(d.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    const login = `curl -ksc cookies.txt -H 'content-type: application/json' \\
-d '{"username":"${TEST_ADMIN.username}","password":"${TEST_ADMIN.password}"}' \\
${d.url}/api/auth/login >/dev/null`;
    const script = [
      "set -euo pipefail",
      login,
      RECIPE.replaceAll("https://patchpanel.example.com:8099", d.url),
      'echo "$PP_TOKEN" > token.txt',
    ].join("\n");
    const out = await new Deno.Command("bash", {
      args: ["-c", script],
      cwd: work,
      // The second call has no -k: trust the daemon's self-signed certificate instead.
      env: { CURL_CA_BUNDLE: join(d.paths.tls, "cert.pem") },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stdout = new TextDecoder().decode(out.stdout);
    const stderr = new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 0, stderr);
    const wire = (await Deno.readTextFile(join(work, "token.txt"))).trim();
    assert.match(wire, /^pp_[0-9a-f]{8}\.[0-9a-f]{32}$/);
    const state = JSON.parse(stdout);
    assert.equal(state.version, 1);
    assert.ok(state.haproxy);
    const tokens = d.auth.tokens.list().map((t) => t.name);
    assert.ok(tokens.includes("ci-pipeline"));
    const minted = d.audit.list({ limit: 5, category: "api-token" })[0];
    assert.equal(minted.actor, TEST_ADMIN.username);
  } finally {
    await d.stop();
    await Deno.remove(work, { recursive: true });
  }
});
