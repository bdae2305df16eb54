import assert from "node:assert/strict";
import { parseEntryLines } from "./map_pages.ts";

Deno.test("parseEntryLines - 'key value' per line, blank lines skipped, anything else named", () => {
  assert.deepEqual(parseEntryLines("a.test be-1\r\n\n  b.test   be-0  \n"), [
    { key: "a.test", value: "be-1" },
    { key: "b.test", value: "be-0" },
  ]);
  assert.deepEqual(parseEntryLines(""), []);
  assert.equal(parseEntryLines("a.test be-1\nb.test"), "line 2: write 'key value' (two words)");
  assert.equal(parseEntryLines("a b c"), "line 1: write 'key value' (two words)");
});
