import assert from "node:assert/strict";
import { haproxyBuild, parseHaproxyVv, resolveBinary } from "./version.ts";
import { COMMANDS, runCli } from "./cli.ts";

const DEBIAN_VV = `HAProxy version 2.6.12-1+deb12u4 2026/10/17 - https://haproxy.org/
Build options :
  OPTIONS = USE_PCRE2=1 USE_OPENSSL=1 USE_LUA=1 USE_SLZ=1 USE_SYSTEMD=1 USE_PROMEX=1
Feature list : +EPOLL +LUA +OPENSSL +PROMEX -QUIC
Built with OpenSSL version : OpenSSL 3.0.22 25 Aug 2026
Built with Lua version : Lua 5.3.6
Available services : prometheus-exporter
`;

const MINIMAL_VV = `HAProxy version 2.6.9 2023/02/15 - https://haproxy.org/
Build options :
  OPTIONS = USE_PCRE2=1
Feature list : +EPOLL -LUA -OPENSSL -PROMEX
Available services : none
`;

Deno.test("version - haproxy -vv: version, Lua, Prometheus exporter and OpenSSL are read", () => {
  assert.deepEqual(parseHaproxyVv(DEBIAN_VV), {
    version: "2.6.12-1+deb12u4",
    lua: true,
    prometheus: true,
    openssl: "OpenSSL 3.0.22 25 Aug 2026",
  });
  assert.deepEqual(parseHaproxyVv(MINIMAL_VV), {
    version: "2.6.9",
    lua: false,
    prometheus: false,
    openssl: null,
  });
});

Deno.test("version - the host's haproxy is found on PATH and asked for its build", async () => {
  const build = await haproxyBuild("haproxy");
  assert.ok(build.path?.startsWith("/"), JSON.stringify(build));
  assert.match(build.version ?? "", /^2\.6\./);
  assert.equal(build.error, undefined);
  assert.equal(await resolveBinary("haproxy", "/nonexistent-dir"), null);
  const missing = await haproxyBuild("/nonexistent/haproxy");
  assert.equal(missing.version, null);
  assert.match(missing.error ?? "", /no such executable/);
});

Deno.test("version - the version command prints patchpanel, Deno and HAProxy", async () => {
  const dir = await Deno.makeTempDir({ prefix: "pp-version-" });
  const lines: string[] = [];
  const log = console.log;
  console.log = (...a: unknown[]) => lines.push(a.join(" "));
  try {
    assert.equal(await runCli(["version", "--data-dir", dir], []), 0);
    assert.equal(await runCli(["version", "--data-dir", dir, "--json"], []), 0);
    await Deno.writeTextFile(
      `${dir}/config.yaml`,
      "haproxy: {mode: embedded, binary: /no/haproxy}\n",
    );
    assert.equal(await runCli(["version", "--data-dir", dir], []), 1);
    for (const c of COMMANDS) assert.equal(await runCli([c, "--help"], []), 0, c);
  } finally {
    console.log = log;
    await Deno.remove(dir, { recursive: true });
  }
  const text = lines.join("\n");
  assert.match(text, /^patchpanel \d+\.\d+\.\d+$/m);
  assert.match(text, new RegExp(`^deno ${Deno.version.deno.replaceAll(".", "\\.")} `, "m"));
  assert.match(text, /^haproxy 2\.6\.\S+ \(\/.*haproxy\)$/m);
  assert.match(text, /lua: (yes|no), prometheus exporter: (yes|no), openssl: /);
  const json = JSON.parse(lines.find((l) => l.startsWith("{"))!);
  assert.equal(json.deno.deno, Deno.version.deno);
  assert.match(json.haproxy.version, /^2\.6\./);
  assert.match(text, /haproxy: \/no\/haproxy: no such executable/);
});
