import assert from "node:assert/strict";
import {
  freePort,
  simpleState,
  startBackend,
  startTestDaemon,
  through,
  waitFor,
} from "./support/daemon.ts";
import { MasterClient } from "../core/haproxy/master.ts";

/** An HAProxy master-worker started the way systemd would, outside patchpanel. */
async function startExternalHaproxy(dir: string) {
  const cfgPath = `${dir}/external.cfg`;
  const masterSocket = `${dir}/external-master.sock`;
  await Deno.writeTextFile(
    cfgPath,
    "global\n    maxconn 100\ndefaults\n    mode http\n    timeout connect 2s\n" +
      "    timeout client 5s\n    timeout server 5s\n",
  );
  const child = new Deno.Command("haproxy", {
    args: ["-W", "-S", masterSocket, "-f", cfgPath],
    stdout: "null",
    stderr: "null",
  }).spawn();
  const master = new MasterClient(masterSocket);
  assert.ok(await waitFor(async () => ((await master.showProc())?.workers.length ?? 0) > 0));
  return {
    cfgPath,
    masterSocket,
    master,
    async stop() {
      child.kill("SIGTERM");
      await child.status;
    },
  };
}

Deno.test("attach mode - applies and reloads an HAProxy that patchpanel did not start", async () => {
  const dir = await Deno.makeTempDir({ prefix: "pp-attach-" });
  const external = await startExternalHaproxy(dir);
  const a = startBackend("attached");
  const fe = freePort();
  const d = await startTestDaemon({
    dataDir: `${dir}/data`,
    config: {
      haproxy: { mode: "attach", masterSocket: external.masterSocket, cfgPath: external.cfgPath },
    },
  });
  try {
    assert.equal(d.embedded, null);
    const before = await external.master.showProc();
    const put = await d.api(
      "PUT",
      "/api/state",
      simpleState(fe, [{ name: "a", address: a.address }]),
    );
    assert.equal(put.status, 200, put.text);
    const after = await external.master.showProc();
    assert.ok(after && before && after.reloads > before.reloads, "the external master reloaded");
    assert.match(await Deno.readTextFile(external.cfgPath), /frontend fe-main/);
    const r = await through(fe);
    assert.equal(r.body, "attached");
  } finally {
    await d.stop();
    // Stopping patchpanel must leave an attached HAProxy running.
    assert.ok(((await external.master.showProc())?.workers.length ?? 0) > 0);
    await external.stop();
    await a.close();
  }
});
