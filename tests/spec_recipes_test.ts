// deno-lint-ignore-file no-explicit-any
/**
 * The REST recipes of the backend-integration spec, run as written in bash
 * with real curl and jq against a daemon serving HTTPS. Substitutions only:
 * the example host becomes the daemon's URL, `$PP_TOKEN` comes from the
 * environment (the test admin's API token), curl trusts the daemon's
 * self-signed certificate through `CURL_CA_BUNDLE` (so the recipes keep
 * their flags), example ids become real ones, and `10.0.0.13` becomes
 * `127.0.0.13` (nothing leaves the machine). The test state names its
 * frontend `fe-https` and its pool `web-pool`, as the recipes do; the
 * frontend itself listens in plain HTTP on loopback.
 *
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { defaultPlugins } from "../plugins/mod.ts";
import {
  freePort,
  startBackend,
  startTestDaemon,
  type TestDaemon,
  through,
  waitFor,
} from "./support/daemon.ts";

const HOST = "https://patchpanel.example.com:8099";

/** What one bash run gave. */
interface Shell {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `script` in bash (`set -euo pipefail`) in `cwd`, the example host swapped for the daemon. */
async function bash(
  d: TestDaemon,
  cwd: string,
  script: string,
  env: Record<string, string> = {},
): Promise<Shell> {
  const out = await new Deno.Command("bash", {
    args: ["-c", `set -euo pipefail\n${script.replaceAll(HOST, d.url)}`],
    cwd,
    env: {
      PP_TOKEN: d.adminToken,
      CURL_CA_BUNDLE: join(d.paths.tls, "cert.pem"),
      ...env,
    },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/** Runs one recipe that must succeed and print one JSON document. */
async function json(d: TestDaemon, cwd: string, script: string): Promise<any> {
  const r = await bash(d, cwd, script);
  assert.equal(r.code, 0, `${script}\n${r.stderr}${r.stdout}`);
  return JSON.parse(r.stdout);
}

/** The state the recipes expect: frontend fe-https, pool web-pool, table rate_per_ip, acls[0]. */
function recipeState(fe: number, web1: string, web2: string, held: string) {
  return {
    version: 1,
    haproxy: {
      defaults: { mode: "http", timeouts: { connect: "2s", client: "10s", server: "10s" } },
      frontends: [{
        id: "fe-https",
        binds: [{ address: `127.0.0.1:${fe}` }],
        httpRequest: [{ action: "track-sc0 req.hdr_ip(x-client) table rate_per_ip" }],
        useBackends: [
          { backend: "slow", cond: "if is_slow" },
          { backend: "web-pool", cond: "if allowed_hosts" },
        ],
        defaultBackend: "web-pool",
      }],
      backends: [
        {
          id: "web-pool",
          balance: { algorithm: "roundrobin" },
          servers: [
            { name: "web-1", address: web1, check: false },
            { name: "web-2", address: web2, check: false },
          ],
        },
        { id: "slow", servers: [{ name: "held", address: held, check: false }] },
        {
          id: "rate_per_ip",
          stickTable: { type: "ip", size: 1000, expire: "1m", store: ["http_req_cnt"] },
        },
      ],
    },
    acls: [
      { name: "allowed_hosts", criterion: "hdr(host)", flags: ["-i"], values: ["app.example.com"] },
      { name: "is_slow", criterion: "path_beg", values: ["/hold"] },
    ],
  };
}

/** A loopback backend that starts a chunked response and never finishes it. */
function startHeldBackend() {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const conns: Deno.Conn[] = [];
  const loop = (async () => {
    for await (const c of l) {
      conns.push(c);
      await c.read(new Uint8Array(4096)).catch(() => null);
      await c.write(new TextEncoder().encode(
        "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhello\r\n",
      )).catch(() => 0);
    }
  })();
  return {
    address: `127.0.0.1:${(l.addr as Deno.NetAddr).port}`,
    async close() {
      l.close();
      for (const c of conns) c.close();
      await loop.catch(() => {});
    },
  };
}

/** A daemon with the default plugins over HTTPS, the recipe state applied, and a work dir. */
async function withRecipeDaemon(
  fn: (ctx: { d: TestDaemon; work: string; fe: number }) => Promise<void>,
  config: Record<string, unknown> = {},
): Promise<void> {
  const web1 = startBackend("web-1");
  const web2 = startBackend("web-2");
  const held = startHeldBackend();
  const fe = freePort();
  const work = await Deno.makeTempDir({ prefix: "pp-spec-recipe-" });
  let d: TestDaemon | null = null;
  try {
    d = await startTestDaemon({
      plugins: defaultPlugins(),
      config: { https: { enabled: true }, ...config },
      state: recipeState(fe, web1.address, web2.address, held.address),
    });
    await fn({ d, work, fe });
  } finally {
    await d?.stop();
    await web1.close();
    await web2.close();
    await held.close();
    await Deno.remove(work, { recursive: true });
  }
}

/** HAProxy's `show info`, straight from the admin socket. */
async function showInfo(d: TestDaemon): Promise<string> {
  const info = await d.haproxy.admin("show info");
  assert.ok(info.ok);
  return info.output;
}

const SPINE = String.raw`
# 1. Pull the canonical state
curl -fs -H "Authorization: Bearer $PP_TOKEN" \
https://patchpanel.example.com:8099/api/state > state.json
# 2. Patch it locally — jq, yq, jsonnet, or whatever
jq '.acls[0].values += ["newhost.example.com"]' state.json > state.next.json
# 3. Push it back — pipeline runs render → validate → swap → reload → snapshot
curl -fs -X PUT -H "Authorization: Bearer $PP_TOKEN" \
-H 'content-type: application/json' \
-d @state.next.json \
https://patchpanel.example.com:8099/api/state
`;

Deno.test("spec recipes - the state document pattern: pull, jq, push", async () => {
  await withRecipeDaemon(async ({ d, work, fe }) => {
    const persisted = await json(d, work, SPINE);
    assert.deepEqual(persisted.acls[0].values, ["app.example.com", "newhost.example.com"]);
    const state = await d.api("GET", "/api/state");
    assert.deepEqual(state.body.acls[0].values, ["app.example.com", "newhost.example.com"]);
    const loaded = await d.api("GET", "/api/runtime/acls/0/entries");
    assert.ok(loaded.body.entries.includes("newhost.example.com"), loaded.text);
    assert.equal((await through(fe, "/", { host: "newhost.example.com" })).status, 200);
  });
});

const DRAIN = String.raw`
curl -fs -X POST -H "Authorization: Bearer $PP_TOKEN" \
-H 'content-type: application/json' \
-d '{"state":"drain"}' \
https://patchpanel.example.com:8099/api/haproxy/servers/web-pool/web-1/state
`;
const WEIGHT = String.raw`
curl -fs -X POST -H "Authorization: Bearer $PP_TOKEN" \
-H 'content-type: application/json' \
-d '{"weight":0}' \
https://patchpanel.example.com:8099/api/haproxy/servers/web-pool/web-1/weight
`;
const FRONTEND_DISABLE = String.raw`
curl -fs -X POST -H "Authorization: Bearer $PP_TOKEN" \
https://patchpanel.example.com:8099/api/runtime/frontends/fe-https/disable
`;
const FRONTEND_ENABLE = String.raw`
# Re-enable
curl -fs -X POST -H "Authorization: Bearer $PP_TOKEN" \
https://patchpanel.example.com:8099/api/runtime/frontends/fe-https/enable
`;
const MAXCONN_FRONTEND = String.raw`
# Per-frontend
curl -fs -X POST -H "Authorization: Bearer $PP_TOKEN" \
-H 'content-type: application/json' \
-d '{"max":5000}' \
https://patchpanel.example.com:8099/api/runtime/maxconn/frontend/fe-https
`;
const MAXCONN_GLOBAL = String.raw`
# Global
curl -fs -X POST -H "Authorization: Bearer $PP_TOKEN" \
-H 'content-type: application/json' \
-d '{"max":50000}' \
https://patchpanel.example.com:8099/api/runtime/maxconn/global
`;
const COUNTERS_CLEAR = String.raw`
# Reset every max/total counter (useful before a benchmark)
curl -fs -X POST -H "Authorization: Bearer $PP_TOKEN" \
https://patchpanel.example.com:8099/api/runtime/counters/clear
`;
const SESSION_SHUTDOWN = String.raw`
# Kill one session by id (from ${"`show sess`"})
curl -fs -X POST -H "Authorization: Bearer $PP_TOKEN" \
https://patchpanel.example.com:8099/api/runtime/sessions/0x7fabc/shutdown
`;
const TABLE_CLEAR = String.raw`
# Clear a stick table (whole table or one key)
curl -fs -X POST -H "Authorization: Bearer $PP_TOKEN" \
-H 'content-type: application/json' \
-d '{"key":"1.2.3.4"}' \
https://patchpanel.example.com:8099/api/runtime/tables/rate_per_ip/clear
`;
const ACL_ENTRY = String.raw`
# Add a runtime ACL entry (does NOT persist if ACL isn't file-backed)
curl -fs -X POST -H "Authorization: Bearer $PP_TOKEN" \
-H 'content-type: application/json' \
-d '{"value":"1.2.3.4"}' \
https://patchpanel.example.com:8099/api/runtime/acls/0/entries
`;

Deno.test("spec recipes - runtime HAProxy ops: servers, frontends, maxconn, counters, sessions, tables, ACLs", async () => {
  await withRecipeDaemon(async ({ d, work, fe }) => {
    const web1 = async () =>
      (await d.api("GET", "/api/haproxy/servers")).body.servers.find((s: any) =>
        s.backend === "web-pool" && s.server === "web-1"
      );
    assert.deepEqual(await json(d, work, DRAIN), {
      backend: "web-pool",
      server: "web-1",
      state: "drain",
    });
    assert.equal((await web1()).adminState, "drain");
    assert.equal((await json(d, work, WEIGHT)).weight, 0);
    assert.equal((await web1()).weight, 0);

    assert.equal((await json(d, work, FRONTEND_DISABLE)).enabled, false);
    assert.equal((await through(fe)).status, 0, "a disabled frontend accepts no connection");
    assert.equal((await json(d, work, FRONTEND_ENABLE)).enabled, true);
    assert.equal((await through(fe)).body, "web-2", "web-1 is drained with weight 0");

    assert.equal((await json(d, work, MAXCONN_FRONTEND)).maxconn, 5000);
    const frontendLimit = async () =>
      Number(
        (await d.api("GET", "/api/stats")).body.stat.find((r: any) =>
          r.pxname === "fe-https" && r.svname === "FRONTEND"
        )?.slim,
      );
    assert.ok(await waitFor(async () => await frontendLimit() === 5000), "slim of fe-https");
    // HAProxy refuses a runtime global maxconn above the hard one it started with, which comes
    // from the open-files limit (20,000 here, so 9,980) unless state sets global.maxconn; and a
    // state maxconn needing more descriptors than the hard limit fails to load. Where 50,000
    // is out of reach, the recipe as written must fail cleanly, and the same recipe with the
    // hard value must work.
    const hard = Number((await showInfo(d)).match(/^Hard_maxconn: (\d+)$/m)?.[1]);
    assert.ok(hard > 0);
    if (hard >= 50000) {
      assert.equal((await json(d, work, MAXCONN_GLOBAL)).maxconn, 50000);
    } else {
      const refused = await bash(d, work, MAXCONN_GLOBAL);
      assert.equal(refused.code, 22, "curl -f: HTTP error");
      const res = await d.api("POST", "/api/runtime/maxconn/global", { max: 50000 });
      assert.equal(res.status, 502);
      assert.match(res.body.output, /out of range/);
      const within = MAXCONN_GLOBAL.replace('"max":50000', `"max":${hard}`);
      assert.equal((await json(d, work, within)).maxconn, hard);
    }
    assert.match(await showInfo(d), new RegExp(`^Maxconn: ${Math.min(hard, 50000)}$`, "m"));
    assert.deepEqual(await json(d, work, COUNTERS_CLEAR), { cleared: true });

    // A stick-table key 1.2.3.4 (tracked from a header; nothing leaves loopback).
    await through(fe, "/", { "x-client": "1.2.3.4" });
    const cleared = await json(d, work, TABLE_CLEAR);
    assert.deepEqual(cleared, { table: "rate_per_ip", key: "1.2.3.4", removed: 1 });

    const acl = await json(d, work, ACL_ENTRY);
    assert.equal(acl.persisted, false);
    assert.match(acl.note, /runtime-only/);
    const entries = await d.api("GET", "/api/runtime/acls/0/entries");
    assert.ok(entries.body.entries.includes("1.2.3.4"), entries.text);

    // A slow request held open through fe-https, then killed by its `show sess` id.
    const client = await Deno.connect({ hostname: "127.0.0.1", port: fe });
    try {
      await client.write(new TextEncoder().encode("GET /hold HTTP/1.1\r\nhost: t\r\n\r\n"));
      const src = `127.0.0.1:${(client.localAddr as Deno.NetAddr).port}`;
      let id = "";
      assert.ok(
        await waitFor(async () => {
          const res = await d.api("GET", "/api/runtime/sessions");
          id = res.body.sessions.find((s: any) => s.src === src)?.id ?? "";
          return id !== "";
        }),
        "the held request shows in /api/runtime/sessions",
      );
      const cut = await json(d, work, SESSION_SHUTDOWN.replace("0x7fabc", id));
      assert.deepEqual(cut, { id, shutdown: true });
      const after = await d.api("GET", "/api/runtime/sessions");
      assert.ok(!after.body.sessions.some((s: any) => s.id === id), after.text);
    } finally {
      client.close();
    }
  }, { stats: { intervalMs: 200 } });
});
