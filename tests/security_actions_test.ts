// deno-lint-ignore-file no-explicit-any
/**
 * Issue 14, as a hostile operator (and an admin) would try it against a real
 * daemon and HAProxy: code execution through `lua-load` of a file-backed ACL,
 * reading host files through `http-request return … file`, and
 * `external-check`. Each is a 422 from PUT and from the dry-run plan, before
 * anything is rendered or `haproxy -c` runs (it would load the Lua); a marker
 * file the payload would write stays absent, and state and cfg are unchanged.
 *
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  freePort,
  simpleState,
  startBackend,
  startTestDaemon,
  type TestDaemon,
  through,
} from "./support/daemon.ts";

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch {
    return false;
  }
}

/** What must not change when a state is refused. */
async function fingerprint(d: TestDaemon) {
  const state = await d.api("GET", "/api/state");
  return { etag: state.headers.get("etag"), cfg: await Deno.readTextFile(d.paths.cfg) };
}

/** The lua-load attack: an ACL file holding Lua that writes `marker`, loaded as a script. */
function rceState(fe: number, app: string, d: TestDaemon, marker: string): any {
  const s: any = simpleState(fe, [{ name: "a", address: app }]);
  s.acls = [{
    name: "pwn",
    criterion: "hdr(x-pwn)",
    file: true,
    values: [`os.execute("id>${marker}")`],
  }];
  s.haproxy.global = { rawDirectives: [`lua-load ${join(d.paths.acls, "pwn.lst")}`] };
  s.haproxy.frontends[0].useBackends = [{ backend: "app", cond: "if pwn" }];
  return s;
}

function assert422(res: { status: number; body: any; text: string }, path: unknown[], why: RegExp) {
  assert.equal(res.status, 422, res.text);
  assert.equal(res.body.error, "ValidationError");
  const hit = res.body.issues.find((i: any) => JSON.stringify(i.path) === JSON.stringify(path));
  assert.ok(hit, `no issue at ${JSON.stringify(path)}: ${res.text}`);
  assert.match(hit.message, why);
}

Deno.test("security - without the opt-in, raw directives, file reads and external checks are 422s", async () => {
  const app = startBackend("app");
  const fe = freePort();
  const d = await startTestDaemon({
    state: simpleState(fe, [{ name: "a", address: app.address }]),
  });
  const scratch = await Deno.makeTempDir({ prefix: "pp-sec-" });
  try {
    const before = await fingerprint(d);
    const operator = await d.mintToken("operator");
    const marker = join(scratch, "rce-marker");
    const rce = rceState(fe, app.address, d, marker);
    const rawPath = ["haproxy", "global", "rawDirectives", 0];
    for (const as of ["admin", operator]) {
      for (const route of ["/api/state", "/api/state/plan"]) {
        const method = route === "/api/state" ? "PUT" : "POST";
        const res = await d.api(method, route, rce, {}, { as });
        if (as === operator) {
          // Field-level roles refuse an operator's raw directive first (core/security/).
          assert.equal(res.status, 403, res.text);
          assert.deepEqual(res.body.paths, ["haproxy.global.rawDirectives.0"]);
        } else {
          assert422(res, rawPath, /raw directives are disabled.*security\.allowRawDirectives/);
        }
      }
    }
    assert.equal(await exists(marker), false, "the Lua payload ran");
    assert.equal(
      await exists(join(d.paths.acls, "pwn.lst")),
      false,
      "the payload file was written",
    );

    // Reading a host file through the public frontend.
    const leak: any = simpleState(fe, [{ name: "a", address: app.address }]);
    leak.haproxy.frontends[0].httpRequest = [
      { action: "set-header X-A b" },
      { action: "allow" },
      {
        action: "return status 200 content-type text/plain file /etc/shadow",
        cond: "if { path /leak }",
      },
    ];
    const leakPath = ["haproxy", "frontends", 0, "httpRequest", 2, "action"];
    const leakByOperator = await d.api("PUT", "/api/state", leak, {}, { as: operator });
    assert.equal(leakByOperator.status, 403, leakByOperator.text); // a file response needs admin
    assert422(await d.api("PUT", "/api/state", leak), leakPath, /outside/);
    assert422(await d.api("POST", "/api/state/plan", leak), leakPath, /outside/);
    leak.haproxy.frontends[0].httpRequest[2].action =
      `return status 200 content-type text/plain file ${join(d.paths.tls, "key.pem")}`;
    assert422(
      await d.api("PUT", "/api/state", leak),
      leakPath,
      /patchpanel's (own files|TLS key pair)/,
    );
    leak.haproxy.frontends[0].httpRequest[2] = {
      action: "deny",
      cond: "if { req.hdr(x-probe) -m beg -f /etc/shadow }",
    };
    assert422(
      await d.api("PUT", "/api/state", leak),
      ["haproxy", "frontends", 0, "httpRequest", 2, "cond"],
      /-f.*outside/,
    );

    // external-check as a typed option.
    const check: any = simpleState(fe, [{ name: "a", address: app.address }]);
    check.haproxy.backends[0].options = ["external-check"];
    assert422(
      await d.api("PUT", "/api/state", check),
      ["haproxy", "backends", 0, "options", 0],
      /external-check/,
    );
    assert.deepEqual(await fingerprint(d), before, "a refused state changed state or cfg");

    // A payload file inside the data directory is served.
    const page = join(d.dataDir, "pages", "hello.txt");
    await Deno.mkdir(join(d.dataDir, "pages"));
    await Deno.writeTextFile(page, "hello from the data dir\n");
    const ok: any = simpleState(fe, [{ name: "a", address: app.address }]);
    ok.haproxy.frontends[0].httpRequest = [{
      action: `return status 200 content-type text/plain file ${page}`,
      cond: "if { path /hello }",
    }];
    // A file response names a host path, so it is the admin's to apply (core/security/).
    const applied = await d.api("PUT", "/api/state", ok);
    assert.equal(applied.status, 200, applied.text);
    assert.deepEqual(await through(fe, "/hello"), {
      status: 200,
      body: "hello from the data dir\n",
    });
    assert.equal((await through(fe, "/")).body, "app");
  } finally {
    await d.stop();
    await app.close();
    await Deno.remove(scratch, { recursive: true });
  }
});

