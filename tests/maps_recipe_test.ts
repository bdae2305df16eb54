/**
 * The README's host-map recipe ("Maps, error pages and process control"),
 * read from the README and run verbatim in bash against a daemon over HTTPS:
 * 1,000 hosts from a CSV become one map and one `use_backend`, traffic
 * through HAProxy follows it, and the run-time move of one host answers
 * `set` and reroutes that host without a reload.
 *
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { freePort, startTestDaemon } from "./support/daemon.ts";
import { serveNamed } from "./support/live.ts";
import { defaultPlugins } from "../plugins/mod.ts";

const README = new URL("../README.md", import.meta.url);

/** The first ```sh block after the README's maps paragraph. */
async function recipe(): Promise<string> {
  const text = await Deno.readTextFile(README);
  const at = text.indexOf("## Maps, error pages and process control");
  assert.ok(at >= 0, "the README has the maps section");
  const start = text.indexOf("```sh\n", at) + "```sh\n".length;
  return text.slice(start, text.indexOf("```", start));
}

/** One request with `host` on a fresh connection: the backend's name, or the status. */
async function viaHost(port: number, host: string): Promise<string> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const req = `GET / HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`;
  await conn.write(new TextEncoder().encode(req));
  const text = await new Response(conn.readable).text();
  const [head, body = ""] = text.split("\r\n\r\n");
  const status = head.split(" ")[1];
  return status === "200" ? body : `status ${status}`;
}

Deno.test("maps recipe - the README's host map routes 1,000 hosts; one moves at run time, no reload", async () => {
  const web = serveNamed("web-pool");
  const shop = serveNamed("shop-pool");
  const fe = freePort();
  const work = await Deno.makeTempDir({ prefix: "pp-maps-recipe-" });
  const d = await startTestDaemon({
    plugins: defaultPlugins(),
    config: { https: { enabled: true } },
    state: {
      version: 1,
      haproxy: {
        defaults: { mode: "http", timeouts: { connect: "2s", client: "10s", server: "10s" } },
        frontends: [{
          id: "fe",
          binds: [{ address: `127.0.0.1:${fe}` }],
          defaultBackend: "web-pool",
        }],
        backends: [web, shop].map((b) => ({
          id: b.name,
          servers: [{ name: "s", address: b.address, check: false }],
        })),
      },
    },
  });
  try {
    const csv = Array.from({ length: 1000 }, (_, i) =>
      `host-${i}.test,${i % 2 ? "shop-pool" : "web-pool"}`).join("\n") + "\n";
    await Deno.writeTextFile(join(work, "hosts.csv"), csv);
    const script = (await recipe()).replaceAll("https://127.0.0.1:8099", d.url);
    const reloadsBefore = async () =>
      (await d.haproxy.showProc())!.reloads;
    // The apply part first (everything before the run-time move), then the move alone.
    const [apply, move] = script.split("# Later:");
    const run = async (part: string) => {
      const out = await new Deno.Command("bash", {
        args: ["-c", `set -euo pipefail\n${part}`],
        cwd: work,
        env: { PP_TOKEN: d.adminToken, CURL_CA_BUNDLE: join(d.paths.tls, "cert.pem") },
      }).output();
      const dec = new TextDecoder();
      assert.equal(out.code, 0, dec.decode(out.stderr) + dec.decode(out.stdout));
      return dec.decode(out.stdout);
    };
    await run(apply);
    const state = (await d.api("GET", "/api/state")).body;
    assert.equal(state.maps[0].entries.length, 1000);
    for (const i of [0, 1, 2, 3, 998, 999]) {
      assert.equal(await viaHost(fe, `host-${i}.test`), i % 2 ? "shop-pool" : "web-pool");
    }
    assert.equal(await viaHost(fe, "other.test"), "web-pool", "the map's default");

    const before = await reloadsBefore();
    const moved = await run("# Later:" + move);
    assert.equal(moved.trim(), "set");
    assert.equal(await viaHost(fe, "host-0.test"), "shop-pool");
    assert.equal(await reloadsBefore(), before, "the run-time move did not reload");
    const after = (await d.api("GET", "/api/state")).body;
    assert.deepEqual(
      after.maps[0].entries.find((e: { key: string }) => e.key === "host-0.test"),
      { key: "host-0.test", value: "shop-pool" },
    );
  } finally {
    await d.stop();
    await web.close();
    await shop.close();
    await Deno.remove(work, { recursive: true });
  }
});
