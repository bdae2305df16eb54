// deno-lint-ignore-file no-explicit-any
import assert from "node:assert/strict";
import { dataPaths } from "../paths.ts";
import { composeStateSchema } from "./schema.ts";
import { confineCheck } from "./confine_check.ts";

const DATA = "/var/lib/pp-confine-check-test";
const GOLDEN_DIR = new URL("../../tests/golden/", import.meta.url).pathname;

function schema(allowRawDirectives: boolean, dataDir = DATA) {
  return composeStateSchema({}, [confineCheck({ paths: dataPaths(dataDir), allowRawDirectives })]);
}

function base(): any {
  return {
    haproxy: {
      frontends: [{
        id: "fe",
        binds: [{ address: "127.0.0.1:8080" }],
        defaultBackend: "be",
      }],
      backends: [{ id: "be", servers: [{ name: "s", address: "127.0.0.1:8081" }] }],
    },
    acls: [{ name: "a", criterion: "src", values: ["127.0.0.1"] }],
  };
}

function issues(state: unknown, allowRaw = false) {
  const r = schema(allowRaw).safeParse(state);
  return r.success ? [] : r.error.issues.map((i) => ({ path: i.path, message: i.message }));
}

/** Every field that reaches the cfg as a path: where it is, a bad value, a good value. */
const PATH_FIELDS: {
  field: string;
  path: (string | number)[];
  set: (s: any, v: string) => void;
  bad: string;
  good: string;
  raw?: boolean;
}[] = [
  {
    field: "global log target (unix socket)",
    path: ["haproxy", "global", "logs", 0, "target"],
    set: (s, v) => s.haproxy.global = { logs: [{ target: v }] },
    bad: "/var/run/docker.sock",
    good: "/dev/log",
  },
  {
    field: "global stats socket path",
    path: ["haproxy", "global", "statsSockets", 0, "path"],
    set: (s, v) => s.haproxy.global = { statsSockets: [{ kind: "unix", path: v }] },
    bad: "/etc/haproxy-evil.sock",
    good: `${DATA}/run/api.sock`,
  },
  {
    field: "stats socket over patchpanel's admin socket",
    path: ["haproxy", "global", "statsSockets", 0, "path"],
    set: (s, v) => s.haproxy.global = { statsSockets: [{ kind: "unix", path: v }] },
    bad: `${DATA}/admin.sock`,
    good: `${DATA}/run/other.sock`,
  },
  {
    field: "bind crt option",
    path: ["haproxy", "frontends", 0, "binds", 0, "options"],
    set: (s, v) => s.haproxy.frontends[0].binds[0].options = ["ssl", `crt ${v}`],
    bad: "/etc/ssl/private/site.pem",
    good: `${DATA}/byo-certs/site/fullchain.pem`,
  },
  {
    field: "bind ca-file option (separate words)",
    path: ["haproxy", "frontends", 0, "binds", 0, "options"],
    set: (s, v) => s.haproxy.frontends[0].binds[0].options = ["ca-file", v],
    bad: "/root/ca.pem",
    good: `${DATA}/trusted-cas/ca.pem`,
  },
  {
    field: "http-request return file",
    path: ["haproxy", "frontends", 0, "httpRequest", 0, "action"],
    set: (s, v) =>
      s.haproxy.frontends[0].httpRequest = [{
        action: `return status 200 content-type text/plain file ${v}`,
      }],
    bad: "/etc/shadow",
    good: `${DATA}/pages/ok.txt`,
  },
  {
    field: "http-request errorfile",
    path: ["haproxy", "frontends", 0, "httpRequest", 0, "action"],
    set: (s, v) => s.haproxy.frontends[0].httpRequest = [{ action: `deny errorfile ${v}` }],
    bad: `${DATA}/tls/key.pem`,
    good: `${DATA}/errors/403.http`,
  },
  {
    field: "http-request condition -f",
    path: ["haproxy", "frontends", 0, "httpRequest", 0, "cond"],
    set: (s, v) =>
      s.haproxy.frontends[0].httpRequest = [{ action: "deny", cond: `if { src -f ${v} }` }],
    bad: "/etc/passwd",
    good: `${DATA}/acls/deny.lst`,
  },
  {
    field: "tcp-request map file",
    path: ["haproxy", "frontends", 0, "tcpRequest", 0, "action"],
    set: (s, v) =>
      s.haproxy.frontends[0].tcpRequest = [{
        on: "content",
        action: `set-var(sess.t) src,map_ip(${v})`,
      }],
    bad: "/etc/hosts",
    good: `${DATA}/maps/tenants.map`,
  },
  {
    field: "use_backend condition -f",
    path: ["haproxy", "frontends", 0, "useBackends", 0, "cond"],
    set: (s, v) =>
      s.haproxy.frontends[0].useBackends = [{ backend: "be", cond: `if { hdr(host) -f ${v} }` }],
    bad: "/etc/hostname",
    good: `${DATA}/acls/hosts.lst`,
  },
  {
    field: "backend stick on map",
    path: ["haproxy", "backends", 0, "stickOn"],
    set: (s, v) => s.haproxy.backends[0].stickOn = `src,map_ip(${v})`,
    bad: "/etc/shadow",
    good: `${DATA}/maps/stick.map`,
  },
  {
    field: "ACL criterion map",
    path: ["acls", 0, "criterion"],
    set: (s, v) => s.acls[0].criterion = `hdr(host),map(${v})`,
    bad: "/etc/shadow",
    good: `${DATA}/maps/host.map`,
  },
  {
    field: "raw global pidfile",
    path: ["haproxy", "global", "rawDirectives", 0],
    set: (s, v) => s.haproxy.global = { rawDirectives: [`pidfile ${v}`] },
    bad: "/etc/cron.d/pp",
    good: `${DATA}/run/extra.pid`,
    raw: true,
  },
  {
    field: "raw backend errorfile",
    path: ["haproxy", "backends", 0, "rawDirectives", 0],
    set: (s, v) => s.haproxy.backends[0].rawDirectives = [`errorfile 503 ${v}`],
    bad: "/etc/shadow",
    good: `${DATA}/errors/503.http`,
    raw: true,
  },
  {
    field: "raw server ca-file",
    path: ["haproxy", "backends", 0, "rawDirectives", 0],
    set: (s, v) =>
      s.haproxy.backends[0].rawDirectives = [`server t 127.0.0.1:443 ssl ca-file ${v}`],
    bad: "/etc/ssl/certs/../private/x.pem",
    good: `${DATA}/trusted-cas/ca.pem`,
    raw: true,
  },
];

