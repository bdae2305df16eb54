// deno-lint-ignore-file no-explicit-any
import assert from "node:assert/strict";
import { MAX_CHANGES, stateChanges } from "./changes.ts";
import { REDACTED, SecretRedactor } from "./redact.ts";

function base(): any {
  return {
    version: 1,
    haproxy: {
      global: { maxconn: 1000, logs: [], tune: {}, statsSockets: [], rawDirectives: [] },
      defaults: { mode: "http", timeouts: { connect: "5s", client: "30s", server: "30s" } },
      frontends: [{
        id: "fe",
        binds: [{ address: "127.0.0.1:8080", options: [] }],
        defaultBackend: "web-pool",
        httpRequest: [],
      }],
      backends: [{
        id: "web-pool",
        balance: { algorithm: "roundrobin" },
        servers: [
          { name: "web-1", address: "127.0.0.1:9001", weight: 10 },
          { name: "web-2", address: "127.0.0.1:9002", weight: 10 },
        ],
      }],
      stats: null,
      resolvers: [],
    },
    acls: [{ name: "is_beta", criterion: "hdr(x-beta)", flags: [], values: ["yes"] }],
    maps: [{ name: "hosts", entries: [{ key: "a.test", value: "web-pool" }] }],
    errorPages: [{ code: 503, body: "down" }],
  };
}

Deno.test("changes - a server's weight is named by backend and server, with both values", () => {
  const after = base();
  after.haproxy.backends[0].servers[0].weight = 20;
  assert.deepEqual(stateChanges(base(), after), {
    changes: [{
      op: "change",
      entity: "server web-pool/web-1",
      field: "weight",
      from: 10,
      to: 20,
    }],
    omitted: 0,
  });
});

Deno.test("changes - an identical document changes nothing", () => {
  assert.deepEqual(stateChanges(base(), base()), { changes: [], omitted: 0 });
});

Deno.test("changes - items pair by id, not position: reordering is no change, add and remove are", () => {
  const after = base();
  const servers = after.haproxy.backends[0].servers;
  after.haproxy.backends[0].servers = [
    servers[1],
    { name: "web-3", address: "127.0.0.1:9003" },
  ];
  after.haproxy.backends.unshift({ id: "api", servers: [] });
  assert.deepEqual(stateChanges(base(), after).changes, [
    { op: "add", entity: "backend api" },
    { op: "remove", entity: "server web-pool/web-1" },
    { op: "add", entity: "server web-pool/web-3" },
  ]);
});

Deno.test("changes - frontends, binds, global, defaults, acls, maps and error pages by their ids", () => {
  const after = base();
  after.haproxy.global.maxconn = 2000;
  after.haproxy.defaults.timeouts.client = "60s";
  after.haproxy.frontends[0].binds[0].options = ["accept-proxy"];
  after.haproxy.frontends[0].defaultBackend = "api";
  after.acls[0].values = ["yes", "on"];
  after.maps[0].entries[0].value = "api";
  after.maps[0].entries.push({ key: "b.test", value: "api" });
  after.errorPages[0].body = "back soon";
  after.errorPages.push({ code: 503, backends: ["api"], body: "api down" });
  after.haproxy.stats = { bind: "127.0.0.1:8404", uri: "/" };
  assert.deepEqual(stateChanges(base(), after).changes, [
    { op: "change", entity: "global", field: "maxconn", from: 1000, to: 2000 },
    { op: "change", entity: "defaults", field: "timeouts.client", from: "30s", to: "60s" },
    {
      op: "change",
      entity: "bind fe/127.0.0.1:8080",
      field: "options",
      from: "[]",
      to: '["accept-proxy"]',
    },
    { op: "change", entity: "frontend fe", field: "defaultBackend", from: "web-pool", to: "api" },
    { op: "change", entity: "stats", from: null, to: '{"bind":"127.0.0.1:8404","uri":"/"}' },
    { op: "change", entity: "acl is_beta", field: "values", from: '["yes"]', to: '["yes","on"]' },
    { op: "change", entity: "map hosts key a.test", field: "value", from: "web-pool", to: "api" },
    { op: "add", entity: "map hosts key b.test" },
    { op: "change", entity: "error page 503", field: "body", from: "down", to: "back soon" },
    { op: "add", entity: "error page 503 (backend api)" },
  ]);
});

