// deno-lint-ignore-file no-explicit-any
/**
 * The role matrix: every registered route (core, auth and every default
 * plugin, read from the registry's route table so new routes are covered
 * the day they land) against no credential, a cookie session of each role
 * and an API token of each role. A guard refusal is recognisable by its
 * envelope: 401 "authentication required" or 403 "this needs the … role".
 * Then field-level roles: what in the state document an operator may not
 * change (docs/security.md), on every write path.
 *
 * @module
 */
import assert from "node:assert/strict";
import { defaultPlugins } from "../plugins/mod.ts";
import type { Role, RouteRecord } from "../core/plugin.ts";
import { covers, ROLES } from "../core/auth/roles.ts";
import {
  type As,
  freePort,
  simpleState,
  startBackend,
  startTestDaemon,
  type TestDaemon,
  through,
} from "./support/daemon.ts";
import { fingerprint } from "./support/core_probe.ts";
import { runtime } from "../plugins/runtime/mod.ts";

type Outcome = "unauthenticated" | "forbidden" | "passed";

interface Caller {
  label: string;
  role: Role | null;
  as: () => Promise<As>;
}

function authHeaders(as: As): Record<string, string> {
  if (as === "anonymous") return {};
  if (typeof as === "object") return { cookie: as.cookie };
  return { authorization: `Bearer ${as}` };
}

/**
 * Sends one request and classifies it as a guard refusal or not. Only a
 * refusal's body is read: an authorized request to an event stream would
 * never end, and its status line is all the matrix needs.
 */
async function classify(d: TestDaemon, route: RouteRecord, as: As): Promise<[Outcome, string]> {
  const path = route.path.replace(/:[^/]+/g, "matrix-placeholder");
  const headers: Record<string, string> = authHeaders(as);
  let body: string | undefined;
  if (route.method !== "GET") {
    body = "{}";
    headers["content-type"] = "application/json";
  }
  let res: Response;
  try {
    res = await fetch(`${d.url}${path}`, {
      method: route.method,
      headers,
      body,
      redirect: "manual",
      signal: AbortSignal.timeout(10_000),
    });
  } catch (e) {
    // A handler that hangs before answering has passed every guard already.
    return ["passed", `no answer: ${e}`];
  }
  if (res.status !== 401 && res.status !== 403) {
    await res.body?.cancel();
    return ["passed", String(res.status)];
  }
  const text = await res.text();
  const summary = `${res.status} ${text.slice(0, 120)}`;
  let parsed: { error?: string; message?: string } = {};
  try {
    parsed = JSON.parse(text);
  } catch { /* not an envelope */ }
  if (res.status === 401 && parsed.message === "authentication required") {
    assert.equal(parsed.error, "AuthError");
    return ["unauthenticated", summary];
  }
  if (res.status === 403 && /^this needs the \w+ role/.test(parsed.message ?? "")) {
    assert.equal(parsed.error, "ForbiddenError");
    return ["forbidden", summary];
  }
  return ["passed", summary];
}

function expected(route: RouteRecord, role: Role | null): Outcome {
  const need = route.options.role;
  if (need === "public") return "passed";
  if (role === null) return "unauthenticated";
  return covers(role, need) ? "passed" : "forbidden";
}

