import assert from "node:assert/strict";
import { DumpScanner, REQUIRED_COLUMNS, type RowView, runningServersOf } from "./server_state.ts";
import { type DeclaredServer, declaredServers } from "./declared_servers.ts";
import { compareServers, type OverridePolicy, ServerComparer } from "./server_state_compare.ts";
import { filterServerState } from "./server_state_filter.ts";

// Real HAProxy 2.6.12 output and its cfg (see server_state_test.ts).
const DUMP = await Deno.readTextFile(new URL("./testdata/servers_state.out", import.meta.url));
const CFG = await Deno.readTextFile(new URL("./testdata/servers_state.cfg", import.meta.url));

let seed = 11;
const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;

/** The verdict of comparing `text` row by row as it is scanned, pushed in random pieces. */
function scanned(
  text: string,
  declared: ReadonlyMap<string, DeclaredServer>,
  policy: OverridePolicy,
) {
  const comparer = new ServerComparer(declared, policy);
  const scanner = new DumpScanner((row) => comparer.addRow(row));
  for (let at = 0; at < text.length;) {
    const size = 1 + Math.floor(random() * 300);
    scanner.push(text.slice(at, at + size));
    at += size;
  }
  assert.equal(scanner.end(), true);
  return comparer.result();
}

/** Both ways of comparing give the same verdict, in the same order. */
function assertSameVerdict(
  text: string,
  declared: ReadonlyMap<string, DeclaredServer>,
  policy: OverridePolicy,
): void {
  const whole = compareServers(runningServersOf(text)!, declared, policy);
  assert.deepEqual(scanned(text, declared, policy), whole, text);
}

/** A dump's text with its server lines replaced. */
function withRows(rows: string[]): string {
  return `1\n# ${REQUIRED_COLUMNS.join(" ")} srv_use_ssl\n${rows.join("\n")}\n`;
}

Deno.test("server state compare - line by line as scanned: the whole comparison's verdict on a real dump", () => {
  const declared = declaredServers(CFG);
  const [, , ...rows] = DUMP.trimEnd().split("\n");
  const carried = filterServerState(DUMP, declared, declared)!.carried;
  const variants = [
    rows,
    [...rows].reverse(),
    [rows[0], rows[0], ...rows.slice(1)],
    rows.slice(2),
    [...rows, "2 app 7 g 127.0.0.1 2 0 1 1 0 1 0 2 0 0 0 0 - 18087 - 0"],
  ];
  for (const v of variants) {
    const policies: OverridePolicy[] = [{ kind: "runtime" }, { kind: "carried", carried }];
    for (const policy of policies) {
      assertSameVerdict(withRows(v), declared, policy);
    }
  }
  // A declared server stored under another key than its own is found by its key only.
  const odd = new Map([...declared].map(([k, d]) => [k === "app/c" ? "app/z" : k, d]));
  assertSameVerdict(withRows(rows), odd, { kind: "carried", carried: [] });
  // An IPv6 host HAProxy prints in another form: equal once normalized, not as text.
  const v6 = new Map(declared);
  v6.set("app/a", { ...declared.get("app/a")!, host: "::FFFF:127.0.0.1" });
  v6.set("app/b", { ...declared.get("app/b")!, host: "::ffff:127.0.0.9" });
  assertSameVerdict(withRows(rows), v6, { kind: "runtime" });
  assert.deepEqual(
    scanned(withRows(rows), v6, { kind: "runtime" }).mismatches.map((m) => m.server + m.field),
    ["baddress", "eaddress", "eport"],
  );
});

Deno.test("server state compare - line by line as scanned: any one field changed anywhere is judged as a whole", () => {
  const backends = 20;
  let cfg = "global\n    maxconn 100\n";
  const rows: string[] = [];
  for (let b = 0; b < backends; b++) {
    cfg += `\nbackend be-${b}\n    balance roundrobin\n`;
    for (let s = 0; s < 5; s++) {
      const disabled = (b + s) % 7 === 0;
      const host = s === 4 ? `app${b}.example` : `10.0.${b}.${s + 1}`;
      cfg += `    server s${s} ${host}:${8000 + s} weight ${10 + s}${
        disabled ? " disabled" : ""
      }\n`;
      const addr = s === 4 ? "10.9.9.9" : host;
      rows.push(
        `${b + 3} be-${b} ${s + 1} s${s} ${addr} 2 ${disabled ? 5 : 0} ${10 + s} ${10 + s} 0 1 0 ` +
          `2 0 0 0 0 - ${8000 + s} - 0`,
      );
    }
  }
  const declared = declaredServers(cfg);
  assert.equal(declared.size, backends * 5);
  assertSameVerdict(withRows(rows), declared, { kind: "carried", carried: [] });
  assert.deepEqual(scanned(withRows(rows), declared, { kind: "runtime" }).mismatches, []);
  // Fields the comparison reads (name, address, admin state, weight, port) and others.
  const edits = [
    "x",
    "s9",
    "10.0.0.99",
    "1",
    "8",
    "7",
    "0",
    "12",
    "007",
    "-",
    "1e2",
    "65536",
    "",
    "10.0.0.1 ",
  ];
  for (let round = 0; round < 400; round++) {
    const edited = [...rows];
    for (let k = 0; k < 1 + Math.floor(random() * 3); k++) {
      const i = Math.floor(random() * edited.length);
      const fields = edited[i].split(" ");
      const f = [1, 3, 4, 6, 7, 18, 9][Math.floor(random() * 7)];
      fields[f] = edits[Math.floor(random() * edits.length)];
      edited[i] = fields.join(" ");
    }
    if (round % 5 === 0) edited.splice(Math.floor(random() * edited.length), 1);
    if (round % 7 === 0) edited.reverse();
    const policies: OverridePolicy[] = [{ kind: "runtime" }, { kind: "carried", carried: [] }];
    for (const policy of policies) {
      assertSameVerdict(withRows(edited), declared, policy);
    }
  }
});

Deno.test("server state - a scanned row reads a field's digits and compares its text without copying it", () => {
  const seen: { is: boolean[]; digits: number[] }[] = [];
  const scanner = new DumpScanner((row: RowView) => {
    seen.push({
      is: [row.is(1, "be"), row.is(1, "b"), row.is(3, "s1"), row.is(17, "-")],
      digits: [row.digits(0), row.digits(7), row.digits(17), row.digits(18), row.digits(19)],
    });
  });
  scanner.push(withRows([
    "3 be 1 s1 10.0.0.1 2 0 007 7 0 1 0 2 0 0 0 0 - 8080 -",
    "3 bee 1 s10 10.0.0.1 2 0 1e2 7 0 1 0 2 0 0 0 0 x 9999999999999999 12",
  ]));
  assert.equal(scanner.end(), true);
  assert.deepEqual(seen, [
    { is: [true, false, true, true], digits: [3, 7, NaN, 8080, NaN] },
    { is: [false, false, false, false], digits: [3, NaN, NaN, NaN, 12] },
  ]);
});
