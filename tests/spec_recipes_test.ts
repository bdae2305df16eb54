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
import { through, waitFor } from "./support/daemon.ts";
import { bash, json, pythonWith, showInfo, withRecipeDaemon } from "./support/recipes.ts";

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
    // is out of reach, the recipe as written must fail cleanly with a 409 that says which
    // limit, and the same recipe with the hard value must work.
    const hard = Number((await showInfo(d)).match(/^Hard_maxconn: (\d+)$/m)?.[1]);
    assert.ok(hard > 0);
    if (hard >= 50000) {
      assert.equal((await json(d, work, MAXCONN_GLOBAL)).maxconn, 50000);
    } else {
      const refused = await bash(d, work, MAXCONN_GLOBAL);
      assert.equal(refused.code, 22, "curl -f: HTTP error");
      const res = await d.api("POST", "/api/runtime/maxconn/global", { max: 50000 });
      assert.equal(res.status, 409, res.text);
      assert.deepEqual(Object.keys(res.body), ["error"]);
      assert.match(res.body.error, new RegExp(`HAProxy's hard limit \\(${hard};`));
      assert.match(res.body.error, /haproxy\.global\.maxconn is not set/);
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

Deno.test("spec recipes - global maxconn above the state's haproxy.global.maxconn is a 409 naming it", async () => {
  await withRecipeDaemon(async ({ d, work }) => {
    // The seed state's global maxconn.
    const state = (await d.api("GET", "/api/state")).body;
    state.haproxy.global.maxconn = 4096;
    assert.equal((await d.api("PUT", "/api/state", state)).status, 200);
    const refused = await bash(d, work, MAXCONN_GLOBAL);
    assert.equal(refused.code, 22, "curl -f: HTTP error");
    const res = await d.api("POST", "/api/runtime/maxconn/global", { max: 50000 });
    assert.equal(res.status, 409, res.text);
    assert.deepEqual(Object.keys(res.body), ["error"]);
    assert.match(res.body.error, /^maxconn 50000 is above haproxy\.global\.maxconn \(4096\)/);
    assert.match(await showInfo(d), /^Maxconn: 4096$/m, "nothing changed");
    const audit = (await d.api("GET", "/api/audit?category=haproxy&limit=1")).body.entries[0];
    assert.equal(audit.action, "maxconn:global");
    assert.equal(audit.outcome, "failure");
    const within = MAXCONN_GLOBAL.replace('"max":50000', '"max":4000');
    assert.equal((await json(d, work, within)).maxconn, 4000);
    assert.match(await showInfo(d), /^Maxconn: 4000$/m);
  });
});

const STATS = String.raw`
curl -fs -H "Authorization: Bearer $PP_TOKEN" \
https://patchpanel.example.com:8099/api/stats
`;
const HISTORY = String.raw`
LAST=$(date +%s000 --date '1 minute ago') # epoch ms
curl -fs -H "Authorization: Bearer $PP_TOKEN" \
"https://patchpanel.example.com:8099/api/stats/history?since=$LAST"
`;
const SLOWEST = String.raw`
curl -fs -H "Authorization: Bearer $PP_TOKEN" \
"https://patchpanel.example.com:8099/api/stats/slowest-backends?limit=20"
`;
const HTTP_CODES = String.raw`
curl -fs -H "Authorization: Bearer $PP_TOKEN" \
https://patchpanel.example.com:8099/api/stats/http-codes
`;
const SESSIONS = String.raw`
curl -fs -H "Authorization: Bearer $PP_TOKEN" \
https://patchpanel.example.com:8099/api/stats/sessions
`;

Deno.test("spec recipes - observability scraping: stats, history since, slowest backends, http codes, sessions", async () => {
  await withRecipeDaemon(async ({ d, work, fe }) => {
    for (let i = 0; i < 3; i++) assert.equal((await through(fe)).status, 200);
    // Wait for a sample taken after the three requests (the first ones predate the state).
    const pool = (body: any) =>
      body.stat?.find((r: any) => r.pxname === "web-pool" && r.svname === "BACKEND");
    assert.ok(
      await waitFor(async () => pool((await d.api("GET", "/api/stats")).body)?.stot >= 3),
      "the sampler has a sample with the three requests",
    );
    const stats = await json(d, work, STATS);
    assert.equal(typeof stats.info, "object");
    assert.equal(stats.info.Name, "HAProxy");
    assert.ok(pool(stats).stot >= 3);

    const history = await json(d, work, HISTORY);
    const since = Date.now() - 61_000;
    assert.ok(history.samples.length >= 1, JSON.stringify(history).slice(0, 300));
    assert.ok(history.samples.every((s: any) => s.at >= since), "samples are since $LAST");

    const slowest = await json(d, work, SLOWEST);
    assert.ok(Array.isArray(slowest.backends));
    assert.ok(slowest.backends.length <= 20);
    assert.ok(slowest.backends.some((b: any) => b.backend === "web-pool"), JSON.stringify(slowest));

    const codes = await json(d, work, HTTP_CODES);
    assert.ok(codes.totals["2xx"] >= 3, JSON.stringify(codes));
    assert.deepEqual(Object.keys(codes.totals).sort(), [
      "1xx",
      "2xx",
      "3xx",
      "4xx",
      "5xx",
      "other",
    ]);
    assert.ok(Object.values(codes.totals).every((n) => typeof n === "number"));

    const sessions = await json(d, work, SESSIONS);
    assert.equal(typeof sessions.current, "number");
    assert.ok(Array.isArray(sessions.clients));
  }, { stats: { intervalMs: 200 } });
});

/**
 * The spec's "Prometheus scrape" exporter, token for token. The spec's text lost Python's
 * indentation; it is restored here (whitespace only), since Python needs it to run.
 */
const EXPORTER = String.raw`# patchpanel_exporter.py — sketch
import os, requests
from prometheus_client import start_http_server, Gauge
PP_HOST = os.environ["PP_HOST"]
PP_TOKEN = os.environ["PP_TOKEN"]
HEADERS = {"Authorization": f"Bearer {PP_TOKEN}"}
backend_rtime = Gauge("haproxy_backend_rtime_ms", "Average response time", ["backend"])
backend_qcur = Gauge("haproxy_backend_qcur", "Queued requests", ["backend"])
def collect():
    r = requests.get(f"{PP_HOST}/api/stats", headers=HEADERS, verify=False)
    r.raise_for_status()
    for row in r.json()["stat"]:
        if row.get("type") == "backend":
            backend_rtime.labels(backend=row["pxname"]).set(row.get("rtime", 0))
            backend_qcur.labels(backend=row["pxname"]).set(row.get("qcur", 0))
# Schedule collect() every 15s, expose on :9913
`;
/** Runs the sketch's collect() once (its comment leaves scheduling to the reader) and prints the registry. */
const EXPORTER_DRIVER = String.raw`
import runpy, sys
from prometheus_client import REGISTRY, generate_latest
runpy.run_path("patchpanel_exporter.py")["collect"]()
sys.stdout.write(generate_latest(REGISTRY).decode())
`;

/** prometheus_client's Gauge, labels().set() and generate_latest(), for a machine without it. */
const PROMETHEUS_STAND_IN = String.raw`
class _Registry:
    def __init__(self):
        self.gauges = []
REGISTRY = _Registry()
class _Child:
    def __init__(self):
        self.value = 0.0
    def set(self, v):
        self.value = float(v)
class Gauge:
    def __init__(self, name, doc, labelnames=()):
        self.name, self.labelnames, self.children = name, list(labelnames), {}
        REGISTRY.gauges.append(self)
    def labels(self, **kw):
        key = tuple(kw[n] for n in self.labelnames)
        return self.children.setdefault(key, _Child())
def start_http_server(port):
    pass
def generate_latest(registry):
    out = []
    for g in registry.gauges:
        for key, child in g.children.items():
            labels = ",".join('%s="%s"' % (n, v) for n, v in zip(g.labelnames, key))
            out.append("%s{%s} %r" % (g.name, labels, child.value))
    return ("\n".join(out) + "\n").encode()
`;

Deno.test("spec recipes - the Python Prometheus exporter exports its backend gauges", async () => {
  await withRecipeDaemon(async ({ d, work, fe }) => {
    assert.equal((await through(fe)).status, 200);
    const pool = (body: any) =>
      body.stat?.find((r: any) => r.pxname === "web-pool" && r.svname === "BACKEND");
    assert.ok(
      await waitFor(async () => pool((await d.api("GET", "/api/stats")).body)?.stot >= 1),
      "a sample with the request",
    );
    await Deno.writeTextFile(join(work, "patchpanel_exporter.py"), EXPORTER);
    await Deno.writeTextFile(join(work, "driver.py"), EXPORTER_DRIVER);
    // scripts/setup --test installs Debian's python3-prometheus-client; without it the
    // recipe runs against a stand-in module with the same Gauge API, said on stderr.
    let python = await pythonWith(["requests", "prometheus_client"]);
    if (!python) {
      python = await pythonWith(["requests"]);
      assert.ok(python, "python3 with requests");
      console.error("prometheus_client is not installed: the exporter runs on a stand-in");
      await Deno.writeTextFile(join(work, "prometheus_client.py"), PROMETHEUS_STAND_IN);
    }
    const run = await bash(d, work, `${python} driver.py`, { PP_HOST: d.url });
    assert.equal(run.code, 0, run.stderr);
    const gauges = run.stdout.split("\n").filter((l) =>
      /^haproxy_backend_(rtime_ms|qcur)\{/.test(l)
    );
    const backends = ["rate_per_ip", "slow", "web-pool"];
    for (const name of ["haproxy_backend_rtime_ms", "haproxy_backend_qcur"]) {
      const labels = gauges.filter((l) => l.startsWith(`${name}{`)).map((l) =>
        /backend="([^"]+)"/.exec(l)![1]
      ).sort();
      assert.deepEqual(labels, backends, `${name}: one gauge per backend\n${run.stdout}`);
    }
    assert.match(run.stdout, /^haproxy_backend_qcur\{backend="web-pool"\} 0\.0$/m);
    // The recipe reads the same rows the API serves: type as a word, for every kind of row.
    const rows = (await d.api("GET", "/api/stats")).body.stat;
    assert.deepEqual([...new Set(rows.map((r: any) => r.type))].sort(), [
      "backend",
      "frontend",
      "server",
    ]);
  }, { stats: { intervalMs: 200 } });
});