Deno.test("role matrix - every registered route enforces its declared role for every caller", async () => {
  const d = await startTestDaemon({ plugins: defaultPlugins() });
  try {
    for (const role of ROLES) await d.addUser(`matrix-${role}`, role);
    const tokens = Object.fromEntries(
      await Promise.all(ROLES.map(async (r) => [r, await d.mintToken(r)] as const)),
    ) as Record<Role, string>;
    const callers: Caller[] = [
      { label: "no credential", role: null, as: () => Promise.resolve("anonymous") },
      ...ROLES.map((role): Caller => ({
        label: `${role} session`,
        role,
        // A fresh session per request: a logout route must not end the next request's session.
        as: async () => {
          const l = await d.login(`matrix-${role}`);
          assert.equal(l.status, 200, `login matrix-${role}`);
          return { cookie: l.cookie };
        },
      })),
      ...ROLES.map((role): Caller => ({
        label: `${role} token`,
        role,
        as: () => Promise.resolve(tokens[role]),
      })),
    ];
    const routes = [...d.registry.routes];
    // Sanity: the matrix really covers the auth plugin's and the core's routes.
    assert.ok(routes.some((r) => r.path === "/api/state" && r.method === "PUT"));
    assert.ok(routes.some((r) => r.path === "/api/users" && r.method === "POST"));
    // Commit-confirmed windows: pending is viewer, confirm and cancel need the applying role;
    // a proxy's own statistics history (the frontend and backend pages' charts) reads as viewer.
    for (
      const [method, path, role] of [
        ["GET", "/api/state/pending", "viewer"],
        ["POST", "/api/state/confirm", "operator"],
        ["POST", "/api/state/cancel", "operator"],
        ["GET", "/api/stats/history/:kind/:name", "viewer"],
      ]
    ) {
      const r = routes.find((x) => x.path === path && x.method === method);
      assert.equal(r?.options.role, role, `${method} ${path}`);
    }
    const failures: string[] = [];
    for (const route of routes) {
      for (const caller of callers) {
        const [got, summary] = await classify(d, route, await caller.as());
        const want = expected(route, caller.role);
        if (got !== want) {
          failures.push(
            `${route.method} ${route.path} (${route.options.role}, plugin ${route.plugin}) as ${caller.label}: want ${want}, got ${got} (${summary})`,
          );
        }
      }
    }
    assert.deepEqual(failures, []);
  } finally {
    await d.stop();
  }
});

Deno.test("role matrix - public routes are exactly the contract's public paths", async () => {
  const d = await startTestDaemon({ plugins: defaultPlugins() });
  try {
    const isPublic = (r: RouteRecord) => r.options.role === "public";
    const publicRoutes = d.registry.routes.filter(isPublic).map((r) => `${r.method} ${r.path}`);
    const allowed = new Set([
      "GET /health",
      "GET /api/setup/status",
      "POST /api/setup/complete",
      "POST /api/auth/login",
      "GET /api/auth/whoami",
    ]);
    // UI pages (non-/api paths) may be public too: the login page must be reachable.
    // `/api/peer/*` is public to the core guards only: the peers plugin authenticates it with a
    // raw inbound peer token (and refuses API tokens and sessions), per the spec's cluster sync.
    const unexpected = publicRoutes.filter((r) =>
      !allowed.has(r) && r.split(" ")[1].startsWith("/api/") &&
      !r.split(" ")[1].startsWith("/api/peer/")
    );
    assert.deepEqual(unexpected, []);
  } finally {
    await d.stop();
  }
});

// Field-level roles: the route guard lets an operator PUT /api/state, but the document must
// not be a root shell. What an operator may not change is refused with 403 {error, paths}
// before anything is validated, rendered or written.

/** A state with a file-backed ACL `vip` routing to backend `app`, on a free port. */
function fieldState(fe: number, server: string): Record<string, any> {
  const s = simpleState(fe, [{ name: "a", address: server }]) as Record<string, any>;
  s.haproxy.frontends[0].useBackends = [{ backend: "app", cond: "if vip" }];
  s.acls = [{ name: "vip", criterion: "hdr(x-vip)", file: true, values: ["gold"] }];
  return s;
}

/** What a refused write must leave alone: cfg, state.json, reloads, workers, snapshots. */
async function untouched(d: TestDaemon) {
  return { ...(await fingerprint(d)), snapshots: d.snapshots.list(1000).length };
}

