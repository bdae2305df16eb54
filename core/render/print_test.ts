import assert from "node:assert/strict";
import { ConfigModel, d } from "./model.ts";
import { printConfig } from "./print.ts";

function model(): ConfigModel {
  const m = new ConfigModel();
  const be = { kind: "backend", id: "web" };
  m.add({
    kind: "backend",
    name: "web",
    entity: be,
    directives: [
      d("balance", ["roundrobin"]),
      d("server", ["s1", "127.0.0.1:80"], { kind: "server", id: "web/s1" }),
    ],
  });
  m.add({
    kind: "global",
    entity: { kind: "global", id: "global" },
    directives: [d("maxconn", [100])],
  });
  m.add({
    kind: "frontend",
    name: "fe",
    entity: { kind: "frontend", id: "fe" },
    directives: [d("acl", ["a", "path", "/"], { kind: "acl", id: "a" }), d("mode")],
  });
  return m;
}

Deno.test("printConfig - prints sections in the core's order, directives indented", () => {
  const { text } = printConfig(model());
  const headers = text.split("\n").filter((l) => /^\S/.test(l) && !l.startsWith("#"));
  assert.deepEqual(headers, ["global", "frontend fe", "backend web"]);
  assert.ok(text.includes("\n    server s1 127.0.0.1:80\n"));
  assert.ok(text.includes("\n    mode\n"), "a directive without args prints its keyword alone");
  assert.ok(text.endsWith("\n"));
});

Deno.test("printConfig - maps every line to the entity it came from", () => {
  const { text, lines } = printConfig(model());
  const out = text.split("\n");
  // lines[n] is line n (1-based); index 0 is unused; one entry per printed line plus the trailing "".
  assert.equal(lines.length, out.length);
  const at = (needle: string) => lines[out.findIndex((l) => l.trim().startsWith(needle)) + 1];
  assert.deepEqual(at("server s1"), { kind: "server", id: "web/s1" });
  assert.deepEqual(at("balance"), { kind: "backend", id: "web" }, "inherits the section entity");
  assert.deepEqual(at("backend web"), { kind: "backend", id: "web" });
  assert.deepEqual(at("acl a"), { kind: "acl", id: "a" });
  assert.deepEqual(at("maxconn"), { kind: "global", id: "global" });
  assert.equal(lines[1], null, "the header comment maps to nothing");
  out.slice(0, -1).forEach((l, i) => {
    if (l === "") assert.equal(lines[i + 1], null, `blank line ${i + 1}`);
  });
});

Deno.test("printConfig - is deterministic and keeps insertion order within a kind", () => {
  const m = new ConfigModel();
  for (const name of ["b", "a", "c"]) m.add({ kind: "backend", name, directives: [] });
  const a = printConfig(m).text;
  assert.equal(printConfig(m).text, a);
  assert.ok(a.indexOf("backend b") < a.indexOf("backend a"));
  assert.ok(a.indexOf("backend a") < a.indexOf("backend c"));
});
