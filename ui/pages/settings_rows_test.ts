import assert from "node:assert/strict";
import { isLoopbackHost, logsFromForm, socketsFromForm, socketWarning } from "./settings_rows.ts";

Deno.test("socketWarning - admin beyond loopback only", () => {
  const admin = (host: string) => ({ kind: "ipv4", host, port: 9999, level: "admin" });
  assert.match(socketWarning(admin("10.0.0.5")) ?? "", /10\.0\.0\.5:9999 has level admin/);
  assert.match(socketWarning(admin("*")) ?? "", /level admin/);
  assert.equal(socketWarning(admin("127.0.0.1")), null);
  assert.equal(socketWarning(admin("127.3.2.1")), null);
  assert.equal(socketWarning({ kind: "ipv6", host: "::1", port: 1, level: "admin" }), null);
  assert.equal(socketWarning({ ...admin("10.0.0.5"), level: "operator" }), null);
  assert.equal(socketWarning({ kind: "unix", path: "/run/x.sock", level: "admin" }), null);
  assert.equal(isLoopbackHost("128.0.0.1"), false);
});

Deno.test("logsFromForm - blank and removed rows dropped, unedited fields kept", () => {
  const form = new URLSearchParams([
    ["global.logs.0.target", "127.0.0.1:514"],
    ["global.logs.0.facility", "local2"],
    ["global.logs.0.level", "info"],
    ["global.logs.0.format", ""],
    ["global.logs.1.target", "stdout"],
    ["global.logs.1.remove", "0"],
    ["global.logs.1.remove", "1"],
    ["global.logs.2.target", " "],
  ]);
  assert.deepEqual(
    logsFromForm(form, [{ target: "old", facility: "local0", level: "err", minLevel: "crit" }]),
    [{ target: "127.0.0.1:514", facility: "local2", level: "info", minLevel: "crit" }],
  );
});

Deno.test("socketsFromForm - unix and ip rows, a changed kind drops the old fields", () => {
  const form = new URLSearchParams([
    ["global.statsSockets.0.kind", "ipv4"],
    ["global.statsSockets.0.host", "127.0.0.1"],
    ["global.statsSockets.0.port", "9999"],
    ["global.statsSockets.0.level", "admin"],
    ["global.statsSockets.1.kind", "unix"],
    ["global.statsSockets.1.path", "/run/hap.sock"],
    ["global.statsSockets.1.mode", "660"],
    ["global.statsSockets.1.level", ""],
    ["global.statsSockets.2.kind", "ipv4"],
    ["global.statsSockets.2.host", ""],
    ["global.statsSockets.2.port", ""],
  ]);
  const existing = [
    { kind: "unix", path: "/old", user: "hap", level: "user" },
    { kind: "unix", path: "/x", group: "ops", level: "user" },
  ];
  assert.deepEqual(socketsFromForm(form, existing), [
    { kind: "ipv4", host: "127.0.0.1", port: 9999, level: "admin" },
    { kind: "unix", path: "/run/hap.sock", mode: "660", group: "ops", level: "operator" },
  ]);
});
