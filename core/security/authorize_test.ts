// deno-lint-ignore-file no-explicit-any
import assert from "node:assert/strict";
import { authorize, changedPaths } from "./authorize.ts";
import { FieldRoleError, FieldRoles } from "./field_roles.ts";
import { CORE_FIELD_ROLES } from "./core_roles.ts";
import { StateGuard } from "./state_guard.ts";
import { HttpError } from "../errors.ts";

const paths = (a: unknown, b: unknown) => changedPaths(a, b).map((c) => c.path);

Deno.test("changedPaths - scalars added, removed and replaced, nothing for equal documents", () => {
  const a = { x: 1, y: { z: "a", n: null }, list: [1, 2] };
  assert.deepEqual(paths(a, structuredClone(a)), []);
  assert.deepEqual(paths(a, { x: 2, y: { z: "a", n: null, w: true }, list: [1] }), [
    "x",
    "y.w",
    "list.1",
  ]);
  const [change] = changedPaths({ a: { b: 1 } }, { a: { b: 2 } });
  assert.deepEqual(change, { path: "a.b", segments: ["a", "b"], before: 1, after: 2 });
});

Deno.test("changedPaths - empty containers have no leaves; a subtree added or removed reports each leaf", () => {
  assert.deepEqual(paths({}, { raw: [], obj: {} }), []);
  assert.deepEqual(paths({ s: null }, { s: { bind: "x", admin: false } }), [
    "s",
    "s.bind",
    "s.admin",
  ]);
  assert.deepEqual(paths({ a: [{ k: 1 }] }, {}), ["a.0.k"]);
});

Deno.test("changedPaths - keyed arrays match items by id or name, so an insert shifts nothing", () => {
  const backend = (id: string) => ({ id, rawDirectives: ["x"], servers: [{ name: "s", w: 1 }] });
  const before = { backends: [backend("a"), backend("b")] };
  const after = { backends: [{ id: "new" }, backend("a"), backend("b")] };
  assert.deepEqual(paths(before, after), ["backends.0.id"]);
  // A removed item is reported at its old index; a reorder alone changes nothing.
  assert.deepEqual(paths(before, { backends: [backend("b")] }), [
    "backends.0.id",
    "backends.0.rawDirectives.0",
    "backends.0.servers.0.name",
    "backends.0.servers.0.w",
  ]);
  assert.deepEqual(paths(before, { backends: [backend("b"), backend("a")] }), []);
  // Unkeyed arrays (duplicate or missing keys, scalars) compare by index.
  assert.deepEqual(paths({ v: ["a", "b"] }, { v: ["z", "a", "b"] }), ["v.0", "v.1", "v.2"]);
  assert.deepEqual(paths({ v: [{ id: "a" }, { id: "a" }] }, { v: [{ id: "b" }, { id: "a" }] }), [
    "v.0.id",
  ]);
});

Deno.test("FieldRoles - most specific rule wins; unknown paths need admin; value rules only raise", () => {
  const roles = new FieldRoles([
    { path: "geo", role: "admin" },
    { path: "geo.enabled", role: "operator" },
    { path: "list.*.opts", role: "operator" },
    { path: "list.*.opts", role: "admin", value: "^danger" },
    { path: "list.0.opts", role: "viewer", value: "^harmless" },
  ]);
  assert.equal(roles.required(["geo", "db"]), "admin");
  assert.equal(roles.required(["geo", "enabled"]), "operator");
  assert.equal(roles.required(["nowhere", "x"]), "admin");
  assert.equal(roles.required(["list", 3, "opts", 0], "safe", "safer"), "operator");
  assert.equal(roles.required(["list", 3, "opts", 0], "safe", "danger!"), "admin");
  assert.equal(roles.required(["list", 3, "opts", 0], "danger!", undefined), "admin");
  // A value rule for a lower role never lowers the path's role.
  assert.equal(roles.required(["list", 0, "opts", 0], undefined, "harmless"), "operator");
  assert.throws(() => new FieldRoles([{ path: "a..b", role: "admin" }]), FieldRoleError);
  assert.throws(() => new FieldRoles([{ path: "a", role: "root" as "admin" }]), FieldRoleError);
  assert.throws(() => new FieldRoles([{ path: "a", role: "admin", value: "(" }]), FieldRoleError);
});

