// deno-lint-ignore-file no-explicit-any
/**
 * Servers resolved through a `resolvers` section, against a DNS responder
 * the test runs on a loopback port (tests/support/dns.ts): names are under
 * `.test` and `init-addr none`, so neither `haproxy -c` nor HAProxy ever
 * asks the host's resolver. A server follows its record when it changes,
 * `show resolvers` is served parsed, an address change of such a server
 * falls back to a reload, and a DNS name without resolvers is a 422.
 *
 * @module
 */
import assert from "node:assert/strict";
import { freePort, startTestDaemon, through, waitFor } from "./support/daemon.ts";
import { startTestDns } from "./support/dns.ts";
import { runtime } from "../plugins/runtime/mod.ts";

function serve(hostname: string, port: number, name: string) {
  return Deno.serve({ hostname, port, onListen: () => {} }, () => new Response(name));
}

function state(fe: number, dns: string, address: string, server: Record<string, unknown> = {}) {
  return {
    version: 1,
    haproxy: {
      defaults: { mode: "http", timeouts: { connect: "1s", client: "5s", server: "5s" } },
      frontends: [{ id: "fe", binds: [{ address: `127.0.0.1:${fe}` }], defaultBackend: "app" }],
      backends: [{
        id: "app",
        servers: [{
          name: "s1",
          address,
          check: false,
          resolvers: "testdns",
          initAddr: ["last", "none"],
          resolvePrefer: "ipv4",
          ...server,
        }],
      }],
      resolvers: [{
        id: "testdns",
        nameservers: [{ name: "ns1", address: dns }],
        acceptedPayloadSize: 1232,
        resolveRetries: 2,
        hold: { valid: "1s", nx: "1s", other: "1s" },
        timeouts: { resolve: "200ms", retry: "200ms" },
      }],
    },
  };
}

Deno.test("resolvers - a server follows its DNS record; show resolvers is parsed", async () => {
  const port = freePort();
  const one = serve("127.0.0.1", port, "one");
  const two = serve("127.0.0.2", port, "two");
  const dns = startTestDns({ "app.test": "127.0.0.1" });
  const fe = freePort();
  const d = await startTestDaemon({
    plugins: [runtime()],
    state: state(fe, dns.address, `app.test:${port}`),
  });
  try {
    const cfg = await Deno.readTextFile(`${d.dataDir}/haproxy.cfg`);
    assert.match(cfg, /^resolvers testdns$/m);
    assert.match(cfg, new RegExp(`nameserver ns1 ${dns.address}`));
    assert.match(
      cfg,
      /server s1 app\.test:\d+ .*resolvers testdns resolve-prefer ipv4 init-addr last,none/,
    );
    assert.ok(
      await waitFor(async () => (await through(fe)).body === "one", 10_000),
      "never served by the first address",
    );
    dns.set("app.test", "127.0.0.2");
    assert.ok(
      await waitFor(async () => (await through(fe)).body === "two", 10_000),
      "the server did not follow its record",
    );
    const viewer = await d.mintToken("viewer");
    const res = await d.api("GET", "/api/runtime/resolvers", undefined, {}, { as: viewer });
    assert.equal(res.status, 200, res.text);
    const section = res.body.resolvers.find((r: any) => r.id === "testdns");
    assert.ok(section, res.text);
    assert.equal(section.nameservers[0].name, "ns1");
    assert.ok(section.nameservers[0].counters.valid >= 2, res.text);
    assert.ok(dns.queries >= 2);

    // Moving such a server to another name reloads (HAProxy owns its address at run time).
    dns.set("other.test", "127.0.0.1");
    const put = await d.api("PUT", "/api/state", state(fe, dns.address, `other.test:${port}`));
    assert.equal(put.status, 200, put.text);
    assert.equal(put.headers.get("patchpanel-apply"), "reload");
    assert.ok(await waitFor(async () => (await through(fe)).body === "one", 10_000));
  } finally {
    await d.stop();
    dns.close();
    await one.shutdown();
    await two.shutdown();
  }
});

Deno.test("resolvers - references are checked; operators may not change name servers", async () => {
  const fe = freePort();
  const dns = startTestDns();
  const d = await startTestDaemon({ state: state(fe, dns.address, "127.0.0.1:9") });
  try {
    const noResolvers = await d.api(
      "PUT",
      "/api/state",
      state(fe, dns.address, "app.test:80", { resolvers: undefined, initAddr: undefined }),
    );
    assert.equal(noResolvers.status, 422, noResolvers.text);
    assert.ok(noResolvers.text.includes("is a DNS name"), noResolvers.text);
    assert.deepEqual(noResolvers.body.issues[0].path, [
      "haproxy",
      "backends",
      0,
      "servers",
      0,
      "address",
    ]);
    const missing = await d.api(
      "PUT",
      "/api/state",
      state(fe, dns.address, "app.test:80", { resolvers: "nope" }),
    );
    assert.equal(missing.status, 422);
    assert.ok(missing.text.includes("'nope' is not in haproxy.resolvers"), missing.text);
    const hostname = await d.api("PUT", "/api/state", state(fe, "ns.example.test:53", "a.test:1"));
    assert.equal(hostname.status, 422);

    const operator = await d.mintToken("operator");
    const moved = state(fe, "127.0.0.1:5353", "127.0.0.1:9");
    const refused = await d.api("PUT", "/api/state", moved, {}, { as: operator });
    assert.equal(refused.status, 403, refused.text);
    assert.ok(refused.body.paths.some((p: string) => p.startsWith("haproxy.resolvers")));
    const own = await d.api(
      "PUT",
      "/api/state",
      state(fe, dns.address, "app.test:80", { initAddr: ["none"] }),
      {},
      { as: operator },
    );
    assert.equal(own.status, 200, own.text);
  } finally {
    await d.stop();
    dns.close();
  }
});
