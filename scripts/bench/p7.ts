/**
 * P7: cluster convergence. Three daemons (A paired with B and with C, each
 * with its own HAProxy and node-local frontend port) and a fourth, solo,
 * daemon, side by side in one run (the order alternates each round). Each
 * round flips the one server between two loopback backends: (a) a `PUT
 * /api/state` on the solo daemon until its HAProxy serves the new backend,
 * (b) a `PUT` on A until B's and C's HAProxies both serve it. Printed: the
 * medians and (b) ÷ (a). Traffic is polled every 2 ms on fresh connections.
 *
 * Every daemon is `patchpanel serve` in its own process with the default
 * config and plugins (_daemon.ts), as users run nodes: HTTPS with the
 * self-signed certificate made on first start, which peers pin. Each
 * round's weight is new: patchpanel remembers a passed `haproxy -c` for
 * 30 s (core/apply/check_memo.ts), and flipping between two states would
 * measure that instead of an apply.
 *
 * Run through `deno task bench p7`, or alone: `deno run -A scripts/bench/p7.ts`.
 *
 * @module
 */
import {
  freePort,
  simpleState,
  startBackend,
  through,
  waitFor,
} from "../../tests/support/daemon.ts";
import { type DaemonProcess, startDaemonProcess } from "./_daemon.ts";
import { median } from "./_util.ts";

const ROUNDS = Number(Deno.env.get("BENCH_P7_ROUNDS") ?? 15);

/** A daemon process and a client that trusts its certificate. */
interface Node {
  d: DaemonProcess;
  client: Deno.HttpClient;
}

async function node(): Promise<Node> {
  const d = await startDaemonProcess();
  const client = Deno.createHttpClient({
    caCerts: [await Deno.readTextFile(`${d.paths.tls}/cert.pem`)],
  });
  return { d, client };
}

async function api(n: Node, method: string, path: string, body?: unknown) {
  const res = await fetch(`${n.d.url}${path}`, {
    method,
    client: n.client,
    headers: { authorization: `Bearer ${n.d.token}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, text, body: text ? JSON.parse(text) : null };
}

async function pair(from: Node, to: Node, name: string): Promise<void> {
  const minted = await api(to, "POST", "/api/peers/inbound-tokens", { label: "bench" });
  const added = await api(from, "POST", "/api/peers", {
    url: to.d.url,
    name,
    token: minted.body.token,
  });
  if (added.status !== 201) throw new Error(`pairing ${name}: ${added.text}`);
}

async function putUntil(n: Node, state: unknown, ports: number[], body: string): Promise<number> {
  const t0 = performance.now();
  const r = await api(n, "PUT", "/api/state", state);
  if (r.status !== 200) throw new Error(`PUT: ${r.text}`);
  for (const port of ports) {
    if (!await waitFor(async () => (await through(port)).body === body, 30_000, 2)) {
      throw new Error(`port ${port} never served ${body}`);
    }
  }
  return performance.now() - t0;
}

/** Runs P7 and prints its figures. */
export default async function p7(): Promise<void> {
  const backends = [startBackend("x"), startBackend("y")];
  const [feSolo, feA, feB, feC] = [freePort(), freePort(), freePort(), freePort()];
  const nodes: Node[] = [];
  try {
    for (let i = 0; i < 4; i++) nodes.push(await node());
    const [solo, a, b, c] = nodes;
    await api(b, "PUT", "/api/node-config", { binds: { "fe-main/0": `127.0.0.1:${feB}` } });
    await api(c, "PUT", "/api/node-config", { binds: { "fe-main/0": `127.0.0.1:${feC}` } });
    await pair(a, b, "b");
    await pair(a, c, "c");
    const single: number[] = [];
    const cluster: number[] = [];
    for (let i = 0; i <= ROUNDS; i++) {
      const be = backends[i % 2];
      const name = i % 2 === 0 ? "x" : "y";
      const servers = [{ name: "w", address: be.address, weight: 1 + i }];
      const runSolo = () => putUntil(solo, simpleState(feSolo, servers), [feSolo], name);
      const runCluster = () => putUntil(a, simpleState(feA, servers), [feB, feC], name);
      let s: number, k: number;
      if (i % 2 === 0) {
        s = await runSolo();
        k = await runCluster();
      } else {
        k = await runCluster();
        s = await runSolo();
      }
      // Round 0 warms both up (first config, first pairing contact) and is not counted.
      if (i > 0) {
        single.push(s);
        cluster.push(k);
      }
    }
    const ms = (x: number) => `${x.toFixed(1)} ms`;
    console.log(
      `P7 single-node apply until served (median of ${single.length}): ${ms(median(single))}`,
    );
    console.log(
      `P7 PUT on A until B and C serve (median of ${cluster.length}): ${ms(median(cluster))}`,
    );
    console.log(`P7 cluster ÷ single: ${(median(cluster) / median(single)).toFixed(2)}`);
  } finally {
    for (const n of nodes) {
      n.client.close();
      await n.d.stop();
    }
    for (const be of backends) await be.close();
  }
}

if (import.meta.main) await p7();
