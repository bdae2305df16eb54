// deno-lint-ignore-file no-explicit-any
/**
 * Error pages scoped to proxies, through a real HAProxy: a 503 page listed
 * for one backend is what that backend's clients get while another backend
 * (no server up either) answers the defaults page; a page naming a proxy
 * the state does not have is a 422 at that name's path, and so is a second
 * page for the same code in the same place.
 *
 * @module
 */
import assert from "node:assert/strict";
import { freePort, startTestDaemon } from "./support/daemon.ts";

function twoDeadBackends(fe1: number, fe2: number, dead: number, pages: unknown[]): any {
  const backend = (id: string) => ({
    id,
    servers: [{ name: "s", address: `127.0.0.1:${dead}`, check: true }],
  });
  return {
    version: 1,
    haproxy: {
      defaults: { mode: "http", timeouts: { connect: "1s", client: "5s", server: "5s" } },
      frontends: [
        { id: "fe-one", binds: [{ address: `127.0.0.1:${fe1}` }], defaultBackend: "one" },
        { id: "fe-two", binds: [{ address: `127.0.0.1:${fe2}` }], defaultBackend: "two" },
      ],
      backends: [backend("one"), backend("two")],
    },
    errorPages: pages,
  };
}

/** The 503 body a frontend port answers once its backend's server is marked down. */
async function page503(port: number): Promise<string> {
  for (let i = 0; i < 50; i++) {
    const res = await fetch(`http://127.0.0.1:${port}/`, {
      client: Deno.createHttpClient({ poolMaxIdlePerHost: 0 }),
    });
    const body = await res.text();
    if (res.status === 503) return body;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`port ${port} never answered 503`);
}

Deno.test("error pages - a backend's own 503 page beside the defaults one; unknown names are 422", async () => {
  const [fe1, fe2, dead] = [freePort(), freePort(), freePort()];
  const pages = [
    { code: 503, body: "DEFAULT PAGE\n" },
    { code: 503, body: "TWO'S OWN PAGE\n", backends: ["two"] },
  ];
  const d = await startTestDaemon({ state: twoDeadBackends(fe1, fe2, dead, []) });
  try {
    const put = await d.api("PUT", "/api/state", twoDeadBackends(fe1, fe2, dead, pages));
    assert.equal(put.status, 200, put.text);
    assert.equal(await page503(fe1), "DEFAULT PAGE\n", "backend one answers the defaults page");
    assert.equal(await page503(fe2), "TWO'S OWN PAGE\n", "backend two answers its own page");

    const unknown = await d.api(
      "PUT",
      "/api/state",
      twoDeadBackends(fe1, fe2, dead, [{ code: 503, body: "x", backends: ["two", "three"] }]),
    );
    assert.equal(unknown.status, 422, unknown.text);
    assert.deepEqual(unknown.body.issues[0].path, ["errorPages", 0, "backends", 1]);
    assert.match(unknown.body.issues[0].message, /unknown backend 'three'/);

    const twice = await d.api(
      "PUT",
      "/api/state",
      twoDeadBackends(fe1, fe2, dead, [
        { code: 503, body: "a", frontends: ["fe-one"] },
        { code: 503, body: "b", frontends: ["fe-one"] },
      ]),
    );
    assert.equal(twice.status, 422, twice.text);
    assert.deepEqual(twice.body.issues[0].path, ["errorPages", 1, "code"]);
    // The refused documents left HAProxy as it was.
    assert.equal(await page503(fe2), "TWO'S OWN PAGE\n");
  } finally {
    await d.stop();
  }
});
