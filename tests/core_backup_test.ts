import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { freePort, simpleState, startBackend, startTestDaemon } from "./support/daemon.ts";

const MAIN = new URL("../main.ts", import.meta.url).pathname;

/** Runs `patchpanel <cmd> --data-dir DIR` as the host's backup tool would. */
function cli(cmd: string, dataDir: string): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, cmd, "--data-dir", dataDir],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

async function run(cmd: string, dataDir: string): Promise<string> {
  const out = await cli(cmd, dataDir).output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  assert.ok(out.success, text);
  return text;
}

Deno.test("backup hooks - backup-pre pauses changes and leaves consistent copies; backup-post resumes", async () => {
  const a = startBackend("a");
  const fe = freePort();
  const state = simpleState(fe, [{ name: "a", address: a.address }]);
  const d = await startTestDaemon({ state });
  try {
    await run("backup-pre", d.dataDir);
    const refused = await d.api("PUT", "/api/state", state);
    assert.equal(refused.status, 503);
    assert.match(refused.body.error, /backup is in progress/);
    assert.equal((await d.api("GET", "/health")).body.backupInProgress, true);

    const copy = `${d.dataDir}/backup`;
    assert.equal(
      await Deno.readTextFile(`${copy}/state.json`),
      await Deno.readTextFile(d.paths.state),
    );
    assert.equal(
      await Deno.readTextFile(`${copy}/haproxy.cfg`),
      await Deno.readTextFile(d.paths.cfg),
    );
    const db = new DatabaseSync(`${copy}/audit.sqlite`, { readOnly: true });
    const { n } = db.prepare("SELECT count(*) AS n FROM audit_log").get() as { n: number };
    db.close();
    assert.ok(n >= 1, "the database copy holds the audit log");
    assert.equal((await Deno.stat(`${copy}/audit.sqlite`)).mode! & 0o777, 0o600);

    await run("backup-post", d.dataDir);
    assert.equal((await d.api("PUT", "/api/state", state)).status, 200);
    await assert.rejects(() => Deno.stat(copy));
  } finally {
    await d.stop();
    await a.close();
  }
});

Deno.test("backup hooks - backup-pre waits for an apply in flight (the apply lock)", async () => {
  const d = await startTestDaemon();
  try {
    // Hold the lock the pipeline holds while applying.
    const lock = await Deno.open(d.paths.applyLock, { read: true, write: true, create: true });
    await lock.lock(true);
    const child = cli("backup-pre", d.dataDir);
    await new Promise((r) => setTimeout(r, 1500));
    await assert.rejects(() => Deno.stat(d.paths.backupMarker), "no marker while the apply runs");
    lock.close();
    const status = await child.output();
    assert.ok(status.success);
    await Deno.stat(d.paths.backupMarker);
    await run("backup-post", d.dataDir);
  } finally {
    await d.stop();
  }
});
