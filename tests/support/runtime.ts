// deno-lint-ignore-file no-explicit-any
/**
 * Test support for runtime applies: the worker and reload counter that must
 * not change, and the comparison of what runs after a runtime apply with
 * what a forced reload of the written cfg runs.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { TestDaemon } from "./daemon.ts";
import { type DumpRow, runningRows } from "./live.ts";
import { adminStateOf } from "../../core/haproxy/server_state.ts";

/** The worker that serves now (not yet through a reload) and the master's reload counter. */
export async function currentWorker(d: TestDaemon): Promise<{ pid: number; reloads: number }> {
  const proc = await d.haproxy.showProc();
  assert.ok(proc);
  const worker = proc.workers.find((w) => w.reloads === 0);
  assert.ok(worker, JSON.stringify(proc));
  return { pid: worker.pid, reloads: proc.reloads };
}

/** PUTs `state` and asserts it was applied at run time: header, same worker, same counter. */
export async function putRuntime(d: TestDaemon, state: any): Promise<any> {
  const before = await currentWorker(d);
  const res = await d.api("PUT", "/api/state", state);
  assert.equal(res.status, 200, res.text);
  assert.equal(res.headers.get("patchpanel-apply"), "runtime", lastReason(await lastApply(d)));
  assert.deepEqual(await currentWorker(d), before, "no reload: same worker pid and reload counter");
  return res.body;
}

/** The newest state audit entry. */
export async function lastApply(d: TestDaemon): Promise<any> {
  return (await d.api("GET", "/api/audit?category=state")).body.entries[0];
}

function lastReason(entry: any): string {
  return `audit: ${JSON.stringify(entry?.details)}`;
}

/** The fields a forced reload must reproduce, per server. */
export function comparable(rows: Map<string, DumpRow>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, r] of [...rows].sort(([a], [b]) => a.localeCompare(b))) {
    out[name] = {
      address: r.srv_addr,
      port: r.srv_port,
      weight: r.srv_uweight,
      adminState: adminStateOf(Number(r.srv_admin_state)),
      opState: r.srv_op_state,
    };
  }
  return out;
}

/**
 * What runs in `backend` now equals what `POST /api/haproxy/reload` of the
 * written cfg then runs, field by field (address, port, weight, admin and
 * operational state).
 */
export async function assertReloadAgrees(d: TestDaemon, backend: string): Promise<void> {
  const runtime = comparable(await runningRows(d, backend));
  const forced = await d.api("POST", "/api/haproxy/reload");
  assert.equal(forced.status, 200, forced.text);
  assert.equal((await currentWorker(d)).pid, forced.body.workerPid);
  const reloaded = comparable(await runningRows(d, backend));
  assert.deepEqual(reloaded, runtime, "a forced reload runs exactly what the runtime apply set");
}
