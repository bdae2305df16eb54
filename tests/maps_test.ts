// deno-lint-ignore-file no-explicit-any
/**
 * State maps end to end, against a real HAProxy on loopback: a host → backend
 * map routes 1,000 Host names to 3 backends through one dynamic
 * `use_backend`; a runtime entry change reroutes one host without a reload
 * and is still there after a later apply and a daemon restart; a rule naming
 * a map the state does not have is a 422 at its path; an operator may write
 * `map(@name)` rules and map entries.
 *
 * @module
 */
import assert from "node:assert/strict";
import { freePort, startTestDaemon, type TestDaemon } from "./support/daemon.ts";
import { type NamedBackend, serveNamed } from "./support/live.ts";
import { runtime } from "../plugins/runtime/mod.ts";

const HOSTS = 1000;
const host = (i: number) => `host-${i}.test`;
const backendOf = (i: number) => `be-${i % 3}`;

/** One request with the given Host header on a fresh connection; the body (a backend's name). */
async function viaHost(port: number, name: string): Promise<string> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    const req = `GET / HTTP/1.1\r\nHost: ${name}\r\nConnection: close\r\n\r\n`;
    await conn.write(new TextEncoder().encode(req));
    const text = await new Response(conn.readable).text();
    const [head, body = ""] = text.split("\r\n\r\n");
    const status = head.split(" ")[1];
    return status === "200" ? body : `status ${status}`;
  } catch (error) {
    conn.close();
    throw error;
  }
}

function mapState(fe: number, backends: NamedBackend[]): any {
  return {
    version: 1,
    haproxy: {
      defaults: { mode: "http", timeouts: { connect: "2s", client: "10s", server: "10s" } },
      frontends: [{
        id: "fe",
        binds: [{ address: `127.0.0.1:${fe}` }],
        useBackends: [{ backend: "%[req.hdr(host),lower,map(@hosts,be-0)]" }],
        defaultBackend: "be-0",
      }],
      backends: backends.map((b) => ({
        id: b.name,
        servers: [{ name: "s", address: b.address, check: false }],
      })),
    },
    acls: [],
    maps: [{
      name: "hosts",
      entries: Array.from({ length: HOSTS }, (_, i) => ({ key: host(i), value: backendOf(i) })),
    }],
  };
}

async function reloads(d: TestDaemon): Promise<number> {
  const proc = await d.haproxy.showProc();
  assert.ok(proc);
  return proc.reloads;
}