const AUDIT = String.raw`
curl -fs -H "Authorization: Bearer $PP_TOKEN" \
"https://patchpanel.example.com:8099/api/audit?limit=200&category=auth"
`;

Deno.test("spec recipes - audit log filtered by category", async () => {
  await withRecipeDaemon(async ({ d, work }) => {
    assert.equal((await d.login()).status, 200);
    assert.equal((await d.login("admin", "wrong-password-123")).status, 401);
    const { entries } = await json(d, work, AUDIT);
    assert.ok(entries.length >= 2, JSON.stringify(entries));
    assert.ok(entries.every((e: any) => e.category === "auth"), JSON.stringify(entries));
    assert.deepEqual(entries.slice(0, 2).map((e: any) => e.outcome), ["failure", "success"]);
  });
});

const SNAPSHOT_LIST = String.raw`
curl -fs -H "Authorization: Bearer $PP_TOKEN" \
https://patchpanel.example.com:8099/api/snapshots
`;
const SNAPSHOT_READ = String.raw`
curl -fs -H "Authorization: Bearer $PP_TOKEN" \
https://patchpanel.example.com:8099/api/snapshots/2026-05-17T12-34-56Z-abc1234
`;
const SNAPSHOT_RESTORE = String.raw`
curl -fs -X POST -H "Authorization: Bearer $PP_TOKEN" \
https://patchpanel.example.com:8099/api/snapshots/2026-05-17T12-34-56Z-abc1234/restore
`;
const EXAMPLE_SNAPSHOT = "2026-05-17T12-34-56Z-abc1234";

