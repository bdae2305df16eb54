// deno-lint-ignore-file no-explicit-any
/**
 * The shipped Lua plugins, installed through `/api/lua-library`, enabled
 * through the state and applied, change real traffic as their manifests
 * document: CORS preflights answered and simple responses marked, the
 * maintenance page with its status and Retry-After, and a request id on
 * every request (sent to the backend, returned to the client), unique over
 * 1,000 requests.
 *
 * @module
 */
import assert from "node:assert/strict";
import { freePort, startTestDaemon } from "./support/daemon.ts";
import { echoBackend, luaState, send } from "./support/lua.ts";
import { lua } from "../plugins/lua/mod.ts";

Deno.test("lua library - cors, maintenance and request-id change traffic as documented", async () => {
  const app = echoBackend("app", "x-request-id");
  const fe = freePort();
  const maint = freePort();
  const d = await startTestDaemon({ plugins: [lua()] });
  try {
    for (const name of ["cors", "maintenance", "request-id"]) {
      const res = await d.api("POST", `/api/lua-library/${name}/install`);
      assert.equal(res.status, 200, res.text);
      assert.match(res.body.hash, /^[0-9a-f]{64}$/);
    }
    const state = luaState(
      [
        { id: "fe-main", port: fe, rules: ["lua.cors", "lua.request_id"] },
        { id: "fe-maint", port: maint, rules: ["use-service lua.maintenance"] },
      ],
      app.address,
      [
        {
          name: "cors",
          params: { origins: ["http://app.test"], methods: ["GET", "POST"], "max-age": 60 },
        },
        {
          name: "maintenance",
          params: { status: 503, message: "Upgrading the database", "retry-after": 120 },
        },
        { name: "request-id" },
      ],
    );
    const put = await d.api("PUT", "/api/state", state);
    assert.equal(put.status, 200, put.text);
    const cfg = await Deno.readTextFile(d.paths.cfg);
    assert.match(cfg, /^\s+setenv PP_LUA_CORS__ORIGINS 'http:\/\/app\.test'$/m);
    assert.match(cfg, /^\s+lua-load \S+\/lua\/scripts\/[0-9a-f]{64}\.lua$/m);
    assert.match(cfg, /^\s+http-response lua\.cors_response$/m);

    // CORS: a preflight from the allowed origin is answered by HAProxy itself.
    const pre = await send(fe, {
      method: "OPTIONS",
      headers: { origin: "http://app.test", "access-control-request-method": "POST" },
    });
    assert.equal(pre.status, 204);
    assert.equal(pre.headers.get("access-control-allow-origin"), "http://app.test");
    assert.equal(pre.headers.get("access-control-allow-methods"), "GET, POST");
    assert.equal(pre.headers.get("access-control-allow-headers"), "content-type");
    assert.equal(pre.headers.get("access-control-max-age"), "60");
    const foreign = await send(fe, {
      method: "OPTIONS",
      headers: { origin: "http://evil.test", "access-control-request-method": "POST" },
    });
    assert.equal(foreign.status, 403);
    assert.equal(foreign.headers.get("access-control-allow-origin"), null);
    // A simple request reaches the backend, and its response carries the allowed origin.
    const simple = await send(fe, { headers: { origin: "http://app.test" } });
    assert.equal(simple.status, 200);
    assert.match(simple.body, /^app /);
    assert.equal(simple.headers.get("access-control-allow-origin"), "http://app.test");
    assert.match(simple.headers.get("vary") ?? "", /Origin/);
    const other = await send(fe, { headers: { origin: "http://evil.test" } });
    assert.equal(other.status, 200);
    assert.equal(other.headers.get("access-control-allow-origin"), null);
    assert.equal((await send(fe)).headers.get("access-control-allow-origin"), null);

    // Maintenance: the configured status, Retry-After and message; the backend is not asked.
    const page = await send(maint);
    assert.equal(page.status, 503);
    assert.equal(page.headers.get("retry-after"), "120");
    assert.equal(page.body, "Upgrading the database\n");

    // Request ids: present on the request the backend got and on the response, unique.
    const ids = new Set<string>();
    const client = Deno.createHttpClient({});
    try {
      for (let i = 0; i < 1000; i++) {
        const res = await fetch(`http://127.0.0.1:${fe}/`, { client });
        const body = await res.text();
        const id = res.headers.get("x-request-id");
        assert.ok(id && /^[0-9a-f-]{36}$/.test(id), `request ${i}: id '${id}'`);
        assert.equal(body, `app ${id}`, "the backend saw the same id");
        ids.add(id);
      }
    } finally {
      client.close();
    }
    assert.equal(ids.size, 1000, "every request got its own id");
    // A client-sent id is replaced unless keep-incoming is set.
    const forged = await send(fe, { headers: { "x-request-id": "forged" } });
    assert.notEqual(forged.headers.get("x-request-id"), "forged");

    // Where each plugin is used.
    const list = await d.api("GET", "/api/lua-plugins");
    assert.equal(list.status, 200);
    const cors = list.body.plugins.find((p: any) => p.name === "cors");
    assert.deepEqual(cors.usedBy.entries, [{ path: "lua.plugins.0", enabled: true }]);
    assert.deepEqual(cors.usedBy.rules, ["haproxy.frontends.0.httpRequest.0.action"]);
    const one = await d.api("GET", "/api/lua-plugins/maintenance");
    assert.match(one.body.source, /register_service\("maintenance"/);
  } finally {
    await d.stop();
    await app.close();
  }
});