const core = new FieldRoles(CORE_FIELD_ROLES);

function state(patch: (s: Record<string, any>) => void = () => {}) {
  const s: Record<string, any> = {
    version: 1,
    haproxy: {
      global: { logs: [], tune: {}, statsSockets: [], rawDirectives: [] },
      defaults: { mode: "http", log: "global", options: ["httplog"], rawDirectives: [] },
      frontends: [{
        id: "fe",
        binds: [{ address: "127.0.0.1:80", options: [] }],
        options: [],
        httpRequest: [],
        tcpRequest: [],
        useBackends: [],
        rawDirectives: [],
      }],
      backends: [{
        id: "app",
        servers: [{ name: "a", address: "127.0.0.1:81", weight: 100 }],
        options: [],
        rawDirectives: [],
      }],
      stats: null,
    },
    acls: [{ name: "hosts", criterion: "hdr(host)", flags: ["-i"], values: ["a.test"] }],
  };
  patch(s);
  return s;
}

const refused = (patch: (s: Record<string, any>) => void) =>
  authorize("operator", changedPaths(state(), state(patch)), core).map((r) => r.path);

Deno.test("authorize - an operator may change traffic: weights, servers, backends, ACL values, routing", () => {
  assert.deepEqual(
    refused((s) => {
      s.haproxy.backends[0].servers[0].weight = 5;
      s.haproxy.backends[0].servers.push({ name: "b", address: "127.0.0.1:82" });
      s.haproxy.backends.unshift({ id: "new", servers: [], options: [], rawDirectives: [] });
      s.acls[0].values.push("b.test");
      s.haproxy.frontends[0].useBackends.push({ backend: "new", cond: "if hosts" });
      s.haproxy.frontends[0].httpRequest.push({ action: "redirect location /login" });
      s.haproxy.frontends[0].binds[0].options.push("accept-proxy");
      s.haproxy.defaults.options.push("forwardfor");
    }),
    [],
  );
});

