/**
 * The installed setup end to end, without systemd: scripts/install into a throwaway root, HAProxy
 * started as root with the command line of the installed haproxy.service drop-in (`-Ws`, the pid
 * file, the master socket of group patchpanel, the cfg patchpanel renders), and the installed
 * `patchpanel serve --config /etc/patchpanel/config.yaml` running as the installed patchpanel
 * account. It attaches; applies, a runtime command on the admin socket and a rolled-back apply
 * work; and a patchpanel restart under traffic leaves the same HAProxy master serving with no
 * request failing.
 *
 * @module
 */
import assert from "node:assert/strict";
import YAML from "yaml";
import { makeRoot, runScript, type TestRoot, unitValues } from "./support/install.ts";
import { freePort, simpleState, startBackend, through, waitFor } from "./support/daemon.ts";
import { MasterClient } from "../core/haproxy/master.ts";

const DROPIN = "/etc/systemd/system/haproxy.service.d/patchpanel.conf";
const CONFIG = "/etc/patchpanel/config.yaml";

/** Starts HAProxy with the drop-in's ExecStart, its paths moved into the root. */
async function startUnitHaproxy(root: TestRoot, gid: number) {
  const dropin = await Deno.readTextFile(root.at(DROPIN));
  const [binary, ...args] = unitValues(dropin, "ExecStart").at(-1)!.split(/\s+/).map((a) => {
    if (a === "/usr/sbin/haproxy") return a;
    // The group name exists in the root's account files, not the host's: give HAProxy the gid.
    if (a.startsWith("/")) return root.at(a.replace(",group,patchpanel", `,gid,${gid}`));
    return a;
  });
  await Deno.mkdir(root.at("/run"), { recursive: true });
  const child = new Deno.Command(binary, {
    args,
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  const socket = args[args.indexOf("-S") + 1].split(",")[0];
  const master = new MasterClient(socket);
  assert.ok(await waitFor(async () => ((await master.showProc())?.workers.length ?? 0) > 0));
  return {
    args,
    socket,
    master,
    async stop() {
      child.kill("SIGTERM");
      await child.status;
    },
  };
}

/** The installed command, run as the patchpanel account the way patchpanel.service runs it. */
function spawnPatchpanel(root: TestRoot, uid: number, gid: number) {
  const child = new Deno.Command("setpriv", {
    args: [
      `--reuid=${uid}`,
      `--regid=${gid}`,
      "--clear-groups",
      root.at("/usr/local/bin/patchpanel"),
      "serve",
      "--config",
      root.at(CONFIG),
    ],
    cwd: "/",
    env: { HOME: "/nonexistent" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const dec = new TextDecoder();
  const read = async (s: ReadableStream<Uint8Array>) => {
    let out = "";
    for await (const chunk of s) out += dec.decode(chunk);
    return out;
  };
  const output = Promise.all([read(child.stdout), read(child.stderr)]).then((a) => a.join(""));
  return {
    output,
    async stop() {
      child.kill("SIGTERM");
      const status = await child.status;
      return { status, output: await output };
    },
  };
}

async function health(port: number) {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/health`);
    return await res.json() as { ok: boolean; haproxy: { masterPid: number } | null };
  } catch {
    return null;
  }
}

Deno.test("install - attach mode end to end: unit-started HAProxy, applies, rollback, restart", async () => {
  const root = await makeRoot();
  const backend = startBackend("attached");
  const held = Deno.listen({ hostname: "127.0.0.1", port: 0 }); // a bind the reload cannot take
  let haproxy: Awaited<ReturnType<typeof startUnitHaproxy>> | null = null;
  let pp: ReturnType<typeof spawnPatchpanel> | null = null;
  try {
    const installed = await runScript("install", ["--root", root.dir]);
    assert.equal(installed.code, 0, installed.stdout + installed.stderr);
    const uid = (await root.uid("patchpanel"))!;
    const gid = (await root.gid("patchpanel"))!;

    haproxy = await startUnitHaproxy(root, gid);
    const sock = await Deno.stat(haproxy.socket);
    assert.equal(sock.gid, gid, "the master socket belongs to group patchpanel");
    assert.equal(sock.mode! & 0o777, 0o660);
    const masterPid = (await haproxy.master.showProc())!.masterPid;

    // The installed config.yaml, its paths moved into the root, on plain HTTP for the test.
    const port = freePort();
    const config = YAML.parse(await Deno.readTextFile(root.at(CONFIG)));
    config.listen = `127.0.0.1:${port}`;
    config.dataDir = root.at(config.dataDir);
    config.haproxy.masterSocket = root.at(config.haproxy.masterSocket);
    config.haproxy.cfgPath = root.at(config.haproxy.cfgPath);
    config.https = { enabled: false };
    config.auth = { bcryptCost: 4 };
    config.logging = { quiet: true };
    await Deno.writeTextFile(root.at(CONFIG), YAML.stringify(config));

    pp = spawnPatchpanel(root, uid, gid);
    assert.ok(await waitFor(async () => (await health(port))?.ok === true, 30_000), "healthy");
    // Healthy means the admin socket answers the non-root daemon: it owns it.
    assert.equal((await Deno.stat(`${config.dataDir}/admin.sock`)).uid, uid);

    const api = async (method: string, path: string, body?: unknown, h: HeadersInit = {}) => {
      const res = await fetch(`http://127.0.0.1:${port}${path}`, {
        method,
        headers: { "content-type": "application/json", ...h },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, text, json: text ? JSON.parse(text) : null, res };
    };
    const admin = { username: "admin", password: "a-long-passphrase" };
    assert.equal((await api("POST", "/api/setup/complete", admin)).status, 201);
    const login = await api("POST", "/api/auth/login", admin);
    const cookie = login.res.headers.get("set-cookie")!.split(";")[0];
    const minted = await api("POST", "/api/api-tokens", { name: "test" }, {
      cookie,
      "x-csrf-token": login.json.csrfToken,
    });
    assert.equal(minted.status, 201, minted.text);
    const auth = { authorization: `Bearer ${minted.json.wire}` };

    // An apply: the cfg the unit loads is rewritten and the unit's master reloads.
    const fe = freePort();
    const state = simpleState(fe, [{ name: "a", address: backend.address }]);
    const reloadsBefore = (await haproxy.master.showProc())!.reloads;
    const put = await api("PUT", "/api/state", state, auth);
    assert.equal(put.status, 200, put.text);
    assert.ok((await haproxy.master.showProc())!.reloads > reloadsBefore);
    assert.match(await Deno.readTextFile(config.haproxy.cfgPath), /frontend fe-main/);
    assert.equal((await through(fe)).body, "attached");

    // A runtime command through the admin socket the daemon owns.
    const drain = await api("POST", "/api/haproxy/servers/app/a/state", { state: "drain" }, auth);
    assert.equal(drain.status, 200, drain.text);
    const ready = await api("POST", "/api/haproxy/servers/app/a/state", { state: "ready" }, auth);
    assert.equal(ready.status, 200, ready.text);

    // A reload that fails (the port is taken) is rolled back; the old cfg keeps serving.
    const cfgBefore = await Deno.readTextFile(config.haproxy.cfgPath);
    const busy = structuredClone(state) as { haproxy: { frontends: unknown[] } };
    busy.haproxy.frontends.push({
      id: "fe-busy",
      binds: [{ address: `127.0.0.1:${(held.addr as Deno.NetAddr).port}` }],
      defaultBackend: "app",
    });
    const failed = await api("PUT", "/api/state", busy, auth);
    assert.equal(failed.status, 502, failed.text);
    assert.match(failed.json.error, /rolled back/);
    assert.equal(await Deno.readTextFile(config.haproxy.cfgPath), cfgBefore);
    assert.equal((await through(fe)).body, "attached");

    // A patchpanel restart under traffic: same master, no request fails.
    let phase: "before" | "down" | "after" = "before";
    const counts = { before: 0, down: 0, after: 0 };
    const failures: string[] = [];
    let running = true;
    const load = (async () => {
      while (running) {
        const r = await through(fe);
        if (r.status === 200 && r.body === "attached") counts[phase]++;
        else failures.push(`${phase}: ${r.status} ${r.body}`);
      }
    })();
    assert.ok(await waitFor(() => counts.before >= 20, 20_000));
    const stopped = await pp.stop();
    pp = null;
    assert.equal(stopped.status.code, 0, stopped.output);
    phase = "down";
    assert.ok(await waitFor(() => counts.down >= 20, 20_000), "served while patchpanel is down");
    pp = spawnPatchpanel(root, uid, gid);
    assert.ok(await waitFor(async () => (await health(port))?.ok === true, 30_000), "healthy");
    phase = "after";
    assert.ok(await waitFor(() => counts.after >= 20, 20_000));
    running = false;
    await load;
    assert.deepEqual(failures, [], `failed requests (served: ${JSON.stringify(counts)})`);
    assert.equal((await haproxy.master.showProc())!.masterPid, masterPid, "the same master");
    assert.equal((await health(port))!.haproxy!.masterPid, masterPid);
    // The restarted daemon still applies.
    const again = await api(
      "PUT",
      "/api/state",
      simpleState(fe, [
        { name: "a", address: backend.address, weight: 50 },
      ]),
      auth,
    );
    assert.equal(again.status, 200, again.text);
    assert.equal((await through(fe)).body, "attached");

    // The spec's backup hooks, verbatim but for sudo: `patchpanel backup-pre` with no option
    // finds the installed config.yaml (PATCHPANEL_CONFIG stands in for /etc/patchpanel here).
    const hook = async (cmd: string) => {
      const out = await new Deno.Command("setpriv", {
        args: [
          `--reuid=${uid}`,
          `--regid=${gid}`,
          "--clear-groups",
          root.at("/usr/local/bin/patchpanel"),
          cmd,
        ],
        cwd: "/",
        env: { HOME: "/nonexistent", PATCHPANEL_CONFIG: root.at(CONFIG) },
      }).output();
      const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
      assert.equal(out.code, 0, `${cmd}: ${text}`);
      return text;
    };
    assert.match(await hook("backup-pre"), /changes paused/);
    const copies = [...Deno.readDirSync(`${config.dataDir}/backup`)].map((e) => e.name);
    assert.ok(copies.some((n) => n.startsWith("audit.sqlite")), copies.join(", "));
    const paused = await api("PUT", "/api/state", state, auth);
    assert.notEqual(paused.status, 200, "changes wait for backup-post");
    assert.match(await hook("backup-post"), /changes resume/);
    assert.equal((await api("PUT", "/api/state", state, auth)).status, 200);
  } finally {
    if (pp) await pp.stop();
    if (haproxy) await haproxy.stop();
    held.close();
    await backend.close();
    await root.remove();
  }
});
