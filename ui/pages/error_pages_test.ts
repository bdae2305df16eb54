import assert from "node:assert/strict";
import { contentTypeOf, pageRows, placeText } from "./error_pages.ts";

Deno.test("contentTypeOf - the stored response's header, not a body line that looks like one", () => {
  const msg = "HTTP/1.1 503 x\r\nContent-Type: text/plain\r\n\r\ncontent-type: text/html\r\n";
  assert.equal(contentTypeOf(msg), "text/plain");
  assert.equal(contentTypeOf("HTTP/1.1 503 x\r\n\r\ncontent-type: text/html"), null);
});

Deno.test("pageRows - every place the state uses a code; inline pages report their body", () => {
  const rows = pageRows(
    [
      { code: 503, uploaded: true, bytes: 120, inState: "upload" },
      { code: 404, uploaded: false, bytes: null, inState: "inline" },
    ],
    [
      { code: 503, upload: true, backends: ["app"] },
      { code: 503, contentType: "text/plain", body: "down" },
      { code: 404, body: "é" },
    ],
    new Map([[503, "text/html"]]),
  );
  assert.deepEqual(rows, [
    {
      code: 503,
      uploaded: true,
      bytes: 120,
      contentType: "text/html",
      uses: ["backend app: the upload", "every proxy (defaults): inline page"],
    },
    {
      code: 404,
      uploaded: false,
      bytes: 2,
      contentType: "text/html; charset=utf-8",
      uses: ["every proxy (defaults): inline page"],
    },
  ]);
  assert.equal(
    placeText({ code: 503, upload: true, frontends: ["a"], backends: ["b"] }),
    "frontend a, backend b: the upload",
  );
});