Deno.test("authorize - an operator may not touch the control plane, the host or raw directives", () => {
  assert.deepEqual(
    refused((s) =>
      s.haproxy.global.statsSockets.push({
        kind: "ipv4",
        host: "127.0.0.1",
        port: 9999,
        level: "admin",
      })
    ),
    [
      "haproxy.global.statsSockets.0.kind",
      "haproxy.global.statsSockets.0.host",
      "haproxy.global.statsSockets.0.port",
      "haproxy.global.statsSockets.0.level",
    ],
  );
  assert.deepEqual(refused((s) => s.haproxy.global.rawDirectives.push("lua-load /tmp/x.lua")), [
    "haproxy.global.rawDirectives.0",
  ]);
  assert.deepEqual(refused((s) => s.haproxy.global.logs.push({ target: "10.0.0.1:514" })), [
    "haproxy.global.logs.0.target",
  ]);
  assert.deepEqual(refused((s) => s.haproxy.backends[0].options.push("external-check")), [
    "haproxy.backends.0.options.0",
  ]);
  assert.deepEqual(refused((s) => s.haproxy.backends[0].rawDirectives.push("x")), [
    "haproxy.backends.0.rawDirectives.0",
  ]);
  assert.deepEqual(
    refused((s) =>
      s.haproxy.frontends[0].httpRequest.push({
        action: "return status 200 content-type text/plain file /etc/shadow",
      })
    ),
    ["haproxy.frontends.0.httpRequest.0.action"],
  );
  assert.deepEqual(refused((s) => s.haproxy.frontends[0].binds[0].options.push("crt /x.pem")), [
    "haproxy.frontends.0.binds.0.options.0",
  ]);
  assert.deepEqual(refused((s) => (s.acls[0].flags = ["-f", "-i"])), ["acls.0.flags.0"]);
  assert.deepEqual(refused((s) => s.acls[0].values.push("-f", "/etc/shadow")), ["acls.0.values.1"]);
  assert.deepEqual(
    refused((s) =>
      s.haproxy.frontends[0].httpRequest.push({ action: "set-header x %[lua.secret]" }, {
        action: "set-header y %[req.hdr(host),map(/etc/hosts)]",
      })
    ),
    ["haproxy.frontends.0.httpRequest.0.action", "haproxy.frontends.0.httpRequest.1.action"],
  );
  assert.deepEqual(refused((s) => (s.haproxy.stats = { bind: "0.0.0.0:1", admin: true })), [
    "haproxy.stats",
    "haproxy.stats.bind",
    "haproxy.stats.admin",
  ]);
  assert.deepEqual(refused((s) => (s.haproxy.defaults.log = "none")), ["haproxy.defaults.log"]);
  // Removing an admin-only value is a change of it too.
  const before = state((s) => s.haproxy.global.rawDirectives.push("x"));
  assert.deepEqual(
    authorize("operator", changedPaths(before, state()), core).map((r) => r.path),
    ["haproxy.global.rawDirectives.0"],
  );
  // An admin may change all of it; a viewer nothing.
  const all = changedPaths(state(), state((s) => s.haproxy.global.rawDirectives.push("x")));
  assert.deepEqual(authorize("admin", all, core), []);
  assert.deepEqual(authorize("viewer", changedPaths(state(), state((s) => (s.acls = []))), core), [
    { path: "acls.0.name", need: "operator" },
    { path: "acls.0.criterion", need: "operator" },
    { path: "acls.0.flags.0", need: "operator" },
    { path: "acls.0.values.0", need: "operator" },
  ]);
});

Deno.test("StateGuard - a field left out that defaults to its current value is not a change", () => {
  // The parse step stands in for the schema: it fills in defaults.log.
  let parsed = 0;
  const parse = (input: unknown) => {
    parsed++;
    const s = structuredClone(input) as Record<string, any>;
    s.haproxy.defaults.log ??= "global";
    return s;
  };
  const current = state();
  const guard = new StateGuard(core, parse);
  const sent = state((s) => s.acls[0].values.push("b.test"));
  delete sent.haproxy.defaults.log;
  // Left out, the admin-only `log` differs as sent; with its default filled in it does not.
  assert.deepEqual(
    authorize("operator", changedPaths(current, sent), core).map((r) => r.path),
    ["haproxy.defaults.log"],
  );
  assert.deepEqual(guard.refusals("operator", current, sent), []);
  assert.equal(parsed, 1);
  // The common case, nothing refused as sent, is not parsed at all.
  assert.deepEqual(guard.refusals("operator", current, state()), []);
  assert.equal(parsed, 1);
  const withSocket = state((s) => s.haproxy.global.statsSockets.push({ kind: "unix", path: "/x" }));
  assert.throws(
    () =>
      guard.check(
        { role: "operator", actor: "o", action: "apply", reason: null },
        current,
        withSocket,
      ),
    (e: unknown) => {
      assert.ok(e instanceof HttpError);
      assert.equal(e.status, 403);
      assert.equal(e.body.error, "ForbiddenError");
      assert.deepEqual(e.body.paths, [
        "haproxy.global.statsSockets.0.kind",
        "haproxy.global.statsSockets.0.path",
      ]);
      assert.equal(e.body.need, "admin");
      assert.doesNotMatch(String(e.body.message), /^this needs the \w+ role/);
      return true;
    },
  );
  // A document that does not parse is left to validation (422), not refused here.
  const failing = new StateGuard(core, () => undefined);
  assert.deepEqual(failing.refusals("operator", current, withSocket), []);
});
