// deno-lint-ignore-file no-explicit-any
/**
 * Files travel with a push. Node A uploads a BYO certificate and a TLS bind
 * serves it; after the push node B's own HAProxy presents the very same
 * certificate (fingerprint read over a real TLS connection to B). The
 * receiver refuses (422, naming it) a pushed state that names a file it
 * lacks, refuses a blob whose body does not match its SHA-256, answers
 * `GET` with the hash only (never a key), and takes raw inbound tokens only.
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
import { byoTls, servedCert, tlsPlugins } from "./support/tls.ts";
import { peers } from "../plugins/peers/mod.ts";

function tlsState(httpPort: number, tlsPort: number, backend: string) {
  const s = simpleState(httpPort, [{ name: "w", address: backend }]) as any;
  s.haproxy.frontends[0].binds.push({ address: `127.0.0.1:${tlsPort}`, tls: { certs: ["site"] } });
  return { ...s, tls: byoTls([{ id: "site", name: "site-cert", domains: ["site.test"] }]) };
}

Deno.test("peers - a BYO certificate uploaded on A is pushed with the state and served by B's HAProxy", async () => {
  const dir = await Deno.makeTempDir({ prefix: "pp-pki-" });
  const root = await makeRootCa(dir, "Peer-Root");
  const leaf = await root.server("site.test", ["site.test"]);
  const app = startBackend("app");
  const [httpA, tlsA, httpB, tlsB] = [freePort(), freePort(), freePort(), freePort()];
  const a = await startTestDaemon({ plugins: [...tlsPlugins(), peers()] });
  const b = await startTestDaemon({ plugins: [...tlsPlugins(), peers()] });
  try {
    const local = await b.api("PUT", "/api/node-config", {
      binds: { "fe-main/0": `127.0.0.1:${httpB}`, "fe-main/1": `127.0.0.1:${tlsB}` },
    });
    assert.equal(local.status, 200, local.text);
    const minted = await b.api("POST", "/api/peers/inbound-tokens", { label: "node-a" });
    const raw: string = minted.body.token;

    // Before anything is sent, B refuses a state naming a certificate it lacks, by name.
    const refused = await fetch(`${b.url}/api/peer/state`, {
      method: "POST",
      headers: { authorization: `Bearer ${raw}`, "content-type": "application/json" },
      body: JSON.stringify(tlsState(httpA, tlsA, app.address)),
    });
    const refusedBody = await refused.json();
    assert.equal(refused.status, 422, JSON.stringify(refusedBody));
    assert.match(refusedBody.error, /byo-cert 'site-cert' is missing on this node/);

    const added = await a.api("POST", "/api/peers", { url: b.url, name: "node-b", token: raw });
    assert.equal(added.status, 201, added.text);
    const up = await a.api("POST", "/api/byo-certs/upload", {
      name: "site-cert",
      fullchainPem: leaf.cert,
      privkeyPem: leaf.key,
    });
    assert.equal(up.status, 200, up.text);
    const put = await a.api("PUT", "/api/state", tlsState(httpA, tlsA, app.address));
    assert.equal(put.status, 200, put.text);

    const servedA = await servedCert(tlsA, "site.test");
    const converged = await waitFor(async () => (await through(httpB)).body === "app", 20_000);
    assert.ok(converged, "B applied the pushed state");
    const servedB = await servedCert(tlsB, "site.test");
    assert.equal(servedB.subject, "CN=site.test");
    assert.equal(servedB.fingerprint256, servedA.fingerprint256, "B serves A's certificate");

    // B's copy is listed by hash on the peer surface; no key ever comes back.
    const held = await fetch(`${b.url}/api/peer/blob/byo-cert/site-cert`, {
      headers: { authorization: `Bearer ${raw}` },
    });
    const heldText = await held.text();
    assert.equal(held.status, 200, heldText);
    assert.match(JSON.parse(heldText).sha256, /^[0-9a-f]{64}$/);
    assert.doesNotMatch(heldText, /PRIVATE KEY/);
    const audit = await b.api("GET", "/api/audit?category=cluster&limit=50");
    assert.ok(
      audit.body.entries.some((e: any) =>
        e.action === "blob-receive" && e.target === "byo-cert/site-cert" && e.outcome === "success"
      ),
      audit.text,
    );
    assert.doesNotMatch(audit.text, /PRIVATE KEY/);

    // A body that does not hash to its header is refused and stores nothing.
    const body = JSON.stringify({ fullchainPem: leaf.cert, privkeyPem: leaf.key });
    const tampered = await fetch(`${b.url}/api/peer/blob/byo-cert/other`, {
      method: "POST",
      headers: { authorization: `Bearer ${raw}`, "x-blob-sha256": "0".repeat(64) },
      body,
    });
    assert.equal(tampered.status, 400);
    await tampered.body?.cancel();
    const absent = await fetch(`${b.url}/api/peer/blob/byo-cert/other`, {
      headers: { authorization: `Bearer ${raw}` },
    });
    assert.equal(absent.status, 404);
    await absent.body?.cancel();

    // The peer surface takes raw inbound tokens only.
    const wrong = await fetch(`${b.url}/api/peer/blob/byo-cert/site-cert`, {
      headers: { authorization: `Bearer ${b.adminToken}` },
    });
    assert.equal(wrong.status, 401);
    await wrong.body?.cancel();
  } finally {
    await a.stop();
    await b.stop();
    await app.close();
    await Deno.remove(dir, { recursive: true });
  }
});
