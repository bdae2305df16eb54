import assert from "node:assert/strict";
import {
  adminStateOf,
  DumpScanner,
  parseServerStateDump,
  REQUIRED_COLUMNS,
  runningServerAt,
  runningServers,
  runningServersOf,
  type ServerStateDump,
} from "./server_state.ts";
import { declaredServers } from "./declared_servers.ts";
import { filterServerState } from "./server_state_filter.ts";
import { compareServers } from "./server_state_compare.ts";

// Real HAProxy 2.6.12 output: a in maint, b at runtime weight 7 (cfg 0), c `disabled`, d a DNS
// name with ssl, e moved by `set server app/e addr 127.0.0.2 port 19999`, f drained.
const DUMP = await Deno.readTextFile(new URL("./testdata/servers_state.out", import.meta.url));
const CFG = await Deno.readTextFile(new URL("./testdata/servers_state.cfg", import.meta.url));

function dump(): ServerStateDump {
  const d = parseServerStateDump(DUMP);
  assert.ok(d);
  return d;
}

/** The rewritten file's lines by server name, each as a column → value record. */
function linesOf(text: string): Map<string, Record<string, string>> {
  const [version, header, ...rows] = text.trimEnd().split("\n");
  assert.equal(version, "1");
  assert.equal(header, `# ${REQUIRED_COLUMNS.join(" ")}`);
  const out = new Map<string, Record<string, string>>();
  for (const row of rows) {
    const f = row.split(" ");
    assert.equal(f.length, REQUIRED_COLUMNS.length, row);
    out.set(f[3], Object.fromEntries(REQUIRED_COLUMNS.map((c, i) => [c, f[i]])));
  }
  return out;
}

Deno.test("server state - parses a real dump; refuses what is not a version-1 dump", () => {
  const d = dump();
  assert.equal(d.rows.length, 6);
  assert.equal(d.columns.length, 25);
  assert.deepEqual(
    runningServers(d).map((s) => [s.server, s.address, s.port, s.adminState, s.weight]),
    [
      ["a", "127.0.0.1", 18081, "maint", 100],
      ["b", "127.0.0.1", 18082, "ready", 7],
      ["c", "127.0.0.1", 18083, "maint", 10],
      ["d", "127.0.0.1", 18084, "ready", 5],
      ["e", "127.0.0.2", 19999, "ready", 5],
      ["f", "127.0.0.1", 18086, "drain", 100],
    ],
  );
  assert.equal(parseServerStateDump(""), null);
  assert.equal(parseServerStateDump("Unknown command\n"), null);
  assert.equal(parseServerStateDump(DUMP.replace(/^1\n/, "2\n")), null);
  assert.equal(parseServerStateDump("1\n# be_id be_name\n"), null);
  assert.equal(adminStateOf(0x09), "maint");
  assert.equal(filterServerState("Unknown command\n", new Map(), new Map()), null);
});

Deno.test("server state - the servers a cfg declares, their definition without the weight", () => {
  const s = declaredServers(CFG);
  assert.deepEqual([...s.keys()], ["app/a", "app/b", "app/c", "app/d", "app/e", "app/f"]);
  assert.deepEqual(
    { ...s.get("app/d")!, definition: undefined },
    {
      backend: "app",
      server: "d",
      host: "localhost",
      port: 18084,
      weight: 5,
      disabled: false,
      definition: undefined,
    },
  );
  assert.equal(s.get("app/c")!.disabled, true);
  assert.equal(
    declaredServers(CFG.replace("weight 100\n", "weight 3\n")).get("app/a")!.definition,
    s.get("app/a")!.definition,
  );
  const v6 = declaredServers("backend x\n    server v6 [::1]:8080 weight 1\n").get("x/v6")!;
  assert.equal(v6.host, "::1");
  assert.equal(v6.port, 8080);
});

