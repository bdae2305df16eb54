import assert from "node:assert/strict";
import {
  adminStateOf,
  parseAclEntries,
  parseAclRefs,
  parseInfo,
  parseServersState,
  parseSessions,
  parseStat,
  parseTable,
  parseTables,
} from "./parse.ts";

// Replies captured from HAProxy 2.6.12.
const SERVERS_STATE = `1
# be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state srv_uweight srv_iweight srv_time_since_last_change srv_check_status srv_check_result srv_check_health srv_check_state srv_agent_state bk_f_forced_id srv_f_forced_id srv_fqdn srv_port srvrecord srv_use_ssl srv_check_port srv_check_addr srv_agent_addr srv_agent_port
3 app 1 a 127.0.0.1 2 8 100 100 0 1 0 2 0 0 0 0 - 33033 - 0 0 - - 0
3 app 2 b 127.0.0.1 0 1 0 100 0 1 0 2 0 0 0 0 - 38293 - 0 0 - - 0

`;

Deno.test("parseServersState - reads names, states and weights", () => {
  const rows = parseServersState(SERVERS_STATE);
  assert.equal(rows.length, 2);
  assert.deepEqual(rows[0], {
    backend: "app",
    server: "a",
    address: "127.0.0.1",
    port: 33033,
    opState: "up",
    adminState: "drain",
    adminFlags: 8,
    weight: 100,
    initialWeight: 100,
  });
  assert.equal(rows[1].opState, "down");
  assert.equal(rows[1].adminState, "maint");
  assert.equal(rows[1].weight, 0);
});

Deno.test("adminStateOf - maint wins over drain, zero is ready", () => {
  assert.equal(adminStateOf(0), "ready");
  assert.equal(adminStateOf(0x10), "drain");
  assert.equal(adminStateOf(0x08 | 0x01), "maint");
  assert.equal(adminStateOf(0x20), "maint");
});

Deno.test("parseStat - keys each row by the header's column names", () => {
  const rows = parseStat(
    "# pxname,svname,qcur,scur,slim,stot,status,\nfe-main,FRONTEND,,1,77,9,OPEN,\napp,a,0,0,,4,UP,\n\n",
  );
  assert.equal(rows.length, 2);
  assert.equal(rows[0].slim, "77");
  assert.equal(rows[1].status, "UP");
  assert.equal(rows[1].stot, "4");
});

Deno.test("parseInfo - reads Key: value lines", () => {
  const info = parseInfo("Name: HAProxy\nMaxconn: 500\nBuild info: 2.6.12-1\n");
  assert.equal(info.Maxconn, "500");
  assert.equal(info["Build info"], "2.6.12-1");
});

Deno.test("parseTables and parseTable - headers and entries with data", () => {
  const out = "# table: app, type: ip, size:1000, used:2\n" +
    "0x5644f24e7068: key=127.0.0.1 use=0 exp=59997 http_req_cnt=1\n" +
    "0x5644f24e7778: key=127.0.0.7 use=1 exp=59999 http_req_cnt=3 http_req_rate(10000)=2\n\n";
  assert.deepEqual(parseTables(out), [{ name: "app", type: "ip", size: 1000, used: 2 }]);
  const t = parseTable(out);
  assert.equal(t.table?.name, "app");
  assert.deepEqual(t.entries[1], {
    key: "127.0.0.7",
    use: 1,
    exp: 59999,
    data: { http_req_cnt: "3", "http_req_rate(10000)": "2" },
  });
  assert.deepEqual(parseTable("No such table\n"), { table: null, entries: [] });
});

Deno.test("parseAclRefs - inline declarations and pattern files", () => {
  const out = `# id (file) description
0 () acl 'hdr' file '/d/haproxy.cfg' line 17. curr_ver=0 next_ver=0 entry_cnt=1
1 (/d/acls/fl.lst) pattern loaded from file '/d/acls/fl.lst' used by acl at file '/d/haproxy.cfg' line 18. curr_ver=0 next_ver=0 entry_cnt=3
3 () acl 'var' file 'httpclient' line 0. curr_ver=0 next_ver=0 entry_cnt=1
`;
  const refs = parseAclRefs(out);
  assert.deepEqual(refs[0], {
    id: 0,
    file: null,
    declaredAt: { file: "/d/haproxy.cfg", line: 17 },
    entryCount: 1,
  });
  assert.deepEqual(refs[1], { id: 1, file: "/d/acls/fl.lst", declaredAt: null, entryCount: 3 });
  assert.equal(refs[2].declaredAt?.file, "httpclient");
  assert.deepEqual(parseAclEntries("0x561ea032b4e0 foo\n0x561ea032b4f0 /api/v1\n\n"), [
    "foo",
    "/api/v1",
  ]);
});

Deno.test("parseSessions - one row per stream, <NONE> as null", () => {
  const out =
    "0x561ea0415380: proto=unix_stream src=unix:1 fe=GLOBAL be=<NONE> srv=<none> ts=00 epoch=0 age=0s calls=2 rate=1\n" +
    "0x561ea0415999: proto=tcpv4 src=127.0.0.1:40000 fe=fe-main be=app srv=a ts=00 age=3s calls=4\n";
  const rows = parseSessions(out);
  assert.equal(rows.length, 2);
  assert.deepEqual(rows[0].backend, null);
  assert.deepEqual(rows[1], {
    id: "0x561ea0415999",
    proto: "tcpv4",
    src: "127.0.0.1:40000",
    frontend: "fe-main",
    backend: "app",
    server: "a",
    age: "3s",
  });
});