Deno.test("spec recipes - snapshots: list, read one, restore an older one", async () => {
  await withRecipeDaemon(async ({ d, work }) => {
    await json(d, work, SPINE);
    const { snapshots } = await json(d, work, SNAPSHOT_LIST);
    assert.ok(snapshots.length >= 2);
    const [newest, before] = snapshots;
    assert.deepEqual(Object.keys(newest).sort(), ["actor", "id", "reason", "snapshotAt"]);
    assert.match(newest.id, /^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}(\.\d{3})?Z-[0-9a-f]{7}$/);
    assert.ok(newest.id > before.id, "sortable by id, newest first");

    const one = await json(d, work, SNAPSHOT_READ.replace(EXAMPLE_SNAPSHOT, before.id));
    assert.deepEqual(Object.keys(one).sort(), ["actor", "id", "reason", "snapshotAt", "state"]);
    assert.deepEqual(one.state.acls[0].values, ["app.example.com"]);

    const restored = await json(d, work, SNAPSHOT_RESTORE.replace(EXAMPLE_SNAPSHOT, before.id));
    assert.deepEqual(restored.acls[0].values, ["app.example.com"]);
    assert.deepEqual((await d.api("GET", "/api/state")).body.acls[0].values, ["app.example.com"]);
    const latest = (await d.api("GET", "/api/snapshots")).body.snapshots[0];
    assert.equal(latest.reason, `restore:${before.id}`);
    const audit = (await d.api("GET", "/api/audit?category=state&limit=5")).body.entries;
    assert.ok(audit.some((e: any) => e.details?.reason === `restore:${before.id}`), audit);
  });
});

