import assert from "node:assert/strict";
import { checkConfig } from "./check.ts";
import { type HintEntity, parseHints } from "./hints.ts";
import { HAPROXY_BIN, layout } from "./test_support.ts";

const FIXTURES = new URL("./testdata/", import.meta.url);
// The fixtures were captured from HAProxy 2.6.12 checking these paths.
const PARSE_CFG = "/tmp/patchpanel-fixture/parse_error.cfg";
const SEMANTIC_CFG = "/tmp/patchpanel-fixture/semantic_error.cfg";

const lineMap: Record<number, HintEntity> = {
  11: { kind: "frontend", id: "fe_main" },
  16: { kind: "backend", id: "be_app" },
};
const byLine = (line: number) => lineMap[line] ?? null;

Deno.test("parseHints - maps located alerts of a captured -c run to entities", async () => {
  const output = await Deno.readTextFile(new URL("parse_error.out", FIXTURES));
  const hints = parseHints(output, PARSE_CFG, byLine);
  assert.deepEqual(hints, [
    {
      severity: "error",
      line: 11,
      message: "unknown keyword 'bogus_keyword' in 'frontend' section",
      entity: { kind: "frontend", id: "fe_main" },
    },
    {
      severity: "error",
      line: 16,
      message:
        "balance only supports 'roundrobin', 'static-rr', 'leastconn', 'source', 'uri', 'url_param', 'hdr(name)' and 'rdp-cookie(name)' options.",
      entity: { kind: "backend", id: "be_app" },
    },
  ]);
});

Deno.test("parseHints - line-less messages keep line null and join continuations", async () => {
  const output = await Deno.readTextFile(new URL("semantic_error.out", FIXTURES));
  const hints = parseHints(output, SEMANTIC_CFG, byLine, (name) => ({ kind: "proxy", id: name }));
  assert.equal(hints.length, 3);
  // The message names the missing backend: that is the entity to fix; the proxy stays aside.
  assert.deepEqual(hints[0], {
    severity: "error",
    line: null,
    message: "Proxy 'fe_main': unable to find required use_backend: 'be_missing'.",
    entity: { kind: "backend", id: "be_missing", name: "be_missing" },
    proxy: "fe_main",
  });
  assert.equal(hints[1].severity, "warning");
  assert.deepEqual(hints[1].entity, { kind: "proxy", id: "fe_main" });
  assert.equal(hints[2].proxy, "be_app");
  assert.match(hints[1].message, /^missing timeouts for frontend 'fe_main'\.\nWhile not properly/);
  assert.equal(parseHints(output, SEMANTIC_CFG, byLine)[1].entity, null);
});

Deno.test("parseHints - a captured reload failure is one hint, without the Paused/Resumed notices", async () => {
  // HAProxy 2.6.12: master reload with the new cfg's bind (line 9) on a port already taken.
  const output = await Deno.readTextFile(new URL("reload_bind_failure.out", FIXTURES));
  assert.equal(output.match(/\[WARNING\]/g)?.length, 7, "the fixture has the notices");
  const hints = parseHints(
    output,
    "/tmp/patchpanel-fixture/reload_bind.cfg",
    (line) => line === 9 ? { kind: "bind", id: "fe-http/0" } : null,
  );
  assert.deepEqual(hints, [{
    severity: "error",
    line: 9,
    message:
      "Binding [/tmp/patchpanel-fixture/reload_bind.cfg:9] for frontend fe-http: cannot bind socket (Address already in use) for [127.0.0.1:18090]",
    entity: { kind: "bind", id: "fe-http/0" },
  }]);
});

Deno.test("parseHints - 'no such ACL' names the ACL, not the frontend of the line", async () => {
  const output = await Deno.readTextFile(new URL("no_such_acl.out", FIXTURES));
  const hints = parseHints(
    output,
    "/tmp/patchpanel-fixture/no_such_acl.cfg",
    () => ({ kind: "frontend", id: "fe-http" }),
  );
  assert.equal(hints.length, 1);
  assert.equal(hints[0].line, 9);
  assert.deepEqual(hints[0].entity, { kind: "acl", id: "host_typo", name: "host_typo" });
  assert.match(hints[0].message, /no such ACL : 'host_typo'/);
});