Deno.test("server state filter - an unchanged cfg keeps drain, maint and runtime weight, never an address", () => {
  const out = filterServerState(DUMP, declaredServers(CFG), declaredServers(CFG))!;
  const l = linesOf(out.text);
  assert.deepEqual(out.dropped, []);
  assert.equal(l.size, 6);
  for (const row of l.values()) {
    assert.equal(row.srv_addr, "-", "the cfg's address always wins");
    assert.equal(row.srv_fqdn, "-");
  }
  assert.equal(l.get("a")!.srv_admin_state, "1");
  assert.equal(l.get("b")!.srv_uweight, "7");
  assert.equal(l.get("b")!.srv_iweight, "0");
  assert.equal(l.get("c")!.srv_admin_state, "5", "disabled: FMAINT|CMAINT as HAProxy dumps it");
  assert.equal(l.get("e")!.srv_port, "18085", "the declared port, not the runtime one");
  assert.equal(l.get("f")!.srv_admin_state, "8");
  assert.equal(l.get("f")!.srv_op_state, "2", "observed health carries for the same definition");
  assert.deepEqual(out.carried, [
    { backend: "app", server: "a", field: "adminState", declared: "ready", running: "maint" },
    { backend: "app", server: "b", field: "weight", declared: 0, running: 7 },
    { backend: "app", server: "f", field: "adminState", declared: "ready", running: "drain" },
  ]);
});

Deno.test("server state filter - a changed definition drops the line; a changed weight drops only the weight", () => {
  const next = CFG
    .replace("server a 127.0.0.1:18081", "server a 127.0.0.1:18091")
    .replace("server b 127.0.0.1:18082 weight 0", "server b 127.0.0.1:18082 weight 50")
    .replace("weight 10 check disabled", "weight 10 check")
    .replace("weight 5 check ssl verify none", "weight 5 check")
    .replace("maxconn 4", "maxconn 5")
    .replace("server f 127.0.0.1:18086 weight 100", "server f 127.0.0.1:18086 weight 100 check");
  const out = filterServerState(DUMP, declaredServers(CFG), declaredServers(next))!;
  assert.deepEqual(out.dropped, ["app/a", "app/c", "app/d", "app/e", "app/f"]);
  const l = linesOf(out.text);
  assert.deepEqual([...l.keys()], ["b"]);
  assert.equal(l.get("b")!.srv_uweight, "50");
  assert.equal(l.get("b")!.srv_iweight, "50");
  assert.deepEqual(out.carried, []);
});

Deno.test("server state filter - a drain survives a weight change, not a move to another backend", () => {
  const next = CFG.replace(
    "server f 127.0.0.1:18086 weight 100",
    "server f 127.0.0.1:18086 weight 9",
  );
  const kept = linesOf(filterServerState(DUMP, declaredServers(CFG), declaredServers(next))!.text);
  assert.equal(kept.get("f")!.srv_admin_state, "8");
  assert.equal(kept.get("f")!.srv_uweight, "9");
  const renamed = filterServerState(
    DUMP,
    declaredServers(CFG),
    declaredServers(CFG.replace("backend app", "backend app2")),
  )!;
  assert.equal(renamed.dropped.length, 6);
  assert.equal(linesOf(renamed.text).size, 0);
  const defaults = filterServerState(
    DUMP,
    declaredServers(CFG),
    declaredServers(CFG.replace("    balance roundrobin\n", "    default-server inter 3s\n")),
  )!;
  assert.equal(defaults.dropped.length, 6, "a default-server change redefines every server");
  const removed = filterServerState(DUMP, declaredServers(CFG), new Map())!;
  assert.equal(removed.dropped.length, 6);
});

Deno.test("server state compare - drift: runtime weight and admin state are overrides, an address is a mismatch", () => {
  const r = compareServers(runningServers(dump()), declaredServers(CFG), { kind: "runtime" });
  assert.deepEqual(r.mismatches, [
    { backend: "app", server: "e", field: "address", declared: "127.0.0.1", running: "127.0.0.2" },
    { backend: "app", server: "e", field: "port", declared: 18085, running: 19999 },
  ]);
  assert.deepEqual(r.overrides.map((o) => `${o.server}.${o.field}=${o.running}`), [
    "a.adminState=maint",
    "b.weight=7",
    "f.adminState=drain",
  ]);
});

