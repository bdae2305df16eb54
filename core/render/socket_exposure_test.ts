import assert from "node:assert/strict";
import { composeStateSchema } from "../state/schema.ts";
import { dataPaths } from "../paths.ts";
import { renderState } from "./render.ts";
import { socketExposure } from "./haproxy.ts";

const schema = composeStateSchema({}, []);
const render = (statsSockets: unknown[]) =>
  renderState(
    schema.parse({ haproxy: { global: { statsSockets } } }),
    { paths: dataPaths("/tmp/pp-exposure") },
  );

Deno.test("socketExposure - warns only for admin level on every interface", () => {
  const cases: [unknown, boolean][] = [
    [{ kind: "ipv4", host: "*", port: 9999, level: "admin" }, true],
    [{ kind: "ipv4", host: "0.0.0.0", port: 9999, level: "admin" }, true],
    [{ kind: "ipv6", host: "::", port: 9999, level: "admin" }, true],
    [{ kind: "ipv4", host: "*", port: 9999, level: "operator" }, false],
    [{ kind: "ipv4", host: "127.0.0.1", port: 9999, level: "admin" }, false],
    [{ kind: "ipv6", host: "::1", port: 9999, level: "admin" }, false],
    [{ kind: "unix", path: "/run/x.sock", level: "admin" }, false],
  ];
  for (const [socket, warns] of cases) {
    const parsed = schema.parse({ haproxy: { global: { statsSockets: [socket] } } });
    const s = parsed.haproxy.global.statsSockets[0];
    assert.equal(socketExposure(s) !== null, warns, JSON.stringify(socket));
  }
});

Deno.test("render - an exposed admin socket renders and carries a warning naming it", () => {
  const r = render([
    { kind: "unix", path: "/run/x.sock", level: "admin" },
    { kind: "ipv4", host: "*", port: 9999, level: "admin", exposeFdListeners: true },
  ]);
  assert.match(r.text, /^\s*stats socket ipv4@\*:9999 level admin expose-fd listeners$/m);
  assert.equal(r.warnings.length, 1);
  assert.deepEqual(r.warnings[0].entity, { kind: "statsSocket", id: "1" });
  assert.match(r.warnings[0].message, /ipv4@\*:9999 exposes the admin-level Runtime API/);
  assert.match(r.text, /stats socket \/tmp\/pp-exposure\/admin\.sock mode 600 level admin/);
});
