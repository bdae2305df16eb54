import assert from "node:assert/strict";
import { dataPaths } from "../paths.ts";
import { type ActionFamily, actionKeywords, actionProblems } from "./actions.ts";
import { Confinement } from "./confine.ts";
import type { ConfineContext } from "./samples.ts";

const DATA = "/var/lib/pp-actions-test";
const ctx: ConfineContext = { confinement: new Confinement(dataPaths(DATA)), luaNames: new Set() };

/**
 * Actions as HAProxy 2.6's configuration.txt writes them (section 4.2 and its examples).
 * Rendered into one frontend, all of them pass HAProxy 2.6.12's parser (checked by hand
 * with `haproxy -c`; `normalize-uri` needs expose-experimental-directives, which is denied).
 */
const VALID: [ActionFamily, string][] = [
  ["http-request", "allow"],
  ["http-request", "deny"],
  ["http-request", "deny deny_status 403"],
  ["http-request", "deny status 429 content-type text/plain string slow-down hdr Retry-After 5"],
  ["http-request", "tarpit deny_status 500"],
  ["http-request", "reject"],
  ["http-request", "auth realm Gimme"],
  ["http-request", "add-header X-Via patchpanel"],
  ["http-request", "set-header X-Forwarded-Proto https"],
  ["http-request", "set-header X-Haproxy-Current-Date %T"],
  ["http-request", "set-header X-SSL-Client-DN %{+Q}[ssl_c_s_dn]"],
  ["http-request", "del-header X-Forwarded-For -m str"],
  ["http-request", "replace-header Cookie foo=([^;]*);(.*) foo=\\1;ip=%bi;\\2"],
  ["http-request", "replace-path (.*) /foo\\1"],
  ["http-request", "replace-uri ^http://(.*) https://\\1"],
  ["http-request", "replace-value X-Forwarded-For ^192\\.168\\.(.*)$ 172.16.\\1"],
  ["http-request", "set-path /%[hdr(host)]%[path]"],
  ["http-request", "set-query %[query,regsub(%3D,=,g)]"],
  ["http-request", "set-method POST"],
  ["http-request", "set-uri /x"],
  ["http-request", "redirect prefix /v2 code 302"],
  ["http-request", "redirect scheme https code 301 drop-query"],
  ["http-request", "redirect location /login set-cookie SEEN=1"],
  ["http-request", "return status 200 content-type text/plain string ok"],
  ["http-request", `return status 403 content-type text/plain lf-string "Denied %[src]"`],
  ["http-request", `return content-type image/x-icon file ${DATA}/pages/favicon.ico`],
  ["http-request", `return errorfile ${DATA}/errors/200.http`],
  ["http-request", "capture req.hdr(Host) len 64"],
  ["http-request", "track-sc0 src table be-sticky"],
  ["http-request", "track-sc1 req.hdr_ip(x-client) table app"],
  ["http-request", "sc-inc-gpc0(0)"],
  ["http-request", "sc-inc-gpc(1,2)"],
  ["http-request", "sc-set-gpt0(1) 1"],
  ["http-request", "set-var(txn.host) req.hdr(host)"],
  ["http-request", "set-var(txn.x,ifnotexists) str(a)"],
  ["http-request", "set-var-fmt(txn.from) %[src]:%[src_port]"],
  ["http-request", "unset-var(txn.host)"],
  ["http-request", "set-log-level silent"],
  ["http-request", "set-timeout server 5s"],
  ["http-request", "set-var(txn.ok) http_auth_bearer,jwt_verify(HS256,secret)"],
  [
    "http-request",
    `set-var(txn.ok) http_auth_bearer,jwt_verify(RS256,"${DATA}/trusted-cas/j.pem")`,
  ],
  ["http-request", "set-timeout tunnel req.hdr(x-t),map_int(" + DATA + "/maps/t.map)"],
  ["http-request", "set-src hdr(x-forwarded-for)"],
  ["http-request", "set-dst-port int(4000)"],
  ["http-request", "set-priority-class int(1)"],
  ["http-request", "normalize-uri path-strip-dotdot full"],
  ["http-request", "normalize-uri percent-to-uppercase"],
  ["http-request", "wait-for-body time 1s at-least 1k"],
  ["http-request", "wait-for-handshake"],
  ["http-request", "silent-drop"],
  ["http-request", "strict-mode on"],
  ["http-request", "early-hint Link </style.css>;rel=preload"],
  ["http-request", "use-service prometheus-exporter"],
  ["http-request", "cache-use my-cache"],
  ["http-request", "do-resolve(txn.myip,mydns,ipv4) hdr(Host),lower"],
  ["http-request", "disable-l7-retry"],
  ["http-request", `add-acl(${DATA}/acls/myhost.lst) %[req.hdr(X-Add-Acl-Key)]`],
  ["http-request", `set-map(${DATA}/maps/map.lst) %[src] %[req.hdr(X-Value)]`],
  ["http-request", "send-spoe-group engine group"],
  ["http-response", "set-header Strict-Transport-Security max-age=600"],
  ["http-response", "del-header Server"],
  ["http-response", "set-status 503 reason Maintenance"],
  ["http-response", "capture res.hdr(Server) id 0"],
  ["http-response", "cache-store my-cache"],
  ["http-response", "return status 500 content-type text/plain string oops"],
  ["http-after-response", "set-header X-Served-By pp"],
  ["tcp-request connection", "accept"],
  ["tcp-request connection", "reject"],
  ["tcp-request connection", "expect-proxy layer4"],
  ["tcp-request connection", "track-sc0 src"],
  ["tcp-request connection", "set-src src,ipmask(24)"],
  ["tcp-request content", "accept"],
  ["tcp-request content", "capture req.payload(0,6) len 6"],
  ["tcp-request content", "switch-mode http proto h2"],
  ["tcp-request content", "set-var(sess.x) req.len"],
  ["tcp-request session", "track-sc1 src"],
  ["tcp-request session", "reject"],
];