async function withFieldDaemon(
  test: (d: TestDaemon, operator: string, fe: number) => Promise<void>,
): Promise<void> {
  const app = startBackend("app");
  const fe = freePort();
  const d = await startTestDaemon({ plugins: [runtime()], state: fieldState(fe, app.address) });
  try {
    await test(d, await d.mintToken("operator", { name: "field-operator" }), fe);
  } finally {
    await d.stop();
    await app.close();
    await Deno.remove(d.dataDir, { recursive: true }).catch(() => {});
  }
}

const current = async (d: TestDaemon) => (await d.api("GET", "/api/state")).body;

Deno.test("field roles - an operator may not add a stats socket, change its level, add raw directives or change global settings: 403 with the paths, nothing written", async () => {
  await withFieldDaemon(async (d, operator) => {
    const socketPort = freePort();
    const attempts: [string, (s: any) => void, string[]][] = [
      ["an admin stats socket", (s) => {
        s.haproxy.global.statsSockets = [
          { kind: "ipv4", host: "127.0.0.1", port: socketPort, level: "admin" },
        ];
      }, [
        "haproxy.global.statsSockets.0.kind",
        "haproxy.global.statsSockets.0.host",
        "haproxy.global.statsSockets.0.port",
        "haproxy.global.statsSockets.0.level",
        "haproxy.global.statsSockets.0.exposeFdListeners",
      ]],
      ["raw directives loading Lua", (s) => {
        s.haproxy.global.rawDirectives = ["lua-load /tmp/evil.lua"];
      }, ["haproxy.global.rawDirectives.0"]],
      ["the global user, as a raw directive", (s) => {
        s.haproxy.global.rawDirectives = ["user root"];
      }, ["haproxy.global.rawDirectives.0"]],
      ["a log target", (s) => {
        s.haproxy.global.logs = [{ target: "127.0.0.1:514" }];
      }, ["haproxy.global.logs.0.target", "haproxy.global.logs.0.facility"]],
      ["option external-check on a backend", (s) => {
        s.haproxy.backends[0].options = ["external-check"];
      }, ["haproxy.backends.0.options.0"]],
      ["a backend's raw directives", (s) => {
        s.haproxy.backends[0].rawDirectives = ["external-check command /bin/sh"];
      }, ["haproxy.backends.0.rawDirectives.0"]],
    ];
    for (const [what, change, paths] of attempts) {
      const before = await untouched(d);
      const next = await current(d);
      change(next);
      const res = await d.api("PUT", "/api/state", next, {}, { as: operator });
      assert.equal(res.status, 403, `${what}: ${res.text}`);
      assert.equal(res.body.error, "ForbiddenError", what);
      assert.deepEqual(res.body.paths, paths, what);
      assert.equal(res.body.need, "admin", what);
      assert.deepEqual(await untouched(d), before, `${what}: nothing is written`);
    }
    // The refusals are audited, with the paths.
    const audit = await d.api("GET", "/api/audit?category=state");
    const refusals = audit.body.entries.filter((e: any) =>
      e.outcome === "failure" && e.details?.stage === "authorize"
    );
    assert.equal(refusals.length, attempts.length);
    assert.ok(
      refusals.some((e: any) => e.details.paths.includes("haproxy.global.statsSockets.0.level")),
    );
    // No socket was ever bound.
    await assert.rejects(Deno.connect({ hostname: "127.0.0.1", port: socketPort }));
  });
});