Deno.test("server state compare - after a reload only what was carried over may differ", () => {
  const text = DUMP.split("\n").filter((l) => !l.startsWith("2 app 5 e ")).join("\n");
  const running = runningServersOf(text)!;
  assert.equal(running.length, 5);
  const declared = new Map(declaredServers(CFG));
  declared.delete("app/e");
  const { carried } = filterServerState(text, declared, declared)!;
  const ok = compareServers(running, declared, { kind: "carried", carried });
  assert.deepEqual(ok.mismatches, []);
  assert.equal(ok.overrides.length, 3);
  const none = compareServers(running, declared, { kind: "carried", carried: [] });
  assert.deepEqual(none.mismatches.map((m) => `${m.server}.${m.field}`), [
    "a.adminState",
    "b.weight",
    "f.adminState",
  ]);
  const extra = new Map(declared);
  extra.set("app/z", { ...declared.get("app/a")!, server: "z" });
  extra.delete("app/b");
  const presence = compareServers(running, extra, { kind: "carried", carried });
  assert.deepEqual(presence.mismatches, [
    { backend: "app", server: "b", field: "present", declared: false, running: true },
    { backend: "app", server: "z", field: "present", declared: true, running: false },
  ]);
});

Deno.test("server state - server-template and port-less addresses are declared, never miscompared", () => {
  const cfg = "backend t\n    server-template web 1-3 127.0.0.9:8080 weight 5 check\n" +
    "    server sock unix@/run/app.sock weight 10\n    server bare 127.0.0.8 weight 10\n";
  const s = declaredServers(cfg);
  assert.deepEqual([...s.keys()], ["t/web1", "t/web2", "t/web3", "t/sock", "t/bare"]);
  assert.equal(s.get("t/web2")!.port, 8080);
  assert.equal(s.get("t/web2")!.weight, 5);
  assert.equal(s.get("t/bare")!.host, "127.0.0.8");
  assert.ok(Number.isNaN(s.get("t/bare")!.port));
  const running = [
    {
      backend: "t",
      server: "web1",
      address: "127.0.0.9",
      port: 8080,
      adminState: "ready",
      weight: 5,
    },
    {
      backend: "t",
      server: "bare",
      address: "127.0.0.8",
      port: 0,
      adminState: "ready",
      weight: 10,
    },
  ] as const;
  const r = compareServers([...running], s, { kind: "carried", carried: [] });
  assert.deepEqual(r.mismatches.map((m) => `${m.server}.${m.field}`), [
    "web2.present",
    "web3.present",
    "sock.present",
  ]);
});

Deno.test("server state - runningServersOf reads the text as parse-then-runningServers does", () => {
  assert.deepEqual(runningServersOf(DUMP), runningServers(dump()));
  assert.deepEqual(runningServersOf(DUMP.replace(/\n\n$/, "")), runningServers(dump()));
  assert.equal(runningServersOf("Unknown command\n"), null);
  assert.equal(runningServersOf("1\n# be_id be_name\n"), null);
});

Deno.test("server state - a dump pushed in pieces cut anywhere reads as the whole text does", () => {
  const whole = runningServers(dump());
  const texts = [DUMP, DUMP.replace(/\n+$/, "")];
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (const text of texts) {
    for (let round = 0; round < 200; round++) {
      const rows: ReturnType<typeof runningServerAt>[] = [];
      const scanner = new DumpScanner((r) => rows.push(runningServerAt(r)));
      // Cuts at random places, every one-character piece included in some rounds.
      for (let at = 0; at < text.length;) {
        const size = round % 10 === 0 ? 1 : 1 + Math.floor(next() * 40);
        scanner.push(text.slice(at, at + size));
        at += size;
      }
      assert.equal(scanner.end(), true);
      assert.deepEqual(rows, whole);
    }
  }
  for (const bad of ["Unknown command\n", "1\n# be_id be_name\n", "2\n# be_id\n", "", "1\n"]) {
    const scanner = new DumpScanner(() => assert.fail("visited a line of a non-dump"));
    for (const ch of bad) scanner.push(ch);
    assert.equal(scanner.end(), false, JSON.stringify(bad));
  }
});
