// deno-lint-ignore-file no-explicit-any
/**
 * Every file a state references travels with a push and reaches B's
 * HAProxy, also when only the file changed. A certificate and a client CA
 * replaced under their names on A (same state, new bytes) are what B's
 * HAProxy presents and verifies with after the push, proved over real TLS
 * connections to B; a peer running the same state with an older
 * certificate file shows as drifted (naming the file) and sync-now repairs
 * it. A Lua plugin and an uploaded error page, installed on A only, are
 * what B's HAProxy runs after the push, proved by traffic through B.
 */
import assert from "node:assert/strict";
import {
  freePort,
  simpleState,
  startBackend,
  startTestDaemon,
  through,
  waitFor,
} from "./support/daemon.ts";
import { makeRootCa } from "./support/pki.ts";
import { byoTls, curlHttps, servedCert, tlsPlugins } from "./support/tls.ts";
import { echoBackend, luaState, send, withManifest } from "./support/lua.ts";
import { peers } from "../plugins/peers/mod.ts";
import { lua } from "../plugins/lua/mod.ts";

/** Pairs A → B: B mints an inbound token, A adds B as a peer with it. */
async function pair(a: any, b: any): Promise<string> {
  const minted = await b.api("POST", "/api/peers/inbound-tokens", { label: "node-a" });
  assert.equal(minted.status, 201, minted.text);
  const added = await a.api("POST", "/api/peers", {
    url: b.url,
    name: "node-b",
    token: minted.body.token,
  });
  assert.equal(added.status, 201, added.text);
  return added.body.id ?? added.body.peer?.id;
}

async function driftOf(a: any): Promise<any> {
  const drift = await a.api("GET", "/api/peers/drift");
  assert.equal(drift.status, 200, drift.text);
  return drift.body.peers[0];
}

/**
 * Waits until A's drift report says B is in sync. B's HAProxy serves a pushed config a moment
 * before B's apply commits the state (the check of the new worker's servers runs in between),
 * so traffic through B can converge before B's checksum does.
 */
function inSync(a: any): Promise<boolean> {
  return waitFor(async () => (await driftOf(a)).status === "in-sync", 20_000);
}

Deno.test("peers files - a certificate or CA replaced under its name on A reaches B's HAProxy; drift counts file hashes", async () => {
  const dir = await Deno.makeTempDir({ prefix: "pp-pki-" });
  const root = await makeRootCa(dir, "Peer-Root");
  const [first, second, third] = [
    await root.server("site.test", ["site.test"]),
    await root.server("site.test", ["site.test"]),
    await root.server("site.test", ["site.test"]),
  ];
  const oldClients = await makeRootCa(dir, "Old-Clients");
  const newClients = await makeRootCa(dir, "New-Clients");
  const [oldAlice, newAlice] = [await oldClients.client("alice"), await newClients.client("alice")];
  const app = startBackend("app");
  const [httpA, tlsA, mtlsA, httpB, tlsB, mtlsB] = Array.from({ length: 6 }, freePort);
  const a = await startTestDaemon({ plugins: [...tlsPlugins(), peers()] });
  const b = await startTestDaemon({ plugins: [...tlsPlugins(), peers()] });
  const upload = async (node: any, pem: { cert: string; key: string }) => {
    const up = await node.api("POST", "/api/byo-certs/upload", {
      name: "site-cert",
      fullchainPem: pem.cert,
      privkeyPem: pem.key,
    });
    assert.equal(up.status, 200, up.text);
  };
  const served = async (port: number) => (await servedCert(port, "site.test")).fingerprint256;
  const mtlsStatus = (port: number, who: { certPath: string; keyPath: string }) =>
    curlHttps("site.test", port, { caFile: root.certPath, cert: who.certPath, key: who.keyPath })
      .then((r) => r.status);
  try {
    const local = await b.api("PUT", "/api/node-config", {
      binds: {
        "fe-main/0": `127.0.0.1:${httpB}`,
        "fe-main/1": `127.0.0.1:${tlsB}`,
        "fe-main/2": `127.0.0.1:${mtlsB}`,
      },
    });
    assert.equal(local.status, 200, local.text);
    const peerId = await pair(a, b);

    await upload(a, first);
    const ca = await a.api("POST", "/api/trusted-cas/upload", {
      name: "clients",
      pem: oldClients.cert,
    });
    assert.equal(ca.status, 200, ca.text);
    const state = simpleState(httpA, [{ name: "w", address: app.address }]) as any;
    state.tls = byoTls([{ id: "site", name: "site-cert", domains: ["site.test"] }]);
    state.trustedCas = [{ name: "clients" }];
    state.haproxy.frontends[0].binds.push(
      { address: `127.0.0.1:${tlsA}`, tls: { certs: ["site"] } },
      {
        address: `127.0.0.1:${mtlsA}`,
        tls: { certs: ["site"], clientCa: "clients", verify: "required" },
      },
    );
    const put = await a.api("PUT", "/api/state", state);
    assert.equal(put.status, 200, put.text);
    const firstPrint = await served(tlsA);
    assert.ok(
      await waitFor(async () => (await through(httpB)).body === "app", 20_000),
      "B applied the pushed state",
    );
    assert.equal(await served(tlsB), firstPrint, "B serves A's certificate");
    assert.equal(await mtlsStatus(mtlsB, oldAlice), 200);
    assert.ok(await inSync(a), JSON.stringify(await driftOf(a)));

    // Same state on both, an older certificate file on B: drifted, naming the file only.
    await upload(b, second);
    assert.notEqual(await served(tlsB), firstPrint, "B's own upload is served on B");
    const drifted = await driftOf(a);
    assert.equal(drifted.status, "drifted", JSON.stringify(drifted));
    assert.equal(drifted.remoteChecksum, drifted.localChecksum, "the states are equal");
    assert.notEqual(drifted.remoteFiles, drifted.localFiles);
    assert.deepEqual(drifted.filesDiffer, ["byo-cert/site-cert"]);
    const synced = await a.api("POST", `/api/peers/${peerId}/sync-now`);
    assert.equal(synced.status, 200, synced.text);
    assert.equal(synced.body.ok, true, synced.text);
    assert.equal(await served(tlsB), firstPrint, "sync-now put A's certificate back on B");
    assert.ok(await inSync(a), JSON.stringify(await driftOf(a)));

    // A certificate replaced under its name on A: new bytes, same state, served by B.
    await upload(a, third);
    const thirdPrint = await served(tlsA);
    assert.notEqual(thirdPrint, firstPrint);
    assert.ok(
      await waitFor(async () => (await served(tlsB)) === thirdPrint, 20_000),
      "B's HAProxy serves the replaced certificate",
    );

    // A client CA replaced under its name on A: the cfg does not change, HAProxy must reload.
    const replaced = await a.api("POST", "/api/trusted-cas/upload", {
      name: "clients",
      pem: newClients.cert,
    });
    assert.equal(replaced.status, 200, replaced.text);
    assert.equal(await mtlsStatus(mtlsA, newAlice), 200, "A verifies with the new CA");
    assert.notEqual(await mtlsStatus(mtlsA, oldAlice), 200, "A no longer trusts the old CA");
    assert.ok(
      await waitFor(async () => (await mtlsStatus(mtlsB, newAlice)) === 200, 20_000),
      "B's HAProxy verifies client certificates with the replaced CA",
    );
    assert.notEqual(await mtlsStatus(mtlsB, oldAlice), 200, "B no longer trusts the old CA");
    assert.ok(await inSync(a), JSON.stringify(await driftOf(a)));
    assert.deepEqual((await driftOf(a)).filesDiffer, []);
  } finally {
    await a.stop();
    await b.stop();
    await app.close();
    await Deno.remove(dir, { recursive: true });
  }
});

