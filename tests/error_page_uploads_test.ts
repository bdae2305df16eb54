/**
 * Uploaded error pages through a real HAProxy: an upload is checked as an
 * HTTP response, listed and read back, served by HAProxy once the state
 * uses it (`{code, upload: true}`), protected from replacement and deletion
 * while used (409), and a page `haproxy -c` refuses fails the apply with a
 * 502 whose hints name the page.
 *
 * @module
 */
import assert from "node:assert/strict";
import { freePort, startTestDaemon, through, waitFor } from "./support/daemon.ts";
import { deadBackendState } from "./support/error_pages.ts";

const BODY = "<h1>uploaded</h1>\n";
const PAGE = `HTTP/1.1 503 Service Unavailable\r\ncontent-type: text/html\r\n` +
  `content-length: ${BODY.length}\r\ncache-control: no-cache\r\nconnection: close\r\n\r\n${BODY}`;

Deno.test("error page uploads - checked, stored, served, protected while used", async () => {
  const fe = freePort();
  const dead = freePort();
  const d = await startTestDaemon({ state: deadBackendState(fe, dead, []) });
  try {
    const operator = await d.mintToken("operator");
    const viewer = await d.mintToken("viewer");
    const post = (code: number, body: string, as = operator) =>
      d.api("POST", `/api/error-pages/${code}`, body, { "content-type": "message/http" }, { as });

    const noHeaders = await post(503, "just a body");
    assert.equal(noHeaders.status, 422, noHeaders.text);
    assert.match(noHeaders.text, /blank line/);
    const wrongCode = await post(503, PAGE.replace("503", "500"));
    assert.equal(wrongCode.status, 422);
    assert.match(wrongCode.text, /says 500/);
    const badLength = await post(503, PAGE + "extra");
    assert.equal(badLength.status, 422);
    assert.match(badLength.text, /content-length/);
    assert.equal((await post(503, PAGE, viewer)).status, 403);
    assert.equal((await post(999, PAGE)).status, 400);
    const big = await post(503, PAGE + "x".repeat(40_000));
    assert.equal(big.status, 413);

    const ok = await post(503, PAGE);
    assert.equal(ok.status, 200, ok.text);
    const list = await d.api("GET", "/api/error-pages", undefined, {}, { as: viewer });
    assert.deepEqual(list.body.pages, [{
      code: 503,
      uploaded: true,
      bytes: PAGE.length,
      inState: null,
    }]);
    const back = await d.api("GET", "/api/error-pages/503", undefined, {}, { as: viewer });
    assert.equal(back.text, PAGE);
    const file = await Deno.stat(`${d.dataDir}/error-pages/uploads/503.http`);
    assert.equal(file.mode! & 0o777, 0o600);

    const put = await d.api(
      "PUT",
      "/api/state",
      deadBackendState(fe, dead, [{ code: 503, upload: true }]),
      {},
      {
        as: operator,
      },
    );
    assert.equal(put.status, 200, put.text);
    assert.ok(
      await waitFor(async () => (await through(fe)).body === BODY, 10_000),
      "HAProxy does not serve the uploaded page",
    );
    assert.equal((await post(503, PAGE)).status, 409);
    const del = await d.api("DELETE", "/api/error-pages/503", undefined, {}, { as: operator });
    assert.equal(del.status, 409);
    assert.match(del.text, /in use/);

    // A page HAProxy refuses (put there behind the API's back): the apply names it.
    await Deno.writeTextFile(`${d.dataDir}/error-pages/uploads/500.http`, "garbage");
    const refused = await d.api(
      "PUT",
      "/api/state",
      deadBackendState(fe, dead, [{ code: 500, upload: true }]),
    );
    assert.equal(refused.status, 502, refused.text);
    assert.ok(JSON.stringify(refused.body.hints).includes("500"), refused.text);

    const unused = await d.api("PUT", "/api/state", deadBackendState(fe, dead, []), {}, {
      as: operator,
    });
    assert.equal(unused.status, 200, unused.text);
    const gone = await d.api("DELETE", "/api/error-pages/503", undefined, {}, { as: operator });
    assert.equal(gone.status, 200, gone.text);
    assert.equal((await d.api("GET", "/api/error-pages/503")).status, 404);
  } finally {
    await d.stop();
  }
});
