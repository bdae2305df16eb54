/**
 * Every reload goes through the apply lock: `POST /api/haproxy/reload` and
 * a plugin's `host.haproxy.reload()` sent while an apply is in flight wait
 * for it to finish. The apply is held inside its `haproxy -c` by a wrapper
 * binary that waits for a gate file to disappear.
 *
 * @module
 */
import assert from "node:assert/strict";
import { definePlugin, type PluginHost } from "../core/plugin.ts";
import { freePort, simpleState, startBackend, startTestDaemon, waitFor } from "./support/daemon.ts";

/** A haproxy that, for `-c` while `gate` exists, touches `waiting` and waits. */
async function gatedHaproxy(
  dir: string,
): Promise<{ binary: string; gate: string; waiting: string }> {
  const real = new TextDecoder().decode(
    (await new Deno.Command("sh", { args: ["-c", "command -v haproxy"], stdout: "piped" }).output())
      .stdout,
  ).trim();
  const gate = `${dir}/gate`;
  const waiting = `${dir}/waiting`;
  const binary = `${dir}/haproxy-gated`;
  await Deno.writeTextFile(
    binary,
    `#!/bin/sh
case " $* " in *" -c "*)
  if [ -e '${gate}' ]; then touch '${waiting}'; while [ -e '${gate}' ]; do sleep 0.05; done; fi;;
esac
exec '${real}' "$@"
`,
  );
  await Deno.chmod(binary, 0o755);
  return { binary, gate, waiting };
}

/** Settles to "pending" unless `p` settled first within `ms` (a bound, not an assertion). */
function stillPending(p: Promise<unknown>, ms: number): Promise<boolean> {
  return Promise.race([
    p.then(() => false, () => false),
    new Promise<boolean>((r) => setTimeout(() => r(true), ms)),
  ]);
}

/** `state` with its first server's `maxconn` set (a change the runtime path checks). */
function withMaxconn(state: Record<string, unknown>, maxconn: number): Record<string, unknown> {
  const s = state as { haproxy: { backends: { servers: Record<string, unknown>[] }[] } };
  s.haproxy.backends[0].servers[0].maxconn = maxconn;
  return state;
}

Deno.test("reload lock - a reload during an apply waits for it (route and host)", async () => {
  const dir = await Deno.makeTempDir({ prefix: "pp-reload-lock-" });
  const backend = startBackend("one");
  const fe = freePort();
  const gated = await gatedHaproxy(dir);
  let host: PluginHost | null = null;
  const grab = definePlugin({
    name: "grab-host",
    setup(h) {
      host = h;
    },
  });
  const d = await startTestDaemon({
    plugins: [grab],
    config: { haproxy: { mode: "embedded", binary: gated.binary } },
    state: simpleState(fe, [{ name: "one", address: backend.address }]),
  });
  try {
    await Deno.writeTextFile(gated.gate, "");
    const finished: string[] = [];
    const apply = d.api(
      "PUT",
      "/api/state",
      // Not a weight alone, whose check is proven and skipped: this apply must run haproxy -c.
      withMaxconn(simpleState(fe, [{ name: "one", address: backend.address, weight: 9 }]), 9),
    ).then((r) => {
      finished.push("apply");
      return r;
    });
    assert.ok(await waitFor(() => Deno.stat(gated.waiting).then(() => true, () => false), 20_000));
    const viaRoute = d.api("POST", "/api/haproxy/reload").then((r) => {
      finished.push("route reload");
      return r;
    });
    const viaHost = host!.haproxy.reload().then((r) => {
      finished.push("host reload");
      return r;
    });
    // Unlocked, both reloads finish while the apply is held (a reload takes well under this).
    assert.ok(await stillPending(viaRoute, 3000), "the route's reload waits for the apply");
    assert.ok(await stillPending(viaHost, 100), "the host's reload waits for the apply");
    await Deno.remove(gated.gate);
    const [a, r, h] = await Promise.all([apply, viaRoute, viaHost]);
    assert.equal(a.status, 200, a.text);
    assert.equal(r.status, 200, r.text);
    assert.ok(h.ok);
    assert.equal(finished[0], "apply", finished.join(", "));
  } finally {
    await Deno.remove(gated.gate).catch(() => {});
    await d.stop();
    await backend.close();
    await Deno.remove(dir, { recursive: true });
  }
});
