import assert from "node:assert/strict";
import { ConfigModel, d, type Entity, type PrintedBody, unreadBody } from "./model.ts";
import { printConfig } from "./print.ts";

const e: Entity = { kind: "backend", id: "web" };
const server: Entity = { kind: "server", id: "web/a" };

function body(): PrintedBody {
  const directives = [d("balance", ["roundrobin"], e), d("server", ["a", "127.0.0.1:81"], server)];
  return { lines: () => directives.map((l) => ({ ...l, args: l.args.slice() })) };
}

function model(b: PrintedBody): ConfigModel {
  const m = new ConfigModel();
  m.add({
    kind: "frontend",
    name: "fe",
    directives: [d("bind", ["127.0.0.1:80"], { kind: "bind", id: "fe/0" })],
  });
  m.addPrinted({ kind: "backend", name: "web", entity: e }, b);
  return m;
}

Deno.test("addPrinted - an unread section prints its remembered lines, with their entities", () => {
  const b = body();
  const plain = new ConfigModel();
  plain.add({
    kind: "frontend",
    name: "fe",
    directives: [d("bind", ["127.0.0.1:80"], { kind: "bind", id: "fe/0" })],
  });
  plain.add({ kind: "backend", name: "web", entity: e, directives: body().lines() });
  const once = printConfig(model(b));
  assert.equal(once.text, printConfig(plain).text);
  assert.deepEqual(once.lines, printConfig(plain).lines);
  assert.ok(
    b.text?.includes("server a 127.0.0.1:81"),
    "the text is remembered for the next render",
  );
  assert.equal(printConfig(model(b)).text, once.text);
});

Deno.test("addPrinted - a hook that reads the lines changes its own copies, never the remembered ones", () => {
  const b = body();
  const m = model(b);
  const section = m.section("backend", "web")!;
  assert.ok(unreadBody(section));
  section.directives[1].args.push("check");
  m.insert(section, "end", [d("http-response", ["set-header", "X", "1"], e)]);
  assert.equal(unreadBody(section), null);
  const text = printConfig(m).text;
  assert.match(text, /server a 127\.0\.0\.1:81 check\n {4}http-response set-header X 1\n/);
  assert.equal(
    b.lines()[1].args.join(" "),
    "a 127.0.0.1:81",
    "the remembered lines are untouched",
  );
  assert.doesNotMatch(printConfig(model(b)).text, /check|http-response/);
});

Deno.test("addPrinted - directivesOf an entity the section lacks leaves it unread; one it holds reads it", () => {
  const m = model(body());
  const section = m.section("backend", "web")!;
  assert.equal(m.directivesOf({ kind: "bind", id: "fe/0" }).length, 1);
  assert.ok(unreadBody(section), "a bind lookup does not read a backend's lines");
  const lines = m.directivesOf(server);
  assert.equal(lines.length, 1);
  assert.equal(unreadBody(section), null);
  lines[0].args.push("backup");
  assert.match(printConfig(m).text, /server a 127\.0\.0\.1:81 backup\n/);
});

Deno.test("addPrinted - assigning the lines replaces them", () => {
  const m = model(body());
  const section = m.section("backend", "web")!;
  section.directives = [d("mode", ["tcp"], e)];
  assert.match(printConfig(m).text, /backend web\n {4}mode tcp\n$/);
});
