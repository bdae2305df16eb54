import assert from "node:assert/strict";
import { dataPaths } from "../paths.ts";
import { Confinement } from "./confine.ts";
import { rawDirectiveProblems } from "./directives.ts";
import type { ConfineContext } from "./samples.ts";

const DATA = "/var/lib/pp-directives-test";
const ctx: ConfineContext = { confinement: new Confinement(dataPaths(DATA)), luaNames: new Set() };

/** Raw lines an admin may use once raw directives are enabled. */
const ALLOWED = [
  "ssl-default-bind-options ssl-min-ver TLSv1.2",
  "tune.ssl.cachesize 20000",
  "hard-stop-after 30s",
  "option http-keep-alive",
  "timeout http-request 5s",
  "capture request header Host len 64",
  "http-response set-header X-Frame-Options DENY",
  "http-response del-header Server",
  "compression algo gzip",
  "http-reuse safe",
  "cookie SRV insert indirect nocache",
  "balance leastconn",
  "default-server inter 3s",
  "log /dev/log local0",
  `errorfile 503 ${DATA}/errors/503.http`,
  "http-request deny if { src 10.0.0.0/8 }",
  "tcp-request content accept if HTTP",
  `acl blocked src -f ${DATA}/acls/blocked.lst`,
  `server s1 127.0.0.1:443 ssl ca-file ${DATA}/trusted-cas/ca.pem`,
  "stats timeout 30s",
  `bind unix@${DATA}/run/extra.sock`,
  "bind 127.0.0.1:8443 ssl crt " + DATA + "/byo-certs/site/fullchain.pem",
  "server s2 127.0.0.1:8080 check",
];

for (const line of ALLOWED) {
  Deno.test(`raw directives - allows '${line}'`, () => {
    assert.deepEqual(rawDirectiveProblems(line, ctx), []);
  });
}

/** Lines refused even with raw directives enabled, and what the message names. */
const DENIED: [string, RegExp][] = [
  [`lua-load ${DATA}/acls/x.lst`, /'lua-load' is never allowed/],
  ["lua-load-per-thread /tmp/x.lua", /'lua-load-per-thread' is never allowed/],
  ["lua-prepend-path /tmp/?.lua", /never allowed/],
  ["insecure-fork-wanted", /'insecure-fork-wanted' is never allowed/],
  ["external-check command /bin/true", /'external-check' is never allowed/],
  ["external-check path /bin", /'external-check' is never allowed/],
  ["option external-check", /'option external-check' is never allowed/],
  ["setenv X 1", /'setenv' is never allowed/],
  ["presetenv X 1", /'presetenv'/],
  ["resetenv", /'resetenv'/],
  ["unsetenv X", /'unsetenv'/],
  [`stats socket ${DATA}/run/x.sock level admin`, /'stats socket' is never allowed/],
  ["chroot /", /'chroot'/],
  ["user root", /'user'/],
  ["group root", /'group'/],
  ["uid 0", /'uid'/],
  ["gid 0", /'gid'/],
  ["ssl-engine rdrand", /'ssl-engine'/],
  ["program evil", /may not open a 'program' section/],
  ["backend other", /may not open a 'backend' section/],
  [".if defined(X)", /conditional blocks/],
  ["errorfile 503 /etc/shadow", /errorfile: path '\/etc\/shadow' resolves outside/],
  ["pidfile /etc/cron.d/x", /pidfile: path/],
  ["log /var/run/docker.sock local0", /log address/],
  ["http-request return status 200 content-type t file /etc/shadow", /outside the data dir/],
  ["http-request lua.x", /'lua.x' is not registered/],
  ["http-response frob", /unknown http-response action 'frob'/],
  ["tcp-request content use-service lua.y", /'lua.y' is not registered/],
  ["acl leak src -f /etc/passwd", /ACL pattern file \(-f\): path '\/etc\/passwd'/],
  ["use_backend b if { hdr(host) -f /etc/hosts }", /ACL pattern file/],
  ["bind :443 ssl crt /etc/ssl/private/site.pem", /crt: path '\/etc\/ssl\/private/],
  ["stick on src,lua.conv", /'lua.conv' is not registered/],
  ["log-format %[env(SECRET)]", /env\(\) fetch/],
  ["filter spoe engine x config /etc/spoe.conf", /filter config: path/],
  [`http-request set-header X "\${SECRET}"`, /environment variable/],
  ["server docker /var/run/docker.sock", /server address: path '\/var\/run\/docker.sock'/],
  ["server docker unix@/var/run/docker.sock", /server address/],
  ["bind /etc/passwd", /bind address: path '\/etc\/passwd'/],
  [`bind unix@${DATA}/state.json`, /patchpanel's own files/],
  ["bind fd@3", /file descriptor/],
  ["log unix@/var/run/docker.sock local0", /log address/],
];

for (const [line, why] of DENIED) {
  Deno.test(`raw directives - refuses '${line}'`, () => {
    const problems = rawDirectiveProblems(line, ctx);
    assert.ok(problems.some((p) => why.test(p)), JSON.stringify(problems));
  });
}