for (const f of PATH_FIELDS) {
  Deno.test(`confine check - ${f.field}: outside the data dir is a 422 at its path`, () => {
    const bad = base();
    f.set(bad, f.bad);
    const found = issues(bad, f.raw);
    assert.ok(
      found.some((i) => JSON.stringify(i.path) === JSON.stringify(f.path)),
      JSON.stringify(found),
    );
    const good = base();
    f.set(good, f.good);
    assert.deepEqual(issues(good, f.raw), []);
  });
}

Deno.test("confine check - raw directives are refused unless the host enables them", () => {
  const s = base();
  s.haproxy.global = { rawDirectives: ["hard-stop-after 30s"] };
  s.haproxy.backends[0].rawDirectives = ["http-reuse safe"];
  const off = issues(s, false);
  assert.deepEqual(off.map((i) => i.path), [
    ["haproxy", "global", "rawDirectives", 0],
    ["haproxy", "backends", 0, "rawDirectives", 0],
  ]);
  assert.match(off[0].message, /security\.allowRawDirectives/);
  assert.deepEqual(issues(s, true), []);
});

Deno.test("confine check - the lua-load RCE is refused with and without raw directives", () => {
  const s = base();
  s.acls.push({ name: "payload", criterion: "src", file: true, values: ['os.execute("id")'] });
  s.haproxy.global = { rawDirectives: [`lua-load ${DATA}/acls/payload.lst`] };
  assert.match(issues(s, false)[0].message, /raw directives are disabled/);
  assert.match(issues(s, true)[0].message, /'lua-load' is never allowed/);
});

Deno.test("confine check - option external-check is refused everywhere", () => {
  const s = base();
  s.haproxy.backends[0].options = ["external-check"];
  s.haproxy.defaults = { options: ["external-check"] };
  assert.deepEqual(issues(s).map((i) => i.path), [
    ["haproxy", "defaults", "options", 0],
    ["haproxy", "backends", 0, "options", 0],
  ]);
});

Deno.test("confine check - an action names its rule and its index", () => {
  const s = base();
  s.haproxy.frontends[0].httpRequest = [
    { action: "allow" },
    { action: "set-header X-A b" },
    { action: "exec /bin/sh" },
  ];
  const found = issues(s);
  assert.deepEqual(found.map((i) => i.path), [[
    "haproxy",
    "frontends",
    0,
    "httpRequest",
    2,
    "action",
  ]]);
  assert.match(found[0].message, /unknown http-request action 'exec'/);
});

Deno.test("confine check - ACL flags and values cannot smuggle a pattern file", () => {
  const s = base();
  s.acls[0].flags = ["-f etc"];
  s.acls.push({ name: "b", criterion: "src", values: ["-f", "/etc/shadow"] });
  assert.deepEqual(issues(s).map((i) => i.path), [["acls", 0, "flags", 0], [
    "acls",
    1,
    "values",
    0,
  ]]);
});

Deno.test("confine check - stick on conditions and ACL values are checked like the rest", () => {
  const s = base();
  s.haproxy.backends[0].stickOn = "src if { src -f /etc/passwd }";
  s.acls[0].values = ['"${AWS_SECRET}"'];
  s.haproxy.backends[0].balance = { algorithm: "hdr", args: ["host # x"] };
  assert.deepEqual(issues(s).map((i) => i.path), [
    ["haproxy", "backends", 0, "stickOn"],
    ["haproxy", "backends", 0, "balance", "args", 0],
    ["acls", 0, "values", 0],
  ]);
});

Deno.test("confine check - inspect-delay must be a time", () => {
  const s = base();
  s.haproxy.frontends[0].tcpRequest = [{ on: "inspect-delay", action: "5s if TRUE" }];
  assert.equal(issues(s).length, 1);
});

Deno.test("confine check - every golden state (real actions and raw lines) still validates", () => {
  const golden = schema(true, "/tmp/patchpanel-golden");
  const names = [...Deno.readDirSync(GOLDEN_DIR)].filter((e) => e.name.endsWith(".json"));
  assert.ok(names.length >= 8);
  for (const e of names) {
    const r = golden.safeParse(JSON.parse(Deno.readTextFileSync(`${GOLDEN_DIR}${e.name}`)));
    assert.ok(r.success, `${e.name}: ${JSON.stringify(!r.success && r.error.issues)}`);
  }
});
