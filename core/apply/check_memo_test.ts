import assert from "node:assert/strict";
import { CheckMemo } from "./check_memo.ts";

const file = (path: string, content: string, mode?: number) => ({ path, content, mode });

Deno.test("CheckMemo.key - every part of a candidate changes it; file order does not", () => {
  const base = CheckMemo.key("cfg", [file("/d/a.lst", "x"), file("/d/b.map", "y")], "digest");
  assert.equal(
    CheckMemo.key("cfg", [file("/d/b.map", "y"), file("/d/a.lst", "x")], "digest"),
    base,
  );
  for (
    const other of [
      CheckMemo.key("cfg ", [file("/d/a.lst", "x"), file("/d/b.map", "y")], "digest"),
      CheckMemo.key("cfg", [file("/d/a.lst", "x2"), file("/d/b.map", "y")], "digest"),
      CheckMemo.key("cfg", [file("/d/c.lst", "x"), file("/d/b.map", "y")], "digest"),
      CheckMemo.key("cfg", [file("/d/a.lst", "x", 0o600), file("/d/b.map", "y")], "digest"),
      CheckMemo.key("cfg", [file("/d/a.lst", "x")], "digest"),
      // A replaced upload the state references: the files' digest differs.
      CheckMemo.key("cfg", [file("/d/a.lst", "x"), file("/d/b.map", "y")], "digest2"),
      // Parts cannot be shifted into each other.
      CheckMemo.key("cf", [file("g/d/a.lst", "x"), file("/d/b.map", "y")], "digest"),
    ]
  ) assert.notEqual(other, base);
});

Deno.test("CheckMemo - a pass stands for a while, then expires; clear forgets all; bounded", () => {
  let now = 0;
  const memo = new CheckMemo(1_000, () => now);
  memo.remember("a");
  assert.equal(memo.passed("a"), true);
  assert.equal(memo.passed("b"), false);
  now = 1_001;
  assert.equal(memo.passed("a"), false);
  memo.remember("a");
  memo.clear();
  assert.equal(memo.passed("a"), false);
  for (let i = 0; i < 20; i++) memo.remember(`k${i}`);
  assert.equal(memo.passed("k0"), false);
  assert.equal(memo.passed("k19"), true);
});
