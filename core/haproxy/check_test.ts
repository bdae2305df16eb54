import assert from "node:assert/strict";
import { checkConfig, haproxyVersion } from "./check.ts";
import { freePort, HAPROXY_BIN, layout, writeCfg } from "./test_support.ts";

Deno.test("checkConfig - accepts a valid file and rejects a broken one verbatim", async () => {
  const l = await layout();
  await writeCfg(l, { frontendPort: freePort() });
  const good = await checkConfig(HAPROXY_BIN, l.cfgPath);
  assert.equal(good.ok, true);
  assert.match(good.output, /Configuration file is valid/);
  await Deno.writeTextFile(l.cfgPath, "global\n  frobnicate yes\n");
  const bad = await checkConfig(HAPROXY_BIN, l.cfgPath);
  assert.equal(bad.ok, false);
  assert.match(bad.output, /\[ALERT\].*unknown keyword 'frobnicate'/);
  await Deno.remove(l.dir, { recursive: true });
});

Deno.test("checkConfig - a missing binary is not ok and says why", async () => {
  const res = await checkConfig("/nonexistent/haproxy", "/tmp/x.cfg");
  assert.equal(res.ok, false);
  assert.match(res.output, /cannot run/);
});

Deno.test("haproxyVersion - reports major.minor.patch", async () => {
  assert.match((await haproxyVersion(HAPROXY_BIN)) ?? "", /^\d+\.\d+\.\d+$/);
  assert.equal(await haproxyVersion("/nonexistent/haproxy"), null);
});
