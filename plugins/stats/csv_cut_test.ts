import assert from "node:assert/strict";
import { parseStat, type StatLine, StatTable } from "./csv.ts";

/** Fields of a line the slow, obvious way: for lines without quotes, a split on commas. */
const expected = (line: string) => line.split(",");

Deno.test("StatTable.raw - any order of columns and rows reads what a full split reads", () => {
  let seed = 7;
  const rand = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
  const columns = ["pxname", "svname", ...Array.from({ length: 30 }, (_, i) => `c${i}`), "type"];
  const lines: string[] = [];
  for (let r = 0; r < 200; r++) {
    // Rows shorter and longer than the header, empty fields, a trailing comma as HAProxy
    // writes; never an empty line (parseStat skips those, as it skips HAProxy's last newline).
    const width = 1 + rand(columns.length + 4);
    const fields = Array.from(
      { length: width },
      (_, i) => i === 0 ? `px${r}` : rand(3) === 0 ? "" : `v${rand(1000)}`,
    );
    lines.push(fields.join(",") + (rand(2) ? "," : ""));
  }
  const table = parseStat(`# ${columns.join(",")}\n${lines.join("\n")}\n`);
  assert.ok(table instanceof StatTable);
  for (let i = 0; i < 5000; i++) {
    const r = rand(lines.length);
    const row: StatLine = table.rows[r];
    for (let k = 0; k < 1 + rand(4); k++) {
      const col = rand(columns.length);
      assert.equal(table.raw(row, col), expected(lines[r])[col] ?? "", `row ${r} col ${col}`);
    }
  }
});

Deno.test("StatTable.raw - a quoted field is unquoted and does not shift later columns", () => {
  const table = parseStat('# pxname,svname,status,type\nfe,"a,""b""",UP,0\n');
  assert.ok(table instanceof StatTable);
  const [row] = table.rows;
  assert.equal(table.server(row), 'a,"b"');
  assert.equal(table.raw(row, 2), "UP");
  assert.equal(table.kind(row), "frontend");
});
