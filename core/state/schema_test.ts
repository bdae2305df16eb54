// deno-lint-ignore-file no-explicit-any
import assert from "node:assert/strict";
import { z } from "zod";
import { composeStateSchema, type State } from "./schema.ts";
import { seedState } from "../seed.ts";

const schema = composeStateSchema({}, []);

function issuesOf(input: unknown) {
  const r = schema.safeParse(input);
  assert.equal(r.success, false, "expected the state to be refused");
  return r.error!.issues;
}

function base(): Record<string, any> {
  return {
    haproxy: {
      frontends: [{
        id: "fe",
        binds: [{ address: "127.0.0.1:8080" }],
        useBackends: [{ backend: "be", cond: "if is_api" }],
        defaultBackend: "be",
      }],
      backends: [{ id: "be", servers: [{ name: "s1", address: "127.0.0.1:9000" }] }],
    },
    acls: [{ name: "is_api", criterion: "path_beg", values: ["/api"] }],
  };
}

Deno.test("state schema - an empty document is valid and fully defaulted", () => {
  const s = schema.parse({});
  assert.equal(s.version, 1);
  assert.deepEqual(s.haproxy.frontends, []);
  assert.equal(s.haproxy.defaults.mode, "http");
  assert.deepEqual(s.acls, []);
  assert.equal(s.haproxy.stats, null);
});

Deno.test("state schema - parsing is idempotent (the persisted document re-validates to itself)", () => {
  const once = schema.parse(base());
  assert.deepEqual(schema.parse(structuredClone(once)), once);
});

Deno.test("state schema - use_backend naming a missing backend is an issue at its path", () => {
  const s = base();
  s.haproxy.frontends[0].useBackends[0].backend = "nope";
  const issues = issuesOf(s);
  assert.equal(issues.length, 1);
  assert.deepEqual(issues[0].path, ["haproxy", "frontends", 0, "useBackends", 0, "backend"]);
  assert.equal(issues[0].code, "custom");
  assert.match(issues[0].message, /'nope'/);
});

Deno.test("state schema - defaultBackend naming a missing backend is an issue at its path", () => {
  const s = base();
  s.haproxy.frontends[0].defaultBackend = "ghost";
  const issues = issuesOf(s);
  assert.deepEqual(issues.map((i) => i.path), [["haproxy", "frontends", 0, "defaultBackend"]]);
});

Deno.test("state schema - a condition using an undeclared ACL is an issue; predefined ACLs are fine", () => {
  const s = base();
  s.haproxy.frontends[0].httpRequest = [
    { action: "deny", cond: "if !trusted { path /x }" },
    { action: "deny", cond: "if METH_POST LOCALHOST" },
  ];
  s.haproxy.frontends[0].tcpRequest = [{ on: "content", action: "reject", cond: "unless nope" }];
  s.haproxy.frontends[0].useBackends[0].cond = "if is_api || is_apix";
  const issues = issuesOf(s);
  const byPath = Object.fromEntries(issues.map((i) => [i.path.join("."), i.message]));
  assert.deepEqual(Object.keys(byPath).sort(), [
    "haproxy.frontends.0.httpRequest.0.cond",
    "haproxy.frontends.0.tcpRequest.0.cond",
    "haproxy.frontends.0.useBackends.0.cond",
  ]);
  assert.match(byPath["haproxy.frontends.0.httpRequest.0.cond"], /'trusted'/);
  assert.match(byPath["haproxy.frontends.0.useBackends.0.cond"], /'is_apix'/);
});

Deno.test("state schema - duplicates of frontends, backends, ACLs and servers are issues", () => {
  const s = base();
  s.haproxy.frontends.push({ ...s.haproxy.frontends[0] });
  s.haproxy.backends.push({ id: "be", servers: [] });
  s.haproxy.backends[0].servers.push({ name: "s1", address: "127.0.0.1:9001" });
  s.acls.push({ name: "is_api", criterion: "path", values: [] });
  const paths = issuesOf(s).map((i) => i.path.join("."));
  assert.deepEqual(paths.sort(), [
    "acls.1.name",
    "haproxy.backends.0.servers.1.name",
    "haproxy.backends.1.id",
    "haproxy.frontends.1.id",
  ]);
});

