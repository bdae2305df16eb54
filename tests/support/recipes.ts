// deno-lint-ignore-file no-explicit-any
/**
 * Test support for running the spec's curl and jq recipes: bash in a work
 * directory with the example host swapped for a daemon's URL, `$PP_TOKEN`
 * and `CURL_CA_BUNDLE` in the environment, and a daemon over HTTPS with the
 * state the recipes name (frontend `fe-https`, pool `web-pool`, stick table
 * `rate_per_ip`, `acls[0]`).
 *
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { defaultPlugins } from "../../plugins/mod.ts";
import { freePort, startBackend, startTestDaemon, type TestDaemon } from "./daemon.ts";

/** The host the spec's recipes are written for. */
export const HOST = "https://patchpanel.example.com:8099";

/** What one bash run gave. */
export interface Shell {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `script` in bash (`set -euo pipefail`) in `cwd`, the example host swapped for the daemon. */
export async function bash(
  d: TestDaemon,
  cwd: string,
  script: string,
  env: Record<string, string> = {},
): Promise<Shell> {
  const out = await new Deno.Command("bash", {
    args: ["-c", `set -euo pipefail\n${script.replaceAll(HOST, d.url)}`],
    cwd,
    env: {
      PP_TOKEN: d.adminToken,
      CURL_CA_BUNDLE: join(d.paths.tls, "cert.pem"),
      ...env,
    },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/** Runs one recipe that must succeed and print one JSON document. */
export async function json(d: TestDaemon, cwd: string, script: string): Promise<any> {
  const r = await bash(d, cwd, script);
  assert.equal(r.code, 0, `${script}\n${r.stderr}${r.stdout}`);
  return JSON.parse(r.stdout);
}

/** The state the recipes expect: frontend fe-https, pool web-pool, table rate_per_ip, acls[0]. */
export function recipeState(fe: number, web1: string, web2: string, held: string) {
  return {
    version: 1,
    haproxy: {
      defaults: { mode: "http", timeouts: { connect: "2s", client: "10s", server: "10s" } },
      frontends: [{
        id: "fe-https",
        binds: [{ address: `127.0.0.1:${fe}` }],
        httpRequest: [{ action: "track-sc0 req.hdr_ip(x-client) table rate_per_ip" }],
        useBackends: [
          { backend: "slow", cond: "if is_slow" },
          { backend: "web-pool", cond: "if allowed_hosts" },
        ],
        defaultBackend: "web-pool",
      }],
      backends: [
        {
          id: "web-pool",
          balance: { algorithm: "roundrobin" },
          servers: [
            { name: "web-1", address: web1, check: false },
            { name: "web-2", address: web2, check: false },
          ],
        },
        { id: "slow", servers: [{ name: "held", address: held, check: false }] },
        {
          id: "rate_per_ip",
          stickTable: { type: "ip", size: 1000, expire: "1m", store: ["http_req_cnt"] },
        },
      ],
    },
    acls: [
      { name: "allowed_hosts", criterion: "hdr(host)", flags: ["-i"], values: ["app.example.com"] },
      { name: "is_slow", criterion: "path_beg", values: ["/hold"] },
    ],
  };
}

/** A loopback backend that starts a chunked response and never finishes it. */
export function startHeldBackend() {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const conns: Deno.Conn[] = [];
  const loop = (async () => {
    for await (const c of l) {
      conns.push(c);
      await c.read(new Uint8Array(4096)).catch(() => null);
      await c.write(new TextEncoder().encode(
        "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhello\r\n",
      )).catch(() => 0);
    }
  })();
  return {
    address: `127.0.0.1:${(l.addr as Deno.NetAddr).port}`,
    async close() {
      l.close();
      for (const c of conns) c.close();
      await loop.catch(() => {});
    },
  };
}

/** A daemon with the default plugins over HTTPS, the recipe state applied, and a work dir. */
export async function withRecipeDaemon(
  fn: (ctx: { d: TestDaemon; work: string; fe: number }) => Promise<void>,
  config: Record<string, unknown> = {},
): Promise<void> {
  const web1 = startBackend("web-1");
  const web2 = startBackend("web-2");
  const held = startHeldBackend();
  const fe = freePort();
  const work = await Deno.makeTempDir({ prefix: "pp-spec-recipe-" });
  let d: TestDaemon | null = null;
  try {
    d = await startTestDaemon({
      plugins: defaultPlugins(),
      config: { https: { enabled: true }, ...config },
      state: recipeState(fe, web1.address, web2.address, held.address),
    });
    await fn({ d, work, fe });
  } finally {
    await d?.stop();
    await web1.close();
    await web2.close();
    await held.close();
    await Deno.remove(work, { recursive: true });
  }
}

/** HAProxy's `show info`, straight from the admin socket. */
export async function showInfo(d: TestDaemon): Promise<string> {
  const info = await d.haproxy.admin("show info");
  assert.ok(info.ok);
  return info.output;
}

/**
 * A Python interpreter that can import every module in `modules` (the first of `python3` on
 * the PATH and Debian's `/usr/bin/python3`), or null. A pyenv shim may shadow the system
 * interpreter that Debian's `python3-*` packages install into.
 */
export async function pythonWith(modules: string[]): Promise<string | null> {
  for (const bin of ["python3", "/usr/bin/python3"]) {
    const probe = await new Deno.Command(bin, {
      args: ["-c", `import ${modules.join(", ")}`],
      stdout: "null",
      stderr: "null",
    }).output().catch(() => null);
    if (probe?.success) return bin;
  }
  return null;
}
