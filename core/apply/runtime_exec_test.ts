/**
 * The executor against a scripted admin socket: answers are checked, a
 * failure midway undoes exactly the steps that took (newest first), an
 * `add server` HAProxy refused is not "undone" with a `del server`, and a
 * deletion waits while HAProxy says the server still has connections.
 */
import assert from "node:assert/strict";
import type { SocketResult } from "../haproxy/socket.ts";
import { RuntimeCommandError, RuntimeRun } from "./runtime_exec.ts";
import { planSteps, type RunningView } from "./runtime_plan.ts";
import { parseServerLine } from "./runtime_cfg.ts";

/** An admin socket that answers from a script and records what it was sent. */
function scripted(answer: (line: string) => string | null) {
  const sent: string[] = [];
  const admin = (line: string): Promise<SocketResult> => {
    sent.push(line);
    const out = answer(line);
    return Promise.resolve(
      out === null
        ? { ok: false, error: { kind: "io", message: "connection closed" } }
        : { ok: true, output: out },
    );
  };
  return { sent, admin };
}

const running: RunningView = {
  servers: new Map([
    ["app/a", { address: "127.0.0.1", port: 8001, weight: 5, admin: "drain" as const }],
    ["app/b", { address: "127.0.0.1", port: 8002, weight: 1, admin: "ready" as const }],
  ]),
  acls: new Map(),
};

const steps = () =>
  planSteps({
    acls: [],
    servers: [
      {
        kind: "update",
        backend: "app",
        server: "a",
        before: parseServerLine("server a 127.0.0.1:8001 weight 1"),
        after: parseServerLine("server a 127.0.0.1:8001 weight 9"),
      },
      {
        kind: "add",
        backend: "app",
        server: "c",
        after: parseServerLine("server c 127.0.0.1:8003 weight 2 check"),
        keywords: ["check", "weight", "2"],
      },
      {
        kind: "remove",
        backend: "app",
        server: "b",
        before: parseServerLine("server b 127.0.0.1:8002 weight 1"),
        keywords: ["weight", "1"],
      },
    ],
  }, running);

const ok = (line: string) =>
  line.startsWith("add server")
    ? "New server registered.\n"
    : line.startsWith("del server")
    ? "Server deleted.\n"
    : "\n";

Deno.test("runtime exec - the plan's commands, in order, and nothing to undo when all pass", async () => {
  const s = scripted(ok);
  const run = new RuntimeRun({ admin: s.admin });
  await run.run(steps(), "change");
  await run.run(steps(), "delete");
  assert.deepEqual(s.sent, [
    "set server app/a weight 9",
    "add server app/c 127.0.0.1:8003 check weight 2",
    "enable health app/c",
    "set server app/c state ready",
    "set server app/b state maint",
    "del server app/b",
  ]);
});

Deno.test("runtime exec - a refused add undoes the weight already set, not the add", async () => {
  const s = scripted((l) =>
    l.startsWith("add server") ? "Already exists a server with the same name in backend.\n" : ok(l)
  );
  const run = new RuntimeRun({ admin: s.admin });
  await assert.rejects(run.run(steps(), "change"), RuntimeCommandError);
  const before = s.sent.length;
  assert.deepEqual(await run.undo(), []);
  // The runtime weight (5) comes back, not the old cfg's (1); no del server of app/c.
  assert.deepEqual(s.sent.slice(before), ["set server app/a weight 5"]);
});

Deno.test("runtime exec - a socket closed midway: every applied step undone, newest first", async () => {
  const s = scripted((l) => l === "set server app/b state maint" ? null : ok(l));
  const run = new RuntimeRun({ admin: s.admin });
  await assert.rejects(run.run(steps(), "change"), /connection closed/);
  const before = s.sent.length;
  await run.undo();
  assert.deepEqual(s.sent.slice(before), [
    "set server app/b state ready",
    "set server app/c state maint",
    "del server app/c",
    "set server app/a weight 5",
  ]);
});

Deno.test("runtime exec - a deletion waits while the server has connections, within its bound", async () => {
  let busy = 3;
  const s = scripted((l) =>
    l.startsWith("del server") && busy-- > 0
      ? "Server still has connections attached to it, cannot remove it.\n"
      : ok(l)
  );
  const run = new RuntimeRun({ admin: s.admin, drainMs: 5000 });
  await run.run(steps(), "delete");
  assert.equal(s.sent.filter((l) => l === "del server app/b").length, 4);

  const stuck = scripted((l) =>
    l.startsWith("del server") ? "Server still has connections attached to it.\n" : ok(l)
  );
  const bounded = new RuntimeRun({ admin: stuck.admin, drainMs: 0 });
  await assert.rejects(bounded.run(steps(), "delete"), /still has connections/);
  const n = stuck.sent.length;
  await bounded.undo();
  assert.deepEqual(stuck.sent.slice(n), [], "a deletion that never took has nothing to undo");
});