/** The spec's "Terraform-style state management" script; only 10.0.0.13 became 127.0.0.13. */
const TERRAFORM = String.raw`#!/usr/bin/env bash
set -euo pipefail
: "${"${PP_HOST:?}"}" "${"${PP_TOKEN:?}"}"
# 1. Snapshot-before
ROLLBACK_ID=$(curl -fs -H "Authorization: Bearer $PP_TOKEN" \
$PP_HOST/api/snapshots | jq -r '.snapshots[0].id')
# 2. Pull
curl -fs -H "Authorization: Bearer $PP_TOKEN" \
$PP_HOST/api/state > state.json
# 3. Patch (replace with your editor of choice)
jq '
.haproxy.backends[] |= (
if .id == "web-pool" then
.servers += [{name:"web-3", address:"127.0.0.13:443", weight:100}]
else . end
)
' state.json > state.next.json
# 4. Push
HTTP_CODE=$(curl -s -o response.json -w '%{http_code}' \
-X PUT -H "Authorization: Bearer $PP_TOKEN" \
-H 'content-type: application/json' \
-d @state.next.json \
$PP_HOST/api/state)
if [ "$HTTP_CODE" != "200" ]; then
echo "Apply failed (HTTP $HTTP_CODE):" >&2
cat response.json >&2
echo "" >&2
echo "Rolling back to snapshot $ROLLBACK_ID..." >&2
curl -fs -X POST -H "Authorization: Bearer $PP_TOKEN" \
"$PP_HOST/api/snapshots/$ROLLBACK_ID/restore"
exit 1
fi
`;

Deno.test("spec recipes - the Terraform-style script applies a change, and rolls back a refused one", async () => {
  await withRecipeDaemon(async ({ d, work }) => {
    await Deno.writeTextFile(join(work, "apply.sh"), TERRAFORM);
    const run = (script = "apply.sh") => bash(d, work, `bash ./${script}`, { PP_HOST: d.url });
    const ok = await run();
    assert.equal(ok.code, 0, ok.stderr);
    const pool = (state: any) => state.haproxy.backends.find((b: any) => b.id === "web-pool");
    const web3 = pool((await d.api("GET", "/api/state")).body).servers.find((s: any) =>
      s.name === "web-3"
    );
    assert.equal(web3.address, "127.0.0.13:443");
    assert.equal(web3.check, true, "the schema's default");

    // Refused runs: the same script again (web-3 exists: 422), and one whose jq step (the only
    // edit) adds a directive haproxy -c refuses (502). Each restores the snapshot it started from.
    const refusing = TERRAFORM.replace(
      '.servers += [{name:"web-3", address:"127.0.0.13:443", weight:100}]',
      '.rawDirectives += ["no-such-keyword"]',
    );
    assert.notEqual(refusing, TERRAFORM);
    await Deno.writeTextFile(join(work, "refused.sh"), refusing);
    for (const [script, status] of [["apply.sh", 422], ["refused.sh", 502]] as const) {
      const rollbackId = (await d.api("GET", "/api/snapshots")).body.snapshots[0].id;
      const failed = await run(script);
      assert.equal(failed.code, 1, `${script}: ${failed.stderr}`);
      assert.match(failed.stderr, new RegExp(`^Apply failed \\(HTTP ${status}\\):$`, "m"));
      assert.ok(failed.stderr.includes(`Rolling back to snapshot ${rollbackId}...`), failed.stderr);
      const body = JSON.parse(failed.stderr.split("\n")[1]);
      assert.ok(status === 422 ? Array.isArray(body.issues) : Array.isArray(body.hints), body);
      assert.equal(pool(JSON.parse(failed.stdout)).servers.length, 3, "restored state printed");
      // The snapshot is what runs already: the restore is an unchanged apply (no reload, no
      // new snapshot), audited with its reason.
      const latest = (await d.api("GET", "/api/snapshots")).body.snapshots[0];
      assert.equal(latest.id, rollbackId);
      const audit = (await d.api("GET", "/api/audit?category=state&limit=1")).body.entries[0];
      assert.deepEqual([audit.outcome, audit.details.reason], [
        "unchanged",
        `restore:${rollbackId}`,
      ]);
    }
    const after = pool((await d.api("GET", "/api/state")).body);
    assert.deepEqual(after.servers.map((s: any) => s.name), ["web-1", "web-2", "web-3"]);
    assert.deepEqual(after.rawDirectives, []);
  }, { security: { allowRawDirectives: true } }); // the refused run adds a raw directive
});
