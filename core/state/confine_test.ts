import assert from "node:assert/strict";
import { join } from "node:path";
import { dataPaths } from "../paths.ts";
import { Confinement } from "./confine.ts";

/** Key directories as the certificate plugins declare them (the core names none itself). */
const KEY_DIRS = [
  { name: "byo-certs", plugin: "byo-certs", holds: "uploaded certificates", keys: true },
  { name: "certs", plugin: "certbot", holds: "issued certificates", keys: true },
];

async function withDataDir(fn: (dir: string, c: Confinement) => Promise<void> | void) {
  const dir = await Deno.makeTempDir({ prefix: "pp-confine-" });
  try {
    await fn(
      dir,
      new Confinement(
        dataPaths(dir, { pluginDirs: KEY_DIRS }),
        [join(dir, "own", "key.pem")],
      ),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("confine - a file inside the data dir is allowed, existing or not", () =>
  withDataDir(async (dir, c) => {
    await Deno.mkdir(join(dir, "pages"));
    await Deno.writeTextFile(join(dir, "pages", "ok.txt"), "ok");
    assert.equal(c.problem(join(dir, "pages", "ok.txt"), "file"), null);
    assert.equal(c.problem(join(dir, "pages", "later", "new.txt"), "file"), null);
    assert.equal(c.problem(join(dir, "acls", "x.lst"), "file"), null);
  }));

Deno.test("confine - absolute paths outside, '..' escapes and relative paths are refused", () =>
  withDataDir((dir, c) => {
    assert.match(c.problem("/etc/shadow", "file")!, /outside the data directory/);
    assert.match(c.problem(`${dir}/acls/../../../etc/shadow`, "file")!, /outside/);
    assert.match(c.problem(`${dir}-sibling/x`, "file")!, /outside/);
    assert.match(c.problem("acls/x.lst", "file")!, /must be absolute/);
    assert.match(c.problem(dir, "file")!, /outside/);
  }));

Deno.test("confine - a symlink inside the data dir that points out is refused", () =>
  withDataDir(async (dir, c) => {
    await Deno.symlink("/etc", join(dir, "etc-link"));
    assert.match(c.problem(join(dir, "etc-link", "shadow"), "file")!, /outside/);
    await Deno.symlink("/etc/hostname", join(dir, "host-link"));
    assert.match(c.problem(join(dir, "host-link"), "file")!, /outside/);
  }));

Deno.test("confine - patchpanel's own files are reserved; TLS material may use the cert dirs", () =>
  withDataDir((dir, c) => {
    for (
      const own of [
        "state.json",
        "config.yaml",
        "audit.sqlite",
        "audit.sqlite-wal",
        "haproxy.cfg",
        "master.sock",
        "admin.sock",
        "tls/key.pem",
        "byo-certs/site/privkey.pem",
        "certs/a.pem",
        "backup/state.json",
        "own/key.pem",
      ]
    ) {
      assert.match(c.problem(join(dir, own), "file")!, /patchpanel's own files/, own);
    }
    assert.equal(c.problem(join(dir, "byo-certs/site/fullchain.pem"), "tls"), null);
    assert.equal(c.problem(join(dir, "tls/cert.pem"), "tls"), null);
    assert.match(c.problem(join(dir, "state.json"), "tls")!, /own files/);
    assert.match(c.problem("/etc/ssl/private/x.pem", "tls")!, /outside/);
  }));

Deno.test("confine - log sockets: /dev/log is allowed, other system paths are not", () =>
  withDataDir((dir, c) => {
    assert.equal(c.logProblem("/dev/log"), null);
    assert.equal(c.logProblem("/run/systemd/journal/dev-log"), null);
    assert.equal(c.logProblem(join(dir, "run", "log.sock")), null);
    assert.match(c.logProblem("/var/run/docker.sock")!, /only \/dev\/log/);
  }));