for (const [family, action] of VALID) {
  Deno.test(`actions - accepts ${family} ${action}`, () => {
    assert.deepEqual(actionProblems(family, action, ctx), []);
  });
}

/** Refused, with the words its message must contain. */
const REFUSED: [ActionFamily, string, RegExp][] = [
  ["http-request", "frobnicate", /unknown http-request action 'frobnicate'/],
  ["http-request", "accept", /unknown http-request action 'accept'/],
  ["tcp-request connection", "deny", /unknown tcp-request connection action/],
  ["http-response", "set-path /x", /unknown http-response action 'set-path'/],
  [
    "http-request",
    "return status 200 content-type text/plain file /etc/shadow",
    /file: path '\/etc\/shadow' resolves outside the data directory/,
  ],
  ["http-request", "return errorfile /etc/passwd", /errorfile: path '\/etc\/passwd'/],
  ["http-request", "deny status 403 lf-file /root/.ssh/id_rsa", /lf-file: path/],
  ["http-request", `return file ${DATA}/tls/key.pem`, /patchpanel's own files/],
  ["http-request", `return file ${DATA}/../../../etc/shadow`, /outside/],
  ["http-request", "return file relative.txt", /must be absolute/],
  ["http-request", "add-acl(/etc/hosts) %[src]", /add-acl: path '\/etc\/hosts'/],
  ["http-request", "set-map(map.lst) a b", /must be absolute/],
  ["http-request", "set-header X %[req.hdr(host),map(/etc/shadow)]", /map file of 'map'/],
  ["http-request", "set-var(txn.x) src,map_str(/etc/passwd,x)", /map file of 'map_str'/],
  ["http-request", "set-header X %[env(AWS_SECRET)]", /env\(\) fetch/],
  ["http-request", 'set-header X %[req.hdr(x),map("/etc/shadow")]', /map file of 'map'/],
  [
    "http-request",
    "set-var(txn.ok) http_auth_bearer,jwt_verify(RS256,/etc/ssl/private/k.pem)",
    /certificate of 'jwt_verify'/,
  ],
  ["http-request", "lua.exploit", /'lua.exploit' is not registered.*no Lua plugin/],
  ["http-request", "use-service lua.shell", /'lua.shell' is not registered/],
  ["http-request", "use-service my-thing", /unknown service 'my-thing'/],
  ["tcp-request content", "use-service prometheus-exporter", /http-request rules only/],
  ["http-request", "set-var(txn.x) lua.fetch", /'lua.fetch' is not registered/],
  ["http-request", "set-header X %[src,lua.conv]", /'lua.conv' is not registered/],
  ["http-request", "deny if TRUE", /unexpected argument 'if'/],
  ["http-request", "deny # comment", /'#'/],
  ["http-request", `return string "\${SECRET}"`, /environment variable/],
  ["http-request", "redirect code 301", /exactly one of location, prefix, scheme/],
  ["http-request", "redirect prefix /a code 999", /not one of 301/],
  ["http-request", "deny status abc", /not an HTTP status/],
  ["http-request", "set-header X-Only", /needs 2 argument/],
  ["http-request", "sc-inc-gpc0(7)", /0, 1 or 2/],
  ["http-request", "set-var(x) src", /not a variable name/],
  ["http-request", "allow(1)", /takes no argument in parentheses/],
  ["http-request", "wait-for-body", /exactly one of time/],
  ["http-request", "if TRUE", /needs an action before its condition/],
];

for (const [family, action, why] of REFUSED) {
  Deno.test(`actions - refuses ${family} ${action}`, () => {
    const problems = actionProblems(family, action, ctx);
    assert.ok(problems.some((p) => why.test(p)), JSON.stringify(problems));
  });
}

Deno.test("actions - a Lua name is accepted once an enabled Lua plugin registers it", () => {
  const withLua = { ...ctx, luaNames: new Set(["hello"]) };
  assert.deepEqual(actionProblems("http-request", "lua.hello", withLua), []);
  assert.deepEqual(actionProblems("http-request", "use-service lua.hello", withLua), []);
  assert.match(actionProblems("http-request", "lua.other", withLua)[0], /registered: lua.hello/);
});

Deno.test("actions - each family's keyword list follows the 2.6 documentation", () => {
  assert.ok(actionKeywords("http-request").includes("return"));
  assert.ok(!actionKeywords("http-response").includes("use-service"));
  assert.ok(actionKeywords("tcp-request content").includes("switch-mode"));
  assert.ok(!actionKeywords("tcp-request session").includes("capture"));
});
