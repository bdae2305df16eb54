import assert from "node:assert/strict";
import { dataPaths } from "../paths.ts";
import { collisionCheck, collisionIssues, listenerKey, type OwnPlaces } from "./collisions.ts";
import { composeStateSchema, type State } from "./schema.ts";

const own: OwnPlaces = {
  paths: dataPaths("/var/lib/patchpanel"),
  cwd: "/var/lib/patchpanel",
  listen: "127.0.0.1:8099",
};
const plain = composeStateSchema({}, []);

/** A small valid state with `patch` merged into its haproxy key. */
function state(haproxy: Record<string, unknown> = {}, acls: unknown[] = []): State {
  return plain.parse({
    haproxy: {
      frontends: [{ id: "fe-http", binds: [{ address: "127.0.0.1:8080" }] }],
      stats: { bind: "127.0.0.1:8404" },
      ...haproxy,
    },
    acls,
  });
}

const paths = (s: State) => collisionIssues(s, own).map((i) => i.path.join("."));

Deno.test("collisions - a clean state, and sockets outside the data directory, pass", () => {
  assert.deepEqual(collisionIssues(state(), own), []);
  const ok = state({
    global: {
      statsSockets: [
        { kind: "unix", path: "/run/haproxy/extra.sock", level: "user" },
        { kind: "ipv4", host: "127.0.0.1", port: 9999 },
      ],
      logs: [{ target: "/dev/log" }],
      rawDirectives: ["stats socket /run/other.sock level user", "pidfile /run/haproxy.pid"],
    },
  });
  assert.deepEqual(collisionIssues(ok, own), []);
});

Deno.test("collisions - a stats socket at patchpanel's admin socket is refused at its path, naming it", () => {
  const s = state({
    global: { statsSockets: [{ kind: "unix", path: "/var/lib/patchpanel/admin.sock" }] },
  });
  const issues = collisionIssues(s, own);
  assert.equal(issues.length, 1);
  assert.deepEqual(issues[0].path, ["haproxy", "global", "statsSockets", 0, "path"]);
  assert.match(issues[0].message, /^stats socket 0 uses '\/var\/lib\/patchpanel\/admin\.sock'/);
  assert.match(
    issues[0].message,
    /patchpanel's admin socket \(\/var\/lib\/patchpanel\/admin\.sock\)/,
  );
});

