import assert from "node:assert/strict";
import { Router } from "./router.ts";
import { createHandler } from "./server.ts";
import type { Method, RouteRecord } from "../plugin.ts";
import { createLogger } from "../log.ts";
import { badRequest } from "../errors.ts";

function route(method: Method, path: string, tag = `${method} ${path}`): RouteRecord {
  return {
    method,
    path,
    options: { role: "viewer", tier: "read" },
    handler: (ctx) => ({ tag, params: ctx.params }),
    plugin: "test",
  };
}

function router(...routes: RouteRecord[]): Router {
  const r = new Router();
  for (const x of routes) r.add(x);
  return r;
}

Deno.test("Router - a static segment beats a param whatever the registration order", () => {
  for (const order of [0, 1]) {
    const rs = [route("GET", "/api/snapshots/:id"), route("GET", "/api/snapshots/latest")];
    const r = router(...(order ? rs.reverse() : rs));
    const hit = r.match("GET", "/api/snapshots/latest");
    assert.equal(hit.kind, "found");
    if (hit.kind === "found") assert.equal(hit.match.route.path, "/api/snapshots/latest");
    const param = r.match("GET", "/api/snapshots/2024-01-01");
    assert.equal(param.kind, "found");
    if (param.kind === "found") assert.deepEqual(param.match.params, { id: "2024-01-01" });
  }
});

Deno.test("Router - a static path under another method falls through to a param route", () => {
  const r = router(route("GET", "/api/snapshots/latest"), route("DELETE", "/api/snapshots/:id"));
  const del = r.match("DELETE", "/api/snapshots/latest");
  assert.equal(del.kind, "found");
  if (del.kind === "found") assert.deepEqual(del.match.params, { id: "latest" });
  const get = r.match("GET", "/api/snapshots/latest/");
  assert.equal(get.kind, "found");
  if (get.kind === "found") assert.equal(get.match.route.method, "GET");
  assert.deepEqual(r.match("PUT", "/api/snapshots/latest"), {
    kind: "method-not-allowed",
    allow: ["GET", "DELETE"],
  });
});

Deno.test("Router - params are decoded; empty or malformed segments do not match", () => {
  const r = router(route("GET", "/api/backends/:backend/servers/:server"));
  const hit = r.match("GET", "/api/backends/web%2Dpool/servers/s%3A1");
  assert.equal(hit.kind, "found");
  if (hit.kind === "found") {
    assert.deepEqual(hit.match.params, { backend: "web-pool", server: "s:1" });
  }
  assert.equal(r.match("GET", "/api/backends//servers/x").kind, "not-found");
  assert.equal(r.match("GET", "/api/backends/%E0%A4%A/servers/x").kind, "not-found");
  assert.equal(r.match("GET", "/api/backends/a/servers").kind, "not-found");
});

Deno.test("Router - one trailing slash is ignored", () => {
  const r = router(route("GET", "/api/state"));
  assert.equal(r.match("GET", "/api/state/").kind, "found");
});

Deno.test("Router - a known path with another method is method-not-allowed listing the methods", () => {
  const r = router(route("GET", "/api/state"), route("PUT", "/api/state"));
  const res = r.match("DELETE", "/api/state");
  assert.equal(res.kind, "method-not-allowed");
  if (res.kind === "method-not-allowed") assert.deepEqual([...res.allow].sort(), ["GET", "PUT"]);
  assert.equal(r.match("GET", "/api/nothing").kind, "not-found");
});

const quiet = createLogger("test", true);

Deno.test("createHandler - answers 405 with an Allow header and 404 in the error envelope", async () => {
  const h = createHandler(
    router(route("GET", "/api/state"), route("PUT", "/api/state")),
    () => [],
    quiet,
  );
  const info = {
    remoteAddr: { transport: "tcp", hostname: "127.0.0.1", port: 1 },
  } as Deno.ServeHandlerInfo;
  const res = await h(new Request("http://x/api/state", { method: "POST" }), info);
  assert.equal(res.status, 405);
  assert.deepEqual(res.headers.get("allow")!.split(", ").sort(), ["GET", "PUT"]);
  assert.match((await res.json()).error, /POST/);
  const nf = await h(new Request("http://x/api/none"), info);
  assert.equal(nf.status, 404);
  assert.equal(typeof (await nf.json()).error, "string");
  const ok = await h(new Request("http://x/api/state"), info);
  assert.equal(ok.status, 200);
  assert.equal((await ok.json()).tag, "GET /api/state");
});

Deno.test("createHandler - malformed JSON is a 400, thrown HttpErrors keep their envelope, others are a 500", async () => {
  const info = {
    remoteAddr: { transport: "tcp", hostname: "127.0.0.1", port: 1 },
  } as Deno.ServeHandlerInfo;
  const r = router(
    { ...route("POST", "/json"), handler: async (ctx) => ({ got: await ctx.json() }) },
    {
      ...route("GET", "/bad"),
      handler: () => {
        throw badRequest("nope", { field: "x" });
      },
    },
    {
      ...route("GET", "/boom"),
      handler: () => {
        throw new Error("secret internals");
      },
    },
  );
  const h = createHandler(r, () => [], quiet);
  const bad = await h(new Request("http://x/json", { method: "POST", body: "{nope" }), info);
  assert.equal(bad.status, 400);
  assert.deepEqual(await bad.json(), { error: "malformed JSON body" });
  const good = await h(new Request("http://x/json", { method: "POST", body: '{"a":1}' }), info);
  assert.deepEqual(await good.json(), { got: { a: 1 } });
  const br = await h(new Request("http://x/bad"), info);
  assert.equal(br.status, 400);
  assert.deepEqual(await br.json(), { error: "nope", field: "x" });
  const boom = await h(new Request("http://x/boom"), info);
  assert.equal(boom.status, 500);
  assert.doesNotMatch(await boom.text(), /secret internals/);
});