Deno.test("field roles - an operator may not raise an existing socket's level; an admin may add sockets and log targets", async () => {
  await withFieldDaemon(async (d, operator) => {
    const socketPort = freePort();
    const read = await d.api("GET", "/api/state", undefined, {}, { as: operator });
    const next = await current(d);
    next.haproxy.global.statsSockets = [
      { kind: "ipv4", host: "127.0.0.1", port: socketPort, level: "operator" },
    ];
    next.haproxy.global.logs = [{ target: "127.0.0.1:514" }];
    const asAdmin = await d.api("PUT", "/api/state", next);
    assert.equal(asAdmin.status, 200, asAdmin.text);
    assert.match(await Deno.readTextFile(d.paths.cfg), /stats socket ipv4@127\.0\.0\.1:\d+/);
    // The operator's copy, read before, would remove the socket; with its If-Match that is a
    // 412 (re-read), not a 403.
    const stale = await d.api("PUT", "/api/state", read.body, {
      "if-match": read.headers.get("etag")!,
    }, { as: operator });
    assert.equal(stale.status, 412, stale.text);

    const before = await untouched(d);
    const raised = await current(d);
    raised.haproxy.global.statsSockets[0].level = "admin";
    const res = await d.api("PUT", "/api/state", raised, {}, { as: operator });
    assert.equal(res.status, 403, res.text);
    assert.deepEqual(res.body.paths, ["haproxy.global.statsSockets.0.level"]);
    assert.deepEqual(await untouched(d), before);
    // Removing it is a change of the control plane too.
    const removed = await current(d);
    removed.haproxy.global.statsSockets = [];
    assert.equal((await d.api("PUT", "/api/state", removed, {}, { as: operator })).status, 403);
    // The same document from an admin goes through.
    const admin = await d.api("PUT", "/api/state", raised);
    assert.equal(admin.status, 200, admin.text);
    assert.equal(admin.body.haproxy.global.statsSockets[0].level, "admin");
  });
});

Deno.test("field roles - an operator may change weights, add backends and servers, and ACL values", async () => {
  await withFieldDaemon(async (d, operator, fe) => {
    const spare = startBackend("spare");
    try {
      const next = await current(d);
      next.haproxy.backends[0].servers[0].weight = 7;
      next.haproxy.backends.unshift({
        id: "spare",
        servers: [{ name: "s", address: spare.address, check: false }],
      });
      next.haproxy.backends[1].servers.push({ name: "b", address: spare.address, check: false });
      next.haproxy.frontends[0].useBackends.unshift({ backend: "spare", cond: "if vip" });
      next.acls[0].values.push("silver");
      // Left out, fields with defaults (options, rawDirectives, ...) are not changes either.
      delete next.haproxy.global;
      delete next.haproxy.defaults.options;
      const res = await d.api("PUT", "/api/state", next, {}, { as: operator });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.haproxy.backends[1].servers[0].weight, 7);
      assert.equal((await through(fe, "/", { "x-vip": "silver" })).body, "spare");
      // Runtime ACL adoption is an operator's state write too, and allowed.
      const added = await d.api("POST", "/api/runtime/acls/vip/entries", { value: "bronze" }, {}, {
        as: operator,
      });
      assert.equal(added.status, 200, added.text);
      assert.equal(added.body.persisted, true);
      assert.deepEqual((await current(d)).acls[0].values, ["gold", "silver", "bronze"]);
    } finally {
      await spare.close();
    }
  });
});

Deno.test("field roles - plan is refused the same way (haproxy -c of a candidate runs its Lua); an admin's plan runs", async () => {
  await withFieldDaemon(async (d, operator) => {
    const before = await untouched(d);
    const next = await current(d);
    next.haproxy.global.statsSockets = [
      { kind: "ipv4", host: "127.0.0.1", port: freePort(), level: "admin" },
    ];
    const res = await d.api("POST", "/api/state/plan", next, {}, { as: operator });
    assert.equal(res.status, 403, res.text);
    assert.ok(res.body.paths.includes("haproxy.global.statsSockets.0.level"));
    assert.deepEqual(await untouched(d), before);
    const admin = await d.api("POST", "/api/state/plan", next);
    assert.equal(admin.status, 200, admin.text);
    assert.equal(admin.body.ok, true, admin.text);
    // An operator's plan of a traffic change runs.
    const traffic = await current(d);
    traffic.haproxy.backends[0].servers[0].weight = 3;
    const planned = await d.api("POST", "/api/state/plan", traffic, {}, { as: operator });
    assert.equal(planned.status, 200, planned.text);
    assert.match(planned.body.diff, /weight 3/);
  });
});