Deno.test("security - with raw directives enabled, Lua, external checks and paths outside stay refused", async () => {
  const app = startBackend("app");
  const fe = freePort();
  const d = await startTestDaemon({
    config: { security: { allowRawDirectives: true } },
    state: simpleState(fe, [{ name: "a", address: app.address }]),
  });
  const scratch = await Deno.makeTempDir({ prefix: "pp-sec-" });
  try {
    const before = await fingerprint(d);
    const marker = join(scratch, "rce-marker");
    const rce = rceState(fe, app.address, d, marker);
    const rawPath = ["haproxy", "global", "rawDirectives", 0];
    assert422(await d.api("POST", "/api/state/plan", rce), rawPath, /'lua-load' is never allowed/);
    assert422(await d.api("PUT", "/api/state", rce), rawPath, /'lua-load' is never allowed/);
    assert.equal(await exists(marker), false, "the Lua payload ran");

    const fork: any = simpleState(fe, [{ name: "a", address: app.address }]);
    fork.haproxy.global = { rawDirectives: ["insecure-fork-wanted"] };
    fork.haproxy.backends[0].options = ["external-check"];
    fork.haproxy.backends[0].rawDirectives = ["external-check command /bin/true"];
    const res = await d.api("PUT", "/api/state", fork);
    assert422(res, rawPath, /'insecure-fork-wanted' is never allowed/);
    assert422(res, ["haproxy", "backends", 0, "options", 0], /external-check/);
    assert422(res, ["haproxy", "backends", 0, "rawDirectives", 0], /'external-check' is never/);

    const leak: any = simpleState(fe, [{ name: "a", address: app.address }]);
    leak.haproxy.frontends[0].rawDirectives = [
      "http-request return status 200 content-type text/plain file /etc/shadow if { path /leak }",
    ];
    assert422(
      await d.api("PUT", "/api/state", leak),
      ["haproxy", "frontends", 0, "rawDirectives", 0],
      /outside the data directory/,
    );
    assert.deepEqual(await fingerprint(d), before, "a refused state changed state or cfg");

    // An ordinary raw directive is what the opt-in is for.
    const ok: any = simpleState(fe, [{ name: "a", address: app.address }]);
    ok.haproxy.backends[0].rawDirectives = ["http-response set-header X-Raw yes"];
    const applied = await d.api("PUT", "/api/state", ok);
    assert.equal(applied.status, 200, applied.text);
    assert.equal((await through(fe, "/")).body, "app");
  } finally {
    await d.stop();
    await app.close();
    await Deno.remove(scratch, { recursive: true });
  }
});
