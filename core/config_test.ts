import assert from "node:assert/strict";
import { z } from "zod";
import { parseConfig } from "./config.ts";
import { StartupError } from "./errors.ts";

function refused(text: string, fragments: Record<string, z.ZodType> = {}): StartupError {
  try {
    parseConfig(text, fragments);
  } catch (e) {
    assert.ok(e instanceof StartupError, String(e));
    assert.equal(e.code, "CONFIG_INVALID");
    return e;
  }
  assert.fail(`config was accepted:\n${text}`);
}

Deno.test("parseConfig - an empty file gives the embedded defaults", () => {
  const c = parseConfig("");
  assert.equal(c.listen, "127.0.0.1:8099");
  assert.equal(c.dataDir, "./.patchpanel");
  assert.equal(c.https.enabled, true);
  assert.deepEqual(c.haproxy, {
    mode: "embedded",
    binary: "haproxy",
    checkTimeoutMs: 30_000,
    reloadTimeoutMs: 15_000,
  });
  assert.equal(c.apply.lockWaitMs, 30_000);
  assert.equal(c.logging.auditRetentionDays, 365);
  assert.equal(c.rateLimit.writeMax, 60);
});

Deno.test("parseConfig - reads YAML including attach mode", () => {
  const c = parseConfig(`
listen: 127.0.0.1:9000
haproxy:
  mode: attach
  masterSocket: /run/haproxy/master.sock
  cfgPath: /etc/haproxy/haproxy.cfg
logging:
  auditRetentionDays: 30
`);
  assert.equal(c.listen, "127.0.0.1:9000");
  assert.equal(c.haproxy.mode, "attach");
  assert.equal(c.logging.auditRetentionDays, 30);
});

Deno.test("parseConfig - an unknown top-level key is named", () => {
  const e = refused("listen: 127.0.0.1:9000\nlistne: 1\n");
  assert.match(e.message, /unknown key 'listne'/);
});

Deno.test("parseConfig - an unknown nested key is named with its path", () => {
  assert.match(
    refused("logging:\n  quiet: true\n  auditRetentionDay: 3\n").message,
    /'logging\.auditRetentionDay'/,
  );
  assert.match(refused("rateLimit:\n  writemax: 3\n").message, /'rateLimit\.writemax'/);
  assert.match(refused("https:\n  enable: false\n").message, /'https\.enable'/);
});

Deno.test("parseConfig - a mistyped value names the key", () => {
  assert.match(
    refused("logging:\n  auditRetentionDays: forever\n").message,
    /'logging\.auditRetentionDays'/,
  );
  assert.match(refused("https:\n  enabled: 'yes'\n").message, /'https\.enabled'/);
  assert.match(refused("listen: nowhere\n").message, /'listen'/);
  assert.match(refused("haproxy:\n  mode: attach\n").message, /'haproxy\.masterSocket'|haproxy/);
});

Deno.test("parseConfig - malformed YAML is a CONFIG_INVALID", () => {
  assert.match(refused("listen: [unclosed\n").message, /not valid YAML/);
});

Deno.test("parseConfig - plugin sections are validated by their fragments", () => {
  const fragments = {
    geoip: z.object({ db: z.string().default("x.mmdb") }).strict().default({ db: "x.mmdb" }),
  };
  const c = parseConfig("geoip:\n  db: /tmp/a.mmdb\n", fragments);
  assert.deepEqual(c.geoip, { db: "/tmp/a.mmdb" });
  assert.match(refused("geoip:\n  dbb: 1\n", fragments).message, /'geoip\.dbb'/);
});

Deno.test("parseConfig - raw directives are off unless security.allowRawDirectives says so", () => {
  assert.equal(parseConfig("").security.allowRawDirectives, false);
  assert.equal(
    parseConfig("security:\n  allowRawDirectives: true\n").security.allowRawDirectives,
    true,
  );
  assert.match(refused("security:\n  allowRaw: true\n").message, /security\.allowRaw/);
  assert.match(
    refused("security:\n  allowRawDirectives: yes-please\n").message,
    /allowRawDirectives/,
  );
});
