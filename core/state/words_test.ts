import assert from "node:assert/strict";
import { splitWords } from "./words.ts";

Deno.test("splitWords - blanks separate, quotes group, escapes stay", () => {
  assert.deepEqual(splitWords(`set-header X-A "a b"  'c d' e\\ f`), {
    ok: true,
    words: ["set-header", "X-A", "a b", "c d", "e\\ f"],
  });
  assert.deepEqual(splitWords(`replace-path ^/a\\.b(.*) /c\\1`), {
    ok: true,
    words: ["replace-path", "^/a\\.b(.*)", "/c\\1"],
  });
});

Deno.test("splitWords - an unquoted # is refused, a quoted or escaped one is not", () => {
  assert.equal(splitWords("deny # if trusted").ok, false);
  assert.equal(splitWords(`set-header X-A "#1"`).ok, true);
  assert.equal(splitWords(`set-header X-A \\#1`).ok, true);
});

Deno.test("splitWords - environment variables in double quotes are refused", () => {
  assert.equal(splitWords(`return status 200 content-type t string "\${SECRET}"`).ok, false);
  assert.equal(splitWords(`set-header X "$HOME"`).ok, false);
  assert.equal(splitWords(`set-header X "a\\$HOME"`).ok, true);
  assert.equal(splitWords(`set-header X '$HOME'`).ok, true);
  assert.equal(splitWords(`set-header X "cost: 5$"`).ok, true);
});

Deno.test("splitWords - an unterminated quote is refused", () => {
  assert.equal(splitWords(`set-header X "abc`).ok, false);
});
