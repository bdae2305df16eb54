/**
 * Custom error pages through a real HAProxy: a state's 503 page is what a
 * client gets from a backend with no server up (byte for byte, with its
 * content type), an operator may set it, and a code HAProxy's `errorfile`
 * does not take is a 422 at its path.
 *
 * @module
 */
import assert from "node:assert/strict";
import { freePort, startTestDaemon } from "./support/daemon.ts";
import { deadBackendState } from "./support/error_pages.ts";

const PAGE = "<h1>Back soon</h1>\n<p>We are moving things around.</p>\n";

Deno.test("error pages - a backend with no server up answers the state's 503 page", async () => {
  const fe = freePort();
  const dead = freePort();
  const d = await startTestDaemon({ state: deadBackendState(fe, dead, []) });
  try {
    const operator = await d.mintToken("operator");
    const put = await d.api(
      "PUT",
      "/api/state",
      deadBackendState(fe, dead, [{
        code: 503,
        contentType: "text/html; charset=utf-8",
        body: PAGE,
      }]),
      {},
      { as: operator },
    );
    assert.equal(put.status, 200, put.text);
    let res: Response | null = null;
    for (let i = 0; i < 50; i++) {
      res = await fetch(`http://127.0.0.1:${fe}/`, {
        client: Deno.createHttpClient({ poolMaxIdlePerHost: 0 }),
      });
      if (res.status === 503) break;
      await res.body?.cancel();
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(res!.status, 503);
    assert.equal(res!.headers.get("content-type"), "text/html; charset=utf-8");
    assert.equal(await res!.text(), PAGE);

    const refused = await d.api(
      "PUT",
      "/api/state",
      deadBackendState(fe, dead, [{ code: 418, body: "x" }]),
    );
    assert.equal(refused.status, 422, refused.text);
    assert.deepEqual(refused.body.issues[0].path, ["errorPages", 0, "code"]);
  } finally {
    await d.stop();
  }
});