Deno.test("collisions - every own file and directory is protected, however the path is spelled", () => {
  const sockets = [
    "/var/lib/patchpanel/master.sock",
    "/var/lib/patchpanel/state.json",
    "/var/lib/patchpanel//haproxy.cfg",
    "/var/lib/patchpanel/./haproxy.pid",
    "/var/lib/patchpanel/x/../audit.sqlite",
    "/var/lib/patchpanel/tls/new.sock",
    "/var/lib/patchpanel/acls/a.sock",
  ].map((path) => ({ kind: "unix", path }));
  const issues = collisionIssues(state({ global: { statsSockets: sockets } }), own);
  assert.equal(issues.length, sockets.length, JSON.stringify(issues, null, 1));
  const whats = issues.map((i) => /which is (.*?) \(/.exec(i.message)?.[1]);
  assert.deepEqual(whats, [
    "HAProxy's master CLI socket",
    "patchpanel's state.json",
    "the haproxy.cfg patchpanel renders",
    "HAProxy's pid file",
    "patchpanel's database",
    "patchpanel's TLS key pair directory",
    "patchpanel's ACL file directory",
  ]);
  // Elsewhere in the data directory is where sockets belong (confine.ts keeps them there).
  const elsewhere = [{ kind: "unix", path: "/var/lib/patchpanel/run/api.sock" }];
  assert.deepEqual(collisionIssues(state({ global: { statsSockets: elsewhere } }), own), []);
});

Deno.test("collisions - raw directives: stats socket, bind unix@ and relative paths, pidfile, log", () => {
  const s = state({
    global: {
      logs: [{ target: "/var/lib/patchpanel/admin.sock" }],
      rawDirectives: [
        "stats socket /var/lib/patchpanel/admin.sock level user",
        "pidfile /var/lib/patchpanel/state.json",
        "log /var/lib/patchpanel/master.sock local0",
      ],
    },
    frontends: [{
      id: "fe-http",
      binds: [{ address: "127.0.0.1:8080" }],
      rawDirectives: [
        "bind unix@./admin.sock",
        "bind 127.0.0.1:9001,/var/lib/patchpanel/tls/x.sock",
      ],
    }],
  });
  assert.deepEqual(paths(s), [
    "haproxy.global.logs.0.target",
    "haproxy.global.rawDirectives.0",
    "haproxy.global.rawDirectives.1",
    "haproxy.global.rawDirectives.2",
    "haproxy.frontends.0.rawDirectives.0",
    "haproxy.frontends.0.rawDirectives.1",
  ]);
});

Deno.test("collisions - files HAProxy reads may not be patchpanel's private ones", () => {
  const s = state({
    frontends: [{
      id: "fe-http",
      binds: [{ address: "127.0.0.1:8443", options: ["ssl crt /var/lib/patchpanel/tls/key.pem"] }],
      httpRequest: [{ action: "return status 200 file /var/lib/patchpanel/state.json" }],
      rawDirectives: ["errorfile 503 /var/lib/patchpanel/audit.sqlite"],
    }],
    backends: [{ id: "b", rawDirectives: ["errorfile 503 /etc/haproxy/errors/503.http"] }],
  });
  assert.deepEqual(paths(s), [
    "haproxy.frontends.0.binds.0.options.0",
    "haproxy.frontends.0.httpRequest.0.action",
    "haproxy.frontends.0.rawDirectives.0",
  ]);
  assert.match(collisionIssues(s, own)[0].message, /could serve patchpanel's private data/);
  // Files patchpanel keeps for HAProxy to read are fine to read.
  const reading = state({
    frontends: [{
      id: "fe-http",
      binds: [{ address: "127.0.0.1:8080" }],
      rawDirectives: [
        "http-request set-var(txn.x) str(1) if { src -f /var/lib/patchpanel/acls/a.lst }",
      ],
    }],
  });
  assert.deepEqual(paths(reading), []);
});

Deno.test("collisions - two listeners on one address and port, across binds, stats and sockets", () => {
  const s = state({
    global: {
      statsSockets: [{ kind: "ipv4", host: "127.0.0.1", port: 8404 }],
      rawDirectives: ["stats socket ipv4@0.0.0.0:7000 level user"],
    },
    frontends: [
      { id: "a", binds: [{ address: "127.0.0.1:8080" }, { address: "*:7000" }] },
      { id: "b", binds: [{ address: "127.0.0.1:8080" }, { address: "127.0.0.1:8099" }] },
      { id: "c", binds: [{ address: "127.0.0.1:8081" }], rawDirectives: ["bind 127.0.0.1:8081"] },
    ],
  });
  const issues = collisionIssues(s, own);
  // The later of two is refused; patchpanel's own listener always comes first.
  assert.deepEqual(issues.map((i) => i.path.join(".")), [
    "haproxy.stats.bind",
    "haproxy.frontends.0.binds.1.address",
    "haproxy.frontends.1.binds.0.address",
    "haproxy.frontends.1.binds.1.address",
    "haproxy.frontends.2.rawDirectives.0",
  ]);
  const [stats, wildcard, twice, ours, raw] = issues.map((i) => i.message);
  assert.match(stats, /^the stats listener listens on 127\.0\.0\.1:8404, as stats socket 0 does/);
  assert.match(wildcard, /listens on 0\.0\.0\.0:7000, as global raw directive 0 \(stats socket/);
  assert.match(twice, /^frontend b bind 0 listens on 127\.0\.0\.1:8080, as frontend a bind 0 does/);
  assert.match(ours, /as patchpanel's own HTTPS listener does/);
  assert.match(raw, /^frontend c raw directive 0 \(bind 127\.0\.0\.1:8081\) listens on/);
});

Deno.test("collisions - attach mode: the master socket configured outside the data directory", () => {
  const attach = { ...own, masterSocket: "/run/haproxy/master.sock" };
  const s = state({
    global: { statsSockets: [{ kind: "unix", path: "/run/haproxy/master.sock" }] },
  });
  assert.deepEqual(collisionIssues(s, own), []);
  assert.match(collisionIssues(s, attach)[0].message, /HAProxy's master CLI socket/);
});

Deno.test("listenerKey - wildcards, IPv6 brackets and prefixes fold to one key", () => {
  assert.equal(listenerKey("*:80"), "0.0.0.0:80");
  assert.equal(listenerKey(":80"), "0.0.0.0:80");
  assert.equal(listenerKey("ipv4@0.0.0.0:80"), "0.0.0.0:80");
  assert.equal(listenerKey("[::]:443"), ":::443");
  assert.equal(listenerKey(":::443"), ":::443");
  assert.equal(listenerKey("ipv6@[0:0:0:0:0:0:0:0]:443"), ":::443");
  assert.equal(listenerKey("[::1]:8404"), "::1:8404");
  assert.equal(listenerKey("127.0.0.1:080"), "127.0.0.1:80");
  assert.equal(listenerKey("/run/x.sock"), null);
  assert.equal(listenerKey("127.0.0.1:8000-8010"), null);
});

Deno.test("collisions - the composed schema refuses with Zod issues at the field", () => {
  const schema = composeStateSchema({}, [collisionCheck(own)]);
  const r = schema.safeParse({
    haproxy: {
      global: { statsSockets: [{ kind: "unix", path: "/var/lib/patchpanel/admin.sock" }] },
    },
  });
  assert.equal(r.success, false);
  const issue = r.error!.issues[0];
  assert.deepEqual(issue.path, ["haproxy", "global", "statsSockets", 0, "path"]);
  assert.equal(issue.code, "custom");
});
