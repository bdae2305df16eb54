/**
 * A daemon restart keeps the load balancer serving: the daemon runs as its
 * own process (`main.ts serve`), keep-alive traffic flows through its
 * embedded HAProxy, the daemon is SIGTERMed and started again on the same
 * data directory — no request fails, and the same HAProxy master serves
 * before, during and after. `patchpanel stop` then ends daemon and HAProxy.
 *
 * @module
 */
import assert from "node:assert/strict";
import { freePort, simpleState, startBackend, waitFor } from "./support/daemon.ts";
import { startKeepAliveLoad } from "./support/keepalive.ts";
import { dataPaths } from "../core/paths.ts";
import { isAlive, killStaleHaproxy } from "../core/haproxy/stale.ts";

const ROOT = new URL("../", import.meta.url).pathname;

function cli(args: string[]): Deno.Command {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "main.ts", ...args],
    cwd: ROOT,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  });
}

interface Proc {
  child: Deno.ChildProcess;
  output: Promise<string>;
}

function spawnDaemon(dataDir: string, port: number): Proc {
  const child = cli(["serve", "--data-dir", dataDir, "--listen", `127.0.0.1:${port}`]).spawn();
  const dec = new TextDecoder();
  const read = async (s: ReadableStream<Uint8Array>) => {
    let out = "";
    for await (const chunk of s) out += dec.decode(chunk);
    return out;
  };
  const output = Promise.all([read(child.stdout), read(child.stderr)]).then((a) => a.join(""));
  return { child, output };
}

interface Health {
  status: number;
  body: { haproxy: { masterPid: number } | null; ok: boolean } | null;
}

async function health(port: number): Promise<Health | null> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/health`);
    return { status: res.status, body: await res.json().catch(() => null) };
  } catch {
    return null;
  }
}

Deno.test("restart - SIGTERM and a new start keep the same HAProxy serving, no request fails", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "pp-restart-" });
  const paths = dataPaths(dataDir);
  const port = freePort();
  const fe = freePort();
  const backend = startBackend("b1");
  await Deno.writeTextFile(
    `${dataDir}/config.yaml`,
    "https: {enabled: false}\nlogging: {quiet: true}\nauth: {bcryptCost: 4}\n",
  );
  await Deno.writeTextFile(
    paths.state,
    JSON.stringify(simpleState(fe, [{ name: "s1", address: backend.address }])),
  );
  const procs: Proc[] = [];
  const up = async () => {
    const proc = spawnDaemon(dataDir, port);
    procs.push(proc);
    const ok = await waitFor(async () => (await health(port))?.status === 200, 30_000, 50);
    assert.ok(ok, `daemon did not come up: ${await Promise.race([proc.output, "(running)"])}`);
    return proc;
  };
  let load: ReturnType<typeof startKeepAliveLoad> | null = null;
  try {
    const first = await up();
    const masterBefore = (await health(port))!.body!.haproxy!.masterPid;
    load = startKeepAliveLoad(fe, { connections: 4, pauseMs: 20 });
    const l = load;
    const moreRequests = (n: number) => {
      const target = l.report.ok + n;
      return waitFor(() => l.report.ok >= target, 20_000, 10);
    };
    assert.ok(await moreRequests(50), "no traffic before the restart");

    first.child.kill("SIGTERM");
    const status = await first.child.status;
    assert.equal(status.code, 0, await first.output);
    assert.equal(await health(port), null, "the daemon is gone");
    assert.ok(await isAlive(masterBefore), "HAProxy survived the daemon");
    assert.ok(await moreRequests(50), "HAProxy serves while no daemon runs");

    await up();
    const after = (await health(port))!.body!;
    assert.equal(after.haproxy?.masterPid, masterBefore, "the new daemon attached to the master");
    assert.ok(await moreRequests(50), "traffic after the restart");
    const report = await load.stop();
    load = null;
    console.log(
      `restart under load: ${report.ok} ok, ${report.failed} failed, ${report.reused} reused`,
    );
    assert.equal(report.failed, 0, `failed requests: ${report.errors.join("; ")}`);
    assert.equal(report.non200, 0);

    // The explicit stop ends both.
    const stop = await cli(["stop", "--data-dir", dataDir]).output();
    const said = new TextDecoder().decode(stop.stdout);
    assert.equal(stop.code, 0, new TextDecoder().decode(stop.stderr));
    assert.match(said, /daemon \d+ stopped; HAProxy master \d+ stopped/);
    assert.equal((await procs[1].child.status).code, 0);
    assert.equal(await isAlive(masterBefore), false, "patchpanel stop ends HAProxy");
    assert.equal(await health(port), null);
  } finally {
    await load?.stop();
    for (const p of procs) {
      try {
        p.child.kill("SIGKILL");
      } catch { /* already exited */ }
      await p.child.status;
      await p.output;
    }
    await killStaleHaproxy(paths.haproxyPid, paths.cfg, 2000);
    await backend.close();
    await Deno.remove(dataDir, { recursive: true }).catch(() => {});
  }
});
