import assert from "node:assert/strict";
import { HttpError } from "../errors.ts";
import { parseJsonDocument, readTextCapped } from "./body.ts";

function refusal(text: string): HttpError {
  try {
    parseJsonDocument(text);
  } catch (e) {
    assert.ok(e instanceof HttpError);
    return e;
  }
  assert.fail(`accepted ${JSON.stringify(text)}`);
}

Deno.test("body - empty, whitespace and BOM-prefixed documents are 400s that say why", () => {
  for (const text of ["", " ", "\n\t\r\n"]) {
    const e = refusal(text);
    assert.equal(e.status, 400);
    assert.match(String(e.body.error), /empty/);
  }
  const bom = refusal('\uFEFF{"version":1}');
  assert.equal(bom.status, 400);
  assert.match(String(bom.body.error), /byte order mark/);
  assert.match(String(refusal("{nope").body.error), /malformed JSON/);
  assert.deepEqual(parseJsonDocument(' {"version":1} '), { version: 1 });
});

Deno.test("body - the BOM survives decoding, so it can be refused rather than stripped", async () => {
  const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode("{}")]);
  const text = await readTextCapped(new Request("http://x/", { method: "PUT", body: bytes }), 100);
  assert.equal(text.charCodeAt(0), 0xfeff);
  assert.equal(refusal(text).status, 400);
});