Deno.test("state schema - unknown keys and out-of-range values are refused with paths", () => {
  const s = base();
  s.haproxy.backends[0].servers[0].weight = 257;
  s.haproxy.backends[0].bogus = true;
  s.extra = 1;
  const issues = issuesOf(s);
  const paths = issues.map((i) => i.path.join("."));
  assert.ok(paths.includes("haproxy.backends.0.servers.0.weight"), paths.join(" "));
  assert.ok(issues.some((i) => i.code === "unrecognized_keys" && i.path.length === 0));
  assert.ok(
    issues.some((i) => i.code === "unrecognized_keys" && i.path.join(".") === "haproxy.backends.0"),
  );
});

Deno.test("state schema - names cannot smuggle spaces or newlines into the cfg", () => {
  const s = base();
  s.haproxy.backends[0].id = "be\nbackend evil";
  s.haproxy.backends[0].rawDirectives = ["ok", "two\nlines"];
  const paths = issuesOf(s).map((i) => i.path.join("."));
  assert.ok(paths.includes("haproxy.backends.0.id"));
  assert.ok(paths.includes("haproxy.backends.0.rawDirectives.1"));
});

Deno.test("state schema - plugin fragments and checks compose with the core", () => {
  const composed = composeStateSchema(
    {
      geoip: z.object({ enabled: z.boolean().default(false) }).strict().default({ enabled: false }),
    },
    [(st) =>
      (st as State & { geoip: { enabled: boolean } }).geoip.enabled
        ? [{ path: ["geoip", "enabled"], message: "no database" }]
        : []],
  );
  const parsed = composed.parse({}) as State & { geoip: { enabled: boolean } };
  assert.deepEqual(parsed.geoip, { enabled: false });
  const bad = composed.safeParse({ geoip: { enabled: true } });
  assert.equal(bad.success, false);
  assert.deepEqual(bad.error!.issues[0].path, ["geoip", "enabled"]);
});

async function jq(filter: string, input: unknown): Promise<unknown> {
  const child = new Deno.Command("jq", {
    args: ["-c", filter],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const w = child.stdin.getWriter();
  await w.write(new TextEncoder().encode(JSON.stringify(input)));
  await w.close();
  const out = await child.output();
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
  return JSON.parse(new TextDecoder().decode(out.stdout));
}

// The spec's recipes, verbatim except 10.0.0.13 → 127.0.0.13 (tests stay on loopback).
const RECIPE_ACL = `.acls[0].values += ["newhost.example.com"]`;
const RECIPE_SERVER =
  `.haproxy.backends[] |= (if .id == "web-pool" then .servers += [{name:"web-3", address:"127.0.0.13:443", weight:100}] else . end)`;

for (
  const [label, doc] of [
    ["seed as written", () => seedState()],
    ["seed as persisted", () => schema.parse(seedState())],
  ] as const
) {
  Deno.test(`state schema - the seed's jq recipes produce valid state (${label})`, async () => {
    const input = doc();
    const withHost = await jq(RECIPE_ACL, input);
    const a = schema.parse(withHost);
    assert.deepEqual(a.acls[0].values, ["localhost", "127.0.0.1", "newhost.example.com"]);

    const withServer = await jq(RECIPE_SERVER, input);
    const b = schema.parse(withServer);
    const pool = b.haproxy.backends.find((x) => x.id === "web-pool")!;
    assert.deepEqual(pool.servers.map((x) => x.name), ["web-1", "web-3"]);
    assert.equal(pool.servers[1].address, "127.0.0.13:443");
    assert.equal(pool.servers[1].check, true, "defaults fill in the rest of the server");

    const both = schema.parse(await jq(RECIPE_SERVER, await jq(RECIPE_ACL, input)));
    assert.equal(both.acls[0].values.length, 3);
    assert.equal(both.haproxy.backends[0].servers.length, 2);
  });
}