Deno.test("changes - a field appearing or going is an add or remove of that field", () => {
  const after = base();
  after.haproxy.backends[0].healthCheck = { path: "/health" };
  delete after.haproxy.backends[0].servers[1].weight;
  assert.deepEqual(stateChanges(base(), after).changes, [
    { op: "remove", entity: "server web-pool/web-2", field: "weight", from: 10 },
    { op: "add", entity: "backend web-pool", field: "healthCheck", to: '{"path":"/health"}' },
  ]);
});

Deno.test("changes - a plugin's key is named by its JSON path, items by id", () => {
  const before = { ...base(), tls: { certs: [{ id: "app", domains: ["a.test"] }] } };
  const after = { ...base(), tls: { certs: [{ id: "app", domains: ["b.test"] }] }, geoip: {} };
  assert.deepEqual(stateChanges(before, after).changes, [
    {
      op: "change",
      entity: "tls.certs[app]",
      field: "domains",
      from: '["a.test"]',
      to: '["b.test"]',
    },
    { op: "add", entity: "geoip" },
  ]);
});

Deno.test("changes - bounded: the first items kept, the rest counted; long values cut", () => {
  const before = base();
  const after = base();
  for (let i = 0; i < 80; i++) {
    before.haproxy.backends[0].servers.push({ name: `s${i}`, address: "127.0.0.1:1", weight: 1 });
    after.haproxy.backends[0].servers.push({ name: `s${i}`, address: "127.0.0.1:1", weight: 2 });
  }
  const many = stateChanges(before, after);
  assert.equal(many.changes.length, MAX_CHANGES);
  assert.equal(many.omitted, 80 - MAX_CHANGES);
  assert.equal(many.changes[0].entity, "server web-pool/s0");

  const long = base();
  long.errorPages[0].body = "x".repeat(10_000);
  const cut = stateChanges(base(), long, { maxValue: 20 }).changes[0];
  assert.equal(cut.to, `${"x".repeat(20)}…`);
  const emoji = base();
  emoji.errorPages[0].body = `${"x".repeat(19)}😀😀`;
  assert.equal(stateChanges(base(), emoji, { maxValue: 20 }).changes[0].to, `${"x".repeat(19)}…`);
});

Deno.test("changes - a long list of words changes item by item, a short one whole", () => {
  const before = base();
  before.acls[0].values = Array.from({ length: 100 }, (_, i) => `v${i}`);
  const after = structuredClone(before);
  after.acls[0].values = [...before.acls[0].values.slice(1), "gold"];
  assert.deepEqual(stateChanges(before, after).changes, [
    { op: "remove", entity: "acl is_beta", field: "values[]", from: "v0" },
    { op: "add", entity: "acl is_beta", field: "values[]", to: "gold" },
  ]);
  // Only reordered: one change of the whole list, cut.
  const shuffled = structuredClone(before);
  shuffled.acls[0].values.reverse();
  const [whole] = stateChanges(before, shuffled).changes;
  assert.equal(whole.field, "values");
  assert.match(String(whole.to), /^\["v99","v98",.*…$/);
});

Deno.test("changes - a secret is never copied, alone or inside a changed object", () => {
  const secrets = new SecretRedactor(["notifications.channels.*.config.secret"]);
  const channel = (secret: string, url: string) => ({ id: "ops", config: { url, secret } });
  const before = { ...base(), notifications: { channels: [channel("old-s3cret", "http://a")] } };
  const after = { ...base(), notifications: { channels: [channel("new-s3cret", "http://a")] } };
  const changed = stateChanges(before, after, { secrets });
  assert.deepEqual(changed.changes, [{
    op: "change",
    entity: "notifications.channels[ops]",
    field: "config.secret",
    from: REDACTED,
    to: REDACTED,
  }]);
  // The channel list compared as one value (no ids), holding a secret: masked inside the JSON.
  const anon = (secret: string) => ({ notifications: { channels: [{ config: { secret } }] } });
  const whole = stateChanges(anon("old-s3cret"), anon("new-s3cret"), { secrets });
  const text = JSON.stringify(whole);
  assert.ok(!text.includes("s3cret"), text);
  assert.match(text, new RegExp(REDACTED));
});
