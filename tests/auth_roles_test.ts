/**
 * The role matrix: every registered route (core, auth and every default
 * plugin, read from the registry's route table so new routes are covered
 * the day they land) against no credential, a cookie session of each role
 * and an API token of each role. A guard refusal is recognisable by its
 * envelope: 401 "authentication required" or 403 "this needs the … role".
 *
 * @module
 */
import assert from "node:assert/strict";
import { defaultPlugins } from "../plugins/mod.ts";
import type { Role, RouteRecord } from "../core/plugin.ts";
import { covers, ROLES } from "../core/auth/roles.ts";
import { type As, startTestDaemon, type TestDaemon } from "./support/daemon.ts";

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
    const unexpected = publicRoutes.filter((r) =>
      !allowed.has(r) && r.split(" ")[1].startsWith("/api/")
    );
    assert.deepEqual(unexpected, []);
  } finally {
    await d.stop();
  }
});