Deno.test("parseHints - errors come before warnings, one hint per alert or warning", async () => {
  // Captured: a parse warning (line 8), then an alert, then another warning.
  const output = await Deno.readTextFile(new URL("mixed_order.out", FIXTURES));
  const hints = parseHints(output, "/tmp/patchpanel-fixture/mixed_order.cfg", byLine);
  assert.deepEqual(hints.map((h) => [h.severity, h.line]), [
    ["error", null],
    ["warning", 8],
    ["warning", null],
  ]);
  assert.deepEqual(hints[0].entity, { kind: "backend", id: "be-missing", name: "be-missing" });
  assert.match(hints[1].message, /^'option httplog' not usable with frontend 'fe-http'/);
});

Deno.test("parseHints - a repeated message is one hint; a restating summary alone is kept", () => {
  const twice = [
    "[ALERT]    (1) : config : something broke",
    "[ALERT]    (1) : config : something broke",
  ].join("\n");
  assert.equal(parseHints(twice, "/x.cfg", byLine).length, 1);
  const alone =
    "[ALERT]    (1) : [haproxy.main()] Some protocols failed to start their listeners! Exiting.";
  assert.equal(parseHints(alone, "/x.cfg", byLine).length, 1);
});

Deno.test("parseHints - only lines of the checked file get entities", () => {
  const output = [
    "[ALERT]    (1) : config : parsing [/etc/other.cfg:11] : unknown keyword 'x'",
    "[ALERT]    (1) : Binding [/srv/h.cfg:11] for frontend fe: cannot bind socket (Address already in use) for [127.0.0.1:80]",
    "[WARNING]  (1) : config : something without a place",
  ].join("\n");
  const hints = parseHints(output, "/srv/h.cfg", byLine);
  assert.deepEqual(hints[0].entity, null);
  assert.equal(hints[0].file, "/etc/other.cfg");
  assert.equal(hints[0].line, 11);
  assert.deepEqual(hints[1].entity, { kind: "frontend", id: "fe_main" });
  assert.match(hints[1].message, /^Binding \[\/srv\/h\.cfg:11\] for frontend fe: cannot bind/);
  assert.deepEqual(hints[2], {
    severity: "warning",
    line: null,
    message: "something without a place",
    entity: null,
  });
});

Deno.test("parseHints - live haproxy -c output names the entity of the bad line", async () => {
  const l = await layout();
  const cfg = [
    "defaults",
    "  mode http",
    "  timeout connect 1s",
    "  timeout client 1s",
    "  timeout server 1s",
    "frontend fe_main",
    "  bind 127.0.0.1:1",
    "  acl host_typo hdr(host) -i example.com",
    "  http-request deny if host_tpyo",
    "",
  ].join("\n");
  await Deno.writeTextFile(l.cfgPath, cfg);
  const res = await checkConfig(HAPROXY_BIN, l.cfgPath);
  assert.equal(res.ok, false);
  const hints = parseHints(
    res.output,
    l.cfgPath,
    (line) => line === 9 ? { kind: "rule", id: "fe_main/deny-0" } : null,
  );
  const located = hints.filter((h) => h.line !== null);
  assert.ok(located.length >= 1, res.output);
  // The rule's line is 9, but the message names the ACL: that is the entity at fault.
  assert.equal(located[0].line, 9);
  assert.deepEqual(located[0].entity, { kind: "acl", id: "host_tpyo", name: "host_tpyo" });
  assert.equal(located[0].severity, "error");
  assert.match(located[0].message, /host_tpyo/);
  await Deno.remove(l.dir, { recursive: true });
});
