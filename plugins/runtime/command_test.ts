import assert from "node:assert/strict";
import { HttpError } from "../../core/errors.ts";
import { command, name, serverRef, value, word } from "./command.ts";
import { classifyMutation, classifyRead } from "./admin.ts";
import { consoleLine, LEVEL_OF_ROLE, splitCommands } from "./console.ts";

const refused = (fn: () => unknown) =>
  assert.throws(fn, (e) => e instanceof HttpError && e.status === 400);

Deno.test("command - joins checked parts", () => {
  assert.equal(
    command(word("set server"), serverRef("app", "web-1"), word("state"), word("drain")),
    "set server app/web-1 state drain",
  );
  assert.equal(
    command(word("add acl"), word("#3"), value("/api/v1?x=1", "value")),
    "add acl #3 /api/v1?x=1",
  );
});

Deno.test("command - a name or value that could start a second command is a 400", () => {
  for (const bad of ["a;b", "a b", "a\nb", "a\rb", "", "-lead", "a/b"]) {
    refused(() => command(word("disable frontend"), name(bad, "frontend")));
  }
  refused(() => command(word("set weight"), serverRef("app", "a;b"), value("1", "weight")));
  refused(() => command(word("set weight"), serverRef("a b", "a"), value("1", "weight")));
  for (const bad of ["x;y", "x y", "x\ny", "x\\;y", "x'y", 'x"y', "x#y", "x\ty", "é", ""]) {
    refused(() => command(word("add acl"), word("#0"), value(bad, "value")));
  }
  refused(() => command(word("set server; shutdown")));
});

Deno.test("classifyMutation - empty and 'already' succeed, 'No such' is missing, else refused", () => {
  assert.equal(classifyMutation("\n").kind, "done");
  assert.equal(classifyMutation("All sockets are already disabled.\n\n").kind, "done");
  assert.equal(classifyMutation("No such server.\n\n").kind, "missing");
  assert.equal(
    classifyMutation("Unknown ACL identifier. Please use #<id> or <file>.\n").kind,
    "missing",
  );
  assert.equal(classifyMutation("Key not found.\n").kind, "missing");
  const r = classifyMutation("Value out of range.\n\n");
  assert.deepEqual(r, { kind: "refused", output: "Value out of range." });
  assert.equal(classifyRead("# table: app, type: ip\n").kind, "done");
  assert.equal(classifyRead("No such table\n").kind, "missing");
});

Deno.test("console - roles map to CLI levels; admin is never prefixed", () => {
  assert.deepEqual(LEVEL_OF_ROLE, { viewer: "user", operator: "operator", admin: "admin" });
  assert.equal(consoleLine("viewer", "show info"), "user; show info");
  assert.equal(consoleLine("operator", "show info; show stat"), "operator; show info; show stat");
  assert.equal(consoleLine("admin", "show info"), "show info");
  assert.deepEqual(splitCommands(" show info ;show stat;; "), ["show info", "show stat"]);
  assert.deepEqual(splitCommands("add acl #0 a\\;b"), ["add acl #0 a\\;b"]);
});