Deno.test("maps - a host map routes 1,000 hosts to 3 backends; a runtime change reroutes one without a reload and survives a later apply and a restart", async () => {
  const backends = ["be-0", "be-1", "be-2"].map((n) => serveNamed(n));
  const fe = freePort();
  let d: TestDaemon | null = await startTestDaemon({
    plugins: [runtime()],
    state: mapState(fe, backends),
  });
  try {
    const cfg = await Deno.readTextFile(d.paths.cfg);
    assert.match(
      cfg,
      new RegExp(
        `use_backend %\\[req.hdr\\(host\\),lower,map\\(${d.paths.maps}/hosts.map,be-0\\)\\]`,
      ),
    );
    const file = await Deno.readTextFile(`${d.paths.maps}/hosts.map`);
    assert.equal(file.split("\n").filter(Boolean).length, HOSTS);

    // Every host reaches the backend its entry names: 1,000 fresh connections, 25 at a time.
    const wrong: string[] = [];
    const seen: Record<string, number> = {};
    for (let i = 0; i < HOSTS; i += 25) {
      const batch = Array.from({ length: Math.min(25, HOSTS - i) }, (_, k) => i + k);
      const got = await Promise.all(batch.map((j) => viaHost(fe, host(j))));
      got.forEach((body, k) => {
        seen[body] = (seen[body] ?? 0) + 1;
        if (body !== backendOf(batch[k])) wrong.push(`${host(batch[k])} → ${body}`);
      });
    }
    assert.deepEqual(wrong, []);
    assert.deepEqual(seen, { "be-0": 334, "be-1": 333, "be-2": 333 });
    assert.equal(await viaHost(fe, "unknown.test"), "be-0", "the map's default");

    const listed = await d.api("GET", "/api/runtime/maps");
    assert.equal(listed.status, 200);
    assert.deepEqual(listed.body.maps, [{
      name: "hosts",
      file: `${d.paths.maps}/hosts.map`,
      loaded: true,
      entryCount: HOSTS,
      runtimeEntryCount: HOSTS,
    }]);

    // host-1 → be-2 at run time: no reload, the file and the state follow.
    const before = await reloads(d);
    const operator = await d.mintToken("operator");
    const set = await d.api(
      "POST",
      "/api/runtime/maps/hosts/entries",
      {
        key: host(1),
        value: "be-2",
      },
      {},
      { as: operator },
    );
    assert.equal(set.status, 200, set.text);
    assert.equal(set.body.op, "set");
    assert.equal(set.body.loaded, true);
    assert.ok(set.body.snapshotId);
    assert.equal(await viaHost(fe, host(1)), "be-2");
    assert.equal(await reloads(d), before, "a runtime map change does not reload");
    const added = await d.api("POST", "/api/runtime/maps/hosts/entries", {
      key: "new.test",
      value: "be-1",
    });
    assert.equal(added.body.op, "add");
    assert.equal(await viaHost(fe, "new.test"), "be-1");
    const removed = await d.api("DELETE", "/api/runtime/maps/hosts/entries", { key: host(2) });
    assert.equal(removed.status, 200, removed.text);
    assert.equal(await viaHost(fe, host(2)), "be-0", "a removed key falls to the default");
    assert.equal(await reloads(d), before);
    const missing = await d.api("DELETE", "/api/runtime/maps/hosts/entries", { key: host(2) });
    assert.equal(missing.status, 404);
    const one = await d.api("GET", "/api/runtime/maps/hosts");
    const runtimeEntries = new Map(one.body.entries.map((e: any) => [e.key, e.value]));
    assert.equal(runtimeEntries.get(host(1)), "be-2");
    assert.equal(runtimeEntries.get("new.test"), "be-1");
    assert.equal(runtimeEntries.has(host(2)), false);
    const state = (await d.api("GET", "/api/state")).body;
    const entries = new Map(state.maps[0].entries.map((e: any) => [e.key, e.value]));
    assert.equal(entries.get(host(1)), "be-2");
    assert.equal(entries.get("new.test"), "be-1");
    assert.equal(entries.has(host(2)), false);
    assert.match(await Deno.readTextFile(`${d.paths.maps}/hosts.map`), /^host-1\.test be-2$/m);
    const actions = d.audit.list({ category: "haproxy", limit: 10 }).map((e) => e.action);
    assert.ok(actions.includes("map:set"), JSON.stringify(actions));

    // A later apply (another change) keeps the runtime entries.
    state.haproxy.defaults.timeouts.client = "11s";
    const put = await d.api("PUT", "/api/state", state);
    assert.equal(put.status, 200, put.text);
    assert.equal(await viaHost(fe, host(1)), "be-2");
    assert.equal(await viaHost(fe, "new.test"), "be-1");

    // A daemon restart (HAProxy reloaded onto state.json) keeps them too.
    const dataDir = d.dataDir;
    await d.stop({ haproxy: false });
    d = null;
    d = await startTestDaemon({ plugins: [runtime()], dataDir });
    assert.equal(await viaHost(fe, host(1)), "be-2");
    assert.equal(await viaHost(fe, host(2)), "be-0");
    assert.equal(await viaHost(fe, host(4)), "be-1");
  } finally {
    await d?.stop();
    for (const b of backends) await b.close();
  }
});

Deno.test("maps - a rule naming a map that is not in state.maps is a 422 at its path; an operator may write map(@name) rules", async () => {
  const backends = ["be-0", "be-1", "be-2"].map((n) => serveNamed(n));
  const fe = freePort();
  const d = await startTestDaemon({ plugins: [runtime()], state: mapState(fe, backends) });
  try {
    const state = (await d.api("GET", "/api/state")).body;
    const bad = structuredClone(state);
    bad.haproxy.frontends[0].useBackends[0].backend = "%[req.hdr(host),map(@nope,be-0)]";
    bad.haproxy.frontends[0].httpRequest = [{
      action: "set-header x-tier %[req.hdr(host),map_str(@tiers,none)]",
    }];
    const res = await d.api("PUT", "/api/state", bad);
    assert.equal(res.status, 422, res.text);
    const paths = res.body.issues.map((i: any) => i.path.join("."));
    assert.ok(paths.includes("haproxy.frontends.0.useBackends.0.backend"), paths.join(" "));
    assert.ok(paths.includes("haproxy.frontends.0.httpRequest.0.action"), paths.join(" "));
    assert.match(JSON.stringify(res.body.issues), /map '@nope', which is not in state.maps/);

    // With the map declared, an operator may add it and a rule using it.
    const operator = await d.mintToken("operator");
    const good = structuredClone(state);
    good.maps.push({ name: "tiers", entries: [{ key: "host-1.test", value: "gold" }] });
    good.haproxy.frontends[0].httpRequest = [{
      action: "set-header x-tier %[req.hdr(host),lower,map_str(@tiers,none)]",
    }];
    const ok = await d.api("PUT", "/api/state", good, {}, { as: operator });
    assert.equal(ok.status, 200, ok.text);
    assert.match(await Deno.readTextFile(d.paths.cfg), /map_str\(\/[^,]*\/maps\/tiers\.map,none\)/);

    // A map file path (not a state map) stays admin-only.
    const pathy = structuredClone(ok.body);
    pathy.haproxy.frontends[0].httpRequest[0].action =
      `set-header x-tier %[req.hdr(host),map_str(${d.paths.maps}/tiers.map,none)]`;
    const refused = await d.api("PUT", "/api/state", pathy, {}, { as: operator });
    assert.equal(refused.status, 403, refused.text);
  } finally {
    await d.stop();
    for (const b of backends) await b.close();
  }
});
