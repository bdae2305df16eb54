import assert from "node:assert/strict";
import { entryRows } from "./pages.ts";

const acl = (file: boolean) => ({
  index: 0,
  name: "a",
  criterion: "src",
  file,
  persisted: file,
  loaded: true,
  runtimeIds: [0],
});

Deno.test("entryRows - live entries are marked in the state or runtime-only; removed ones stay listed", () => {
  const rows = entryRows({
    acl: acl(false),
    flags: [],
    values: ["yes", "gone"],
    entries: { loaded: true, persisted: false, entries: ["yes", "new"] },
  });
  assert.deepEqual(rows, [
    { value: "yes", where: "in-state" },
    { value: "new", where: "runtime-only" },
    { value: "gone", where: "removed-at-runtime" },
  ]);
});

Deno.test("entryRows - a file-backed ACL's entries are persisted; an unloaded ACL shows the state", () => {
  assert.deepEqual(
    entryRows({
      acl: acl(true),
      flags: [],
      values: ["x"],
      entries: { loaded: true, persisted: true, entries: ["x"] },
    }),
    [{ value: "x", where: "persisted" }],
  );
  assert.deepEqual(
    entryRows({
      acl: { ...acl(false), loaded: false, runtimeIds: [] },
      flags: [],
      values: ["x"],
      entries: { loaded: false, persisted: false, entries: ["x"] },
    }),
    [{ value: "x", where: "not-loaded" }],
  );
});