Deno.test("field roles - snapshot restore and runtime adoption are authorized against the current state", async () => {
  await withFieldDaemon(async (d, operator) => {
    // An admin adds a socket (snapshot A), then removes it again (snapshot B).
    const withSocket = await current(d);
    withSocket.haproxy.global.statsSockets = [
      { kind: "ipv4", host: "127.0.0.1", port: freePort(), level: "admin" },
    ];
    const a = await d.api("PUT", "/api/state", withSocket);
    assert.equal(a.status, 200, a.text);
    const snapA = d.snapshots.list(1)[0].id;
    const without = await current(d);
    without.haproxy.global.statsSockets = [];
    assert.equal((await d.api("PUT", "/api/state", without)).status, 200);
    const snapB = d.snapshots.list(1)[0].id;
    // A traffic change by the operator (snapshot C).
    const traffic = await current(d);
    traffic.haproxy.backends[0].servers[0].weight = 9;
    assert.equal((await d.api("PUT", "/api/state", traffic, {}, { as: operator })).status, 200);

    const before = await untouched(d);
    const refused = await d.api("POST", `/api/snapshots/${snapA}/restore`, {}, {}, {
      as: operator,
    });
    assert.equal(refused.status, 403, refused.text);
    assert.ok(refused.body.paths.includes("haproxy.global.statsSockets.0.level"));
    assert.deepEqual(await untouched(d), before);
    // Restoring B only reverts the weight: an operator's change, allowed.
    const allowed = await d.api("POST", `/api/snapshots/${snapB}/restore`, {}, {}, {
      as: operator,
    });
    assert.equal(allowed.status, 200, allowed.text);
    assert.equal(allowed.body.haproxy.backends[0].servers[0].weight, 100);
    // And an admin may restore A.
    assert.equal((await d.api("POST", `/api/snapshots/${snapA}/restore`)).status, 200);

    // A runtime adoption that would touch an admin field is refused before its command runs.
    let ran = false;
    const sneaky = d.pipeline.adoptRuntime((s) => {
      s.haproxy.global.rawDirectives = ["lua-load /tmp/x.lua"];
      return s;
    }, () => {
      ran = true;
      return Promise.resolve();
    }, { actor: "token:x", reason: "test", role: "operator" });
    await assert.rejects(sneaky, (e: any) => e.status === 403 && e.body.paths.length === 1);
    assert.equal(ran, false);
  });
});

Deno.test("role matrix - every /api/peer/* route takes a raw inbound peer token only", async () => {
  const d = await startTestDaemon({ plugins: defaultPlugins() });
  try {
    await d.addUser("matrix-admin", "admin");
    const session = await d.login("matrix-admin");
    const peerRoutes = d.registry.routes.filter((r) => r.path.startsWith("/api/peer/"));
    assert.ok(peerRoutes.some((r) => r.path === "/api/peer/blob/:kind/:id" && r.method === "POST"));
    const failures: string[] = [];
    for (const route of peerRoutes) {
      const path = route.path.replace(/:[^/]+/g, "matrix-placeholder");
      const callers: [string, Record<string, string>][] = [
        ["no credential", {}],
        ["admin token", { authorization: `Bearer ${d.adminToken}` }],
        ["admin session", { cookie: session.cookie, "x-csrf-token": session.csrfToken }],
      ];
      for (const [label, headers] of callers) {
        const res = await fetch(`${d.url}${path}`, {
          method: route.method,
          headers: { ...headers, "content-type": "application/json" },
          body: route.method === "GET" ? undefined : "{}",
        });
        const text = await res.text();
        if (res.status !== 401) failures.push(`${route.method} ${route.path} as ${label}: ${text}`);
      }
    }
    assert.deepEqual(failures, []);
  } finally {
    await d.stop();
  }
});