const STAMP = `core.register_action("stamp", { "http-req" }, function(txn)
  txn.http:req_set_header("x-stamp", "from-a")
end)`;
const BODY = "<h1>from node A</h1>\n";
const PAGE = `HTTP/1.1 503 Service Unavailable\r\ncontent-type: text/html\r\n` +
  `content-length: ${BODY.length}\r\ncache-control: no-cache\r\nconnection: close\r\n\r\n${BODY}`;

Deno.test("peers files - a Lua plugin and an uploaded error page installed on A only are what B's HAProxy runs", async () => {
  const app = echoBackend("app", "x-stamp");
  const [webA, deadA, webB, deadB, nothing] = Array.from({ length: 5 }, freePort);
  const a = await startTestDaemon({ plugins: [lua(), peers()] });
  const b = await startTestDaemon({ plugins: [lua(), peers()] });
  try {
    const local = await b.api("PUT", "/api/node-config", {
      binds: { "web/0": `127.0.0.1:${webB}`, "dead/0": `127.0.0.1:${deadB}` },
    });
    assert.equal(local.status, 200, local.text);
    await pair(a, b);

    const manifest = {
      name: "stamp",
      version: "1",
      registers: [{ kind: "action", name: "stamp" }],
    };
    const up = await a.api("POST", "/api/lua-plugins", {
      name: "stamp",
      script: withManifest(manifest, STAMP),
    });
    assert.equal(up.status, 200, up.text);
    const page = await a.api("POST", "/api/error-pages/503", PAGE, {
      "content-type": "message/http",
    });
    assert.equal(page.status, 200, page.text);

    const state = luaState(
      [{ id: "web", port: webA, rules: ["lua.stamp"] }],
      app.address,
      [{ name: "stamp" }],
    );
    state.haproxy.frontends.push({
      id: "dead",
      binds: [{ address: `127.0.0.1:${deadA}` }],
      defaultBackend: "gone",
    });
    state.haproxy.backends.push({
      id: "gone",
      servers: [{ name: "s", address: `127.0.0.1:${nothing}`, check: true }],
    });
    state.errorPages = [{ code: 503, upload: true }];
    const put = await a.api("PUT", "/api/state", state);
    assert.equal(put.status, 200, put.text);
    assert.equal((await send(webA)).body, "app from-a");

    assert.ok(
      await waitFor(async () => (await send(webB)).body === "app from-a", 20_000),
      "B runs A's Lua plugin",
    );
    assert.ok(
      await waitFor(async () => (await through(deadB)).body === BODY, 20_000),
      "B's HAProxy answers with A's uploaded error page",
    );
    const plugins = await b.api("GET", "/api/lua-plugins");
    assert.deepEqual(plugins.body.plugins.map((p: any) => [p.name, p.hash]), [[
      "stamp",
      up.body.hash,
    ]]);
    const pages = await b.api("GET", "/api/error-pages/503");
    assert.equal(pages.text, PAGE);
    const audit = await b.api("GET", "/api/audit?category=cluster&limit=50");
    const received = audit.body.entries.filter((e: any) => e.action === "blob-receive")
      .map((e: any) => e.target).sort();
    assert.deepEqual(received, ["error-page/503", "lua-plugin/stamp"]);
    assert.ok(await inSync(a), JSON.stringify(await driftOf(a)));
  } finally {
    await a.stop();
    await b.stop();
    await app.close();
  }
});
