import assert from "node:assert/strict";
import { runtime } from "../plugins/runtime/mod.ts";
import { parseInfo } from "../plugins/runtime/parse.ts";
import {
  freePort,
  simpleState,
  startBackend,
  startTestDaemon,
  type TestDaemon,
} from "./support/daemon.ts";

async function withDaemon(fn: (d: TestDaemon) => Promise<void>): Promise<void> {
  const a = startBackend("a");
  const d = await startTestDaemon({
    plugins: [runtime()],
    state: simpleState(freePort(), [{ name: "a", address: a.address }]),
  });
  try {
    await fn(d);
  } finally {
    await d.stop();
    await a.close();
  }
}

Deno.test("runtime console - each role runs at its own CLI level", async () => {
  await withDaemon(async (d) => {
    const viewer = await d.mintToken("viewer", { name: "v" });
    const operator = await d.mintToken("operator", { name: "o" });
    const run = (command: string, as?: string) =>
      d.api("POST", "/api/runtime/command", { command }, {}, as ? { as } : {});

    const levels: [string | undefined, string][] = [
      [viewer, "user"],
      [operator, "operator"],
      [undefined, "admin"],
    ];
    for (const [as, level] of levels) {
      const res = await run("show cli level", as);
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.level, level);
      assert.equal(res.body.output.trim(), level, "HAProxy itself reports the capped level");
    }

    // A viewer cannot change anything, nor raise its level back.
    const denied = await run("set maxconn global 123", viewer);
    assert.equal(denied.status, 200);
    assert.match(denied.body.output, /Permission denied/);
    const raise = await run("admin; show cli level", viewer);
    assert.doesNotMatch(raise.body.output, /^admin$/m);
    assert.match(raise.body.output, /^user$/m);
    // An operator cannot use admin-only commands either.
    const opDenied = await run("set weight app/a 1", operator);
    assert.match(opDenied.body.output, /Permission denied/);
    // The admin can, and several commands run in one call.
    const admin = await run("set maxconn global 123; show info");
    assert.deepEqual(admin.body.commands, ["set maxconn global 123", "show info"]);
    assert.equal(parseInfo(admin.body.output).Maxconn, "123");
    const info = await d.haproxy.admin("show info");
    assert.ok(info.ok);
    assert.equal(parseInfo(info.output).Maxconn, "123", "only the admin's change took effect");

    const rows = d.audit.list({ limit: 50, category: "haproxy" }).filter((r) =>
      r.action === "command"
    );
    assert.ok(
      rows.some((r) =>
        r.details?.command === "set maxconn global 123" && r.details?.level === "user"
      ),
    );
    assert.ok(rows.some((r) => r.details?.command === "show info" && r.details?.level === "admin"));
    assert.equal(rows.length, 9, "one audit row per command");
  });
});

Deno.test("runtime console - a command HAProxy refuses is audited as a failure", async () => {
  await withDaemon(async (d) => {
    const viewer = await d.mintToken("viewer", { name: "v" });
    const run = (command: string, as?: string) =>
      d.api("POST", "/api/runtime/command", { command }, {}, as ? { as } : {});
    const denied = await run("set maxconn global 123; show cli level", viewer);
    assert.equal(denied.status, 200, "the console still shows HAProxy's answer");
    assert.match(denied.body.output, /Permission denied/);
    const unknown = await run("no-such-command; show info");
    assert.match(unknown.body.output, /Unknown command/);

    const rows = d.audit.list({ limit: 50, category: "haproxy" }).filter((r) =>
      r.action === "command"
    );
    const outcome = (command: string) => {
      const row = rows.find((r) => r.details?.command === command);
      assert.ok(row, `no audit row for ${command}`);
      return [row.outcome, row.details?.error ?? null];
    };
    assert.deepEqual(outcome("set maxconn global 123"), [
      "failure",
      "HAProxy refused: Permission denied",
    ]);
    assert.deepEqual(outcome("show cli level"), ["success", null]);
    const [failed, why] = outcome("no-such-command");
    assert.equal(failed, "failure");
    assert.match(String(why), /^HAProxy refused: Unknown command/);
    assert.deepEqual(outcome("show info"), ["success", null]);
  });
});

Deno.test("runtime console - line breaks and empty commands are refused before the socket", async () => {
  await withDaemon(async (d) => {
    const viewer = await d.mintToken("viewer", { name: "v" });
    for (const command of ["show info\nset maxconn global 1", "show info\r", "", " ; ;"]) {
      const res = await d.api("POST", "/api/runtime/command", { command }, {}, { as: viewer });
      assert.equal(res.status, 400, `${JSON.stringify(command)}: ${res.text}`);
      assert.equal(typeof res.body.error, "string");
    }
    const extra = await d.api("POST", "/api/runtime/command", {
      command: "show info",
      level: "admin",
    });
    assert.equal(extra.status, 400, "unknown body keys are refused");
    const info = await d.haproxy.admin("show info");
    assert.ok(info.ok);
    assert.notEqual(parseInfo(info.output).Maxconn, "1");
    const anon = await d.api("POST", "/api/runtime/command", { command: "show info" }, {}, {
      as: "anonymous",
    });
    assert.equal(anon.status, 401, "the console is for signed-in roles only");
  });
});

Deno.test("stats sockets - an admin socket on every interface is accepted with a warning", async () => {
  await withDaemon(async (d) => {
    const state = (await d.api("GET", "/api/state")).body;
    const port = freePort();
    state.haproxy.global.statsSockets = [
      { kind: "ipv4", host: "*", port, level: "admin" },
      { kind: "ipv4", host: "127.0.0.1", port: freePort(), level: "admin" },
    ];
    // plan renders and runs haproxy -c without binding anything (tests stay on loopback).
    const plan = await d.api("POST", "/api/state/plan", state);
    assert.equal(plan.status, 200, plan.text);
    assert.equal(plan.body.ok, true, plan.body.output);
    assert.equal(plan.body.warnings.length, 1);
    assert.deepEqual(plan.body.warnings[0].entity, { kind: "statsSocket", id: "0" });
    assert.match(
      plan.body.warnings[0].message,
      new RegExp(`ipv4@\\*:${port}.*every network interface`),
    );
  });
});
