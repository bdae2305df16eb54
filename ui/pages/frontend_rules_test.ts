import assert from "node:assert/strict";
import { condParts, rulesFromForm } from "./frontend_rules.ts";

Deno.test("rulesFromForm - rows in position order, blank and removed rows dropped", () => {
  const form = new URLSearchParams([
    ["httpRequest.0.position", "2"],
    ["httpRequest.0.action", "deny"],
    ["httpRequest.0.condKind", "if"],
    ["httpRequest.0.cond", "is_admin !office"],
    ["httpRequest.1.position", "1"],
    ["httpRequest.1.action", "set-header  X-Env   prod"],
    ["httpRequest.1.condKind", ""],
    ["httpRequest.1.cond", ""],
    ["httpRequest.2.position", "3"],
    ["httpRequest.2.action", "return status 200"],
    ["httpRequest.2.remove", "0"],
    ["httpRequest.2.remove", "1"],
    ["httpRequest.3.position", "4"],
    ["httpRequest.3.action", ""],
    ["httpRequest.3.cond", ""],
  ]);
  assert.deepEqual(rulesFromForm(form, "httpRequest"), [
    { action: "set-header X-Env prod" },
    { action: "deny", cond: "if is_admin !office" },
  ]);
});

Deno.test("rulesFromForm - tcp rows carry their point; typed ACLs without a choice become 'if'", () => {
  const form = new URLSearchParams([
    ["tcpRequest.0.on", "connection"],
    ["tcpRequest.0.action", "reject"],
    ["tcpRequest.0.condKind", ""],
    ["tcpRequest.0.cond", "blocked"],
    ["tcpRequest.1.on", "content"],
    ["tcpRequest.1.action", "accept"],
    ["tcpRequest.1.condKind", "unless"],
    ["tcpRequest.1.cond", ""],
  ]);
  assert.deepEqual(rulesFromForm(form, "tcpRequest"), [
    { on: "connection", action: "reject", cond: "if blocked" },
    // "unless" with nothing after it is kept, so the schema refuses it at its row.
    { on: "content", action: "accept", cond: "unless" },
  ]);
});

Deno.test("condParts - splits a condition for the form", () => {
  assert.deepEqual(condParts("if a !b"), { kind: "if", terms: "a !b" });
  assert.deepEqual(condParts("unless  x"), { kind: "unless", terms: "x" });
  assert.deepEqual(condParts(undefined), { kind: "", terms: "" });
});
