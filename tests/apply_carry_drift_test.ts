// deno-lint-ignore-file no-explicit-any
/**
 * What a reload carries (a drain on an unchanged server; nothing of a
 * server whose address changed), the drift endpoint, and the check after
 * every reload that rolls an apply back when HAProxy does not run what the
 * state declares.
 */
import assert from "node:assert/strict";
import { runtime } from "../plugins/runtime/mod.ts";
import { definePlugin } from "../core/plugin.ts";
import { d as line } from "../core/render/model.ts";
import { freePort, startTestDaemon, type TestDaemon } from "./support/daemon.ts";
import { appState, bodies, type NamedBackend, runningRow, serveNamed } from "./support/live.ts";

const uniq = (xs: string[]) => [...new Set(xs)].sort();

/** Backends a and b behind app; the daemon runs the runtime plugin (and `plugins`). */
async function twoServers(
  test: (
    t: { d: TestDaemon; fe: number; a: NamedBackend; b: NamedBackend; state: any },
  ) => Promise<void>,
  plugins: any[] = [],
): Promise<void> {
  const a = serveNamed("a");
  const b = serveNamed("b");
  const fe = freePort();
  const state = appState(fe, [{ name: "a", address: a.address }, {
    name: "b",
    address: b.address,
  }]);
  let d: TestDaemon | null = null;
  try {
    d = await startTestDaemon({ plugins: [runtime(), ...plugins], state });
    await test({ d, fe, a, b, state });
  } finally {
    await d?.stop();
    await a.close();
    await b.close();
  }
}

async function drain(d: TestDaemon, server: string): Promise<void> {
  const res = await d.api("POST", `/api/haproxy/servers/app/${server}/state`, { state: "drain" });
  assert.equal(res.status, 200, res.text);
}

Deno.test("carry - a drain survives a change to another backend, not a change of its own address", () =>
  twoServers(async ({ d, fe, b, state }) => {
    await drain(d, "a");
    const other = structuredClone(state);
    other.haproxy.backends.push({ id: "other", servers: [{ name: "o", address: b.address }] });
    const res = await d.api("PUT", "/api/state", other);
    assert.equal(res.status, 200, res.text);
    assert.equal((await runningRow(d, "app", "a")).srv_admin_state, "8", "still drained");
    assert.deepEqual(uniq(await bodies(fe, 4)), ["200 b"]);

    const a2 = serveNamed("a2");
    try {
      const moved = structuredClone(other);
      moved.haproxy.backends[0].servers[0].address = a2.address;
      const res2 = await d.api("PUT", "/api/state", moved);
      assert.equal(res2.status, 200, res2.text);
      const row = await runningRow(d, "app", "a");
      assert.deepEqual([row.srv_port, row.srv_admin_state], [String(a2.port), "0"]);
      assert.deepEqual(
        uniq(await bodies(fe, 4)),
        ["200 a2", "200 b"],
        "a new address: drain dropped",
      );
    } finally {
      await a2.close();
    }
  }));

Deno.test("drift - a runtime weight is an override; an address set on the admin socket is a mismatch", () =>
  twoServers(async ({ d, a }) => {
    const clean = await d.api("GET", "/api/haproxy/drift");
    assert.equal(clean.status, 200, clean.text);
    assert.deepEqual(clean.body, { inSync: true, mismatches: [], overrides: [] });

    const set = await d.api("POST", "/api/haproxy/servers/app/b/weight", { weight: 7 });
    assert.equal(set.status, 200, set.text);
    const weighted = await d.api("GET", "/api/haproxy/drift");
    assert.deepEqual(weighted.body, {
      inSync: true,
      mismatches: [],
      overrides: [{ backend: "app", server: "b", field: "weight", declared: 100, running: 7 }],
    });

    const elsewhere = freePort();
    const direct = await d.haproxy.admin(`set server app/a addr 127.0.0.3 port ${elsewhere}`);
    assert.ok(direct.ok);
    const moved = await d.api("GET", "/api/haproxy/drift");
    assert.equal(moved.body.inSync, false);
    assert.deepEqual(moved.body.mismatches, [
      {
        backend: "app",
        server: "a",
        field: "address",
        declared: "127.0.0.1",
        running: "127.0.0.3",
      },
      { backend: "app", server: "a", field: "port", declared: a.port, running: elsewhere },
    ]);
    assert.equal(moved.body.overrides.length, 1);

    const viewer = await d.mintToken("viewer");
    assert.equal(
      (await d.api("GET", "/api/haproxy/drift", undefined, {}, { as: viewer })).status,
      200,
    );
  }));

Deno.test("verify - a reload whose worker runs another port than declared is rolled back (502, mismatches)", async () => {
  // A plugin that, once the state has a backend named `poison`, makes backend app load a
  // hand-made server-state file that moves server a to another port: HAProxy loads it fine.
  const dir = await Deno.makeTempDir({ prefix: "pp-poison-" });
  const file = `${dir}/app.state`;
  const bogusPort = freePort();
  const poison = definePlugin({
    name: "poison",
    setup(host) {
      host.render((model, state) => {
        if (!state.haproxy.backends.some((b) => b.id === "poison")) return;
        const app = model.section("backend", "app")!;
        app.directives.push(line("load-server-state-from-file", ["local"]));
        app.directives.push(line("server-state-file-name", [file]));
      });
    },
  });
  try {
    await twoServers(async ({ d, fe, state }) => {
      await Deno.writeTextFile(
        file,
        "1\n# be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state srv_uweight " +
          "srv_iweight srv_time_since_last_change srv_check_status srv_check_result " +
          "srv_check_health srv_check_state srv_agent_state bk_f_forced_id srv_f_forced_id " +
          "srv_fqdn srv_port srvrecord\n" +
          `3 app 1 a - 2 0 100 100 0 1 0 0 0 0 0 0 - ${bogusPort} -\n`,
      );
      const before = (await d.api("GET", "/api/state")).text;
      const snaps = (await d.api("GET", "/api/snapshots")).body.snapshots.length;
      const bad = structuredClone(state);
      bad.haproxy.backends.push({ id: "poison", servers: [] });
      const res = await d.api("PUT", "/api/state", bad);
      assert.equal(res.status, 502, res.text);
      assert.match(res.body.error, /rolled back/);
      assert.equal(typeof res.body.output, "string");
      assert.ok(Array.isArray(res.body.hints));
      const live = await runningRow(d, "app", "a");
      assert.deepEqual(res.body.mismatches, [
        {
          backend: "app",
          server: "a",
          field: "port",
          declared: Number(live.srv_port),
          running: bogusPort,
        },
      ]);
      assert.equal((await d.api("GET", "/api/state")).text, before, "state unchanged");
      assert.equal((await d.api("GET", "/api/snapshots")).body.snapshots.length, snaps);
      assert.doesNotMatch(await Deno.readTextFile(d.paths.cfg), /poison/);
      // state.json's successor went in place during the reload; the refusal put the old one back.
      assert.doesNotMatch(await Deno.readTextFile(d.paths.state), /poison/);
      const strays = [...Deno.readDirSync(d.dataDir)].filter((e) => e.name.includes(".tmp-"));
      assert.deepEqual(strays, [], "no staged or kept files left");
      assert.deepEqual(uniq(await bodies(fe, 4)), ["200 a", "200 b"], "the old config serves");
      const audit = await d.api("GET", "/api/audit?category=state&limit=2");
      const failed = audit.body.entries.find((e: any) => e.action === "apply");
      assert.equal(failed.outcome, "failure");
      assert.equal(failed.details.stage, "verify");
    }, [poison]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
