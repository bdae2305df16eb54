/**
 * HAProxy process control through the API, against real HAProxy: in
 * embedded mode an admin stops and starts patchpanel's own master (traffic
 * stops and comes back) and reloads it; the control strategy and the SSL
 * capabilities describe the running process; in attach mode stop and start
 * are refused with a 409 that names the systemd unit. Operators may not
 * call any of them.
 *
 * @module
 */
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

Deno.test("process control - embedded: stop, start and reload the master; control strategy and ssl capabilities describe it", async () => {
  const app = startBackend("app");
  const fe = freePort();
  const d = await startTestDaemon({
    state: simpleState(fe, [{ name: "a", address: app.address }]),
  });
  try {
    const strategy = await d.api("GET", "/api/haproxy/control-strategy");
    assert.equal(strategy.status, 200, strategy.text);
    assert.equal(strategy.body.mode, "embedded");
    assert.equal(strategy.body.masterSocket, d.paths.masterSocket);
    assert.equal(strategy.body.pid, d.embedded!.pid);
    assert.equal(strategy.body.running, true);
    assert.match(strategy.body.version, /^2\.6\./);
    assert.equal(typeof strategy.body.uptimeSeconds, "number");
    const reloadsBefore: number = strategy.body.reloads;

    const reload = await d.api("POST", "/api/haproxy/reload");
    assert.equal(reload.status, 200, reload.text);
    const after = await d.api("GET", "/api/haproxy/control-strategy");
    assert.equal(after.body.reloads, reloadsBefore + 1, "the reload counter moved");

    const operator = await d.mintToken("operator");
    for (const path of ["/api/haproxy/stop", "/api/haproxy/start"]) {
      const refused = await d.api("POST", path, {}, {}, { as: operator });
      assert.equal(refused.status, 403, `${path} as operator`);
    }
    assert.equal((await through(fe)).body, "app");

    const oldPid = d.embedded!.pid;
    const stop = await d.api("POST", "/api/haproxy/stop");
    assert.equal(stop.status, 200, stop.text);
    assert.equal(stop.body.stoppedPid, oldPid);
    assert.equal((await through(fe)).status, 0, "nothing listens once HAProxy is stopped");
    assert.equal((await d.api("GET", "/health")).status, 503);
    assert.equal((await d.api("GET", "/api/haproxy/control-strategy")).body.running, false);
    assert.equal((await d.api("POST", "/api/haproxy/stop")).status, 409, "already stopped");

    const start = await d.api("POST", "/api/haproxy/start");
    assert.equal(start.status, 200, start.text);
    assert.notEqual(start.body.pid, oldPid);
    assert.equal((await through(fe)).body, "app");
    assert.equal((await d.api("GET", "/health")).status, 200);
    assert.equal((await d.api("POST", "/api/haproxy/start")).status, 409, "already running");
    // The restarted master is supervised and takes applies as before.
    const put = await d.api("PUT", "/api/state", {
      ...simpleState(fe, [{ name: "b", address: app.address }]),
    });
    assert.equal(put.status, 200, put.text);

    const actions = d.audit.list({ category: "haproxy", limit: 20 }).map((e) =>
      `${e.action}:${e.outcome}`
    );
    for (const a of ["stop:success", "start:success", "stop:failure", "start:failure"]) {
      assert.ok(actions.includes(a), `${a} in ${actions.join(" ")}`);
    }

    const ssl = await d.api("GET", "/api/haproxy/ssl-capabilities");
    assert.equal(ssl.status, 200, ssl.text);
    assert.ok(ssl.body.tlsVersions.includes("TLSv1.3"), ssl.text);
    assert.match(ssl.body.openssl.running, /^OpenSSL /);
    assert.ok(ssl.body.ciphers.tls13.includes("TLS_AES_128_GCM_SHA256"), ssl.text);
    assert.ok(ssl.body.curves.includes("P-256"), ssl.text);
    assert.ok(ssl.body.runtime && "SslFrontendKeyRate" in ssl.body.runtime, ssl.text);
    assert.equal(
      (await d.api("GET", "/api/haproxy/ssl-capabilities", undefined, {}, { as: operator })).status,
      403,
    );
  } finally {
    await d.stop();
    await app.close();
  }
});

Deno.test("process control - attach mode: stop and start are refused with 409 naming the systemd unit", async () => {
  const dir = await Deno.makeTempDir({ prefix: "pp-attach-ctl-" });
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
  const d = await startTestDaemon({
    dataDir: `${dir}/data`,
    config: {
      haproxy: { mode: "attach", masterSocket, cfgPath, systemdUnit: "haproxy-edge.service" },
    },
  });
  try {
    const pid = (await master.showProc())!.masterPid;
    for (const op of ["stop", "start"]) {
      const res = await d.api("POST", `/api/haproxy/${op}`);
      assert.equal(res.status, 409, res.text);
      assert.match(res.body.error, new RegExp(`systemctl ${op} haproxy-edge\\.service`));
      assert.equal(res.body.unit, "haproxy-edge.service");
    }
    assert.equal((await master.showProc())!.masterPid, pid, "the attached master still runs");
    const strategy = await d.api("GET", "/api/haproxy/control-strategy");
    assert.equal(strategy.body.mode, "attach");
    assert.equal(strategy.body.systemdUnit, "haproxy-edge.service");
    assert.equal(strategy.body.pid, pid);
    assert.equal(strategy.body.masterSocket, masterSocket);
  } finally {
    await d.stop();
    child.kill("SIGTERM");
    await child.status;
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
});
