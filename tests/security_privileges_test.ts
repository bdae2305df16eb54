/**
 * HAProxy does not serve traffic as root. A root patchpanel in embedded
 * mode renders `user haproxy` / `group haproxy`: the master (which binds,
 * reads files and answers the master CLI) stays root, the workers drop to
 * the account; traffic, reloads, runtime commands and TLS keep working, and
 * the account cannot read patchpanel's own files. Skipped when the tests do
 * not run as root (then nothing is dropped: covered by the unit test).
 *
 * @module
 */
import assert from "node:assert/strict";
import { freePort, simpleState, startBackend, startTestDaemon, through } from "./support/daemon.ts";
import { haproxyRunAs } from "../core/privileges.ts";
import { parseConfig } from "../core/config.ts";

const asRoot = Deno.uid() === 0;

/** The real uid of a process, from /proc/<pid>/status (`Uid: real effective saved fs`). */
async function uidOf(pid: number): Promise<number> {
  const status = await Deno.readTextFile(`/proc/${pid}/status`);
  const line = status.split("\n").find((l) => l.startsWith("Uid:"));
  assert.ok(line, `no Uid line for ${pid}`);
  const [real, effective] = line.slice(4).trim().split(/\s+/).map(Number);
  assert.equal(real, effective, "real and effective uid agree");
  return real;
}

async function accountUid(name: string): Promise<number> {
  const passwd = await Deno.readTextFile("/etc/passwd");
  const row = passwd.split("\n").find((l) => l.split(":")[0] === name);
  assert.ok(row, `no ${name} account`);
  return Number(row.split(":")[2]);
}

/** Whether `user` can read `path` (runs `test -r` as that user through setpriv). */
async function readableBy(user: string, path: string): Promise<boolean> {
  const out = await new Deno.Command("setpriv", {
    args: ["--reuid", user, "--regid", user, "--clear-groups", "test", "-r", path],
    stdout: "null",
    stderr: "null",
  }).output();
  return out.success;
}

Deno.test("privileges - who drops, decided by mode, uid and config", () => {
  const c = (text: string) => parseConfig(text);
  assert.deepEqual(haproxyRunAs(c(""), 0), { user: "haproxy", group: "haproxy" });
  assert.equal(haproxyRunAs(c(""), 1000), null, "not root: no user/group is rendered");
  const attach = "haproxy: {mode: attach, masterSocket: /m.sock, cfgPath: /h.cfg}\n";
  assert.equal(haproxyRunAs(c(attach), 0), null, "attach: systemd's unit decides");
  assert.deepEqual(
    haproxyRunAs(c(attach + "privileges: {drop: always, user: lb, group: lb}"), 1000),
    { user: "lb", group: "lb" },
  );
  assert.equal(haproxyRunAs(c("privileges: {drop: never}"), 0), null);
});

Deno.test({
  name: "privileges - as root, HAProxy's workers run as haproxy; traffic and reloads still work",
  ignore: !asRoot,
  fn: async () => {
    const a = startBackend("a");
    const b = startBackend("b");
    const fe = freePort();
    const d = await startTestDaemon({
      state: simpleState(fe, [{ name: "a", address: a.address }]),
    });
    try {
      const haproxyUid = await accountUid("haproxy");
      assert.notEqual(haproxyUid, 0);
      const cfg = await Deno.readTextFile(d.paths.cfg);
      assert.match(cfg, /^\s+user haproxy$/m);
      assert.match(cfg, /^\s+group haproxy$/m);

      const before = await d.haproxy.showProc();
      assert.ok(before && before.workers.length >= 1, "show proc lists a worker");
      assert.equal(await uidOf(before.masterPid), 0, "the master stays root (binds, reloads)");
      for (const w of before.workers) assert.equal(await uidOf(w.pid), haproxyUid);
      assert.equal((await through(fe)).body, "a");

      // A reload (a new state) still works, and the new worker runs as haproxy too.
      const next = simpleState(fe, [
        { name: "a", address: a.address },
        { name: "b", address: b.address },
      ]);
      // A server added alone would apply at run time; a new timeout needs the reload.
      (next.haproxy as { defaults: { timeouts: { server: string } } }).defaults.timeouts.server =
        "11s";
      const put = await d.api("PUT", "/api/state", next);
      assert.equal(put.status, 200, put.text);
      const after = await d.haproxy.showProc();
      assert.ok(after);
      const newest = after.workers.find((w) => w.reloads === 0);
      assert.ok(newest, "a new worker after the reload");
      assert.notEqual(newest.pid, before.workers[0].pid);
      assert.equal(await uidOf(newest.pid), haproxyUid);
      const bodies = new Set<string>();
      for (let i = 0; i < 6; i++) bodies.add((await through(fe)).body);
      assert.deepEqual([...bodies].sort(), ["a", "b"]);

      // The admin socket (root, mode 600) still answers patchpanel.
      const info = await d.haproxy.admin("show info");
      assert.ok(info.ok);
      assert.match(info.output, /^Name: HAProxy$/m);

      // The account reads none of patchpanel's own files.
      for (const path of [d.paths.state, d.paths.database, d.paths.cfg, d.paths.dataDir]) {
        assert.equal(await readableBy("haproxy", path), false, `haproxy can read ${path}`);
      }
    } finally {
      await d.stop();
      await a.close();
      await b.close();
    }
  },
});
