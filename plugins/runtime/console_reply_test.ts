import assert from "node:assert/strict";
import { refusalOf, refusalsPerCommand, splitReplies } from "./console_reply.ts";

// Answers captured from HAProxy 2.6 on a stats socket, one line per connection.
const LOWERED_DENIED = "\nPermission denied\n\n";
const MIXED = "\nPermission denied\n\nuser\n\nUnknown command, but maybe one of the following " +
  "ones is a better match:\n  show fd [num]   : dump list\n  quit   : disconnect\n\nuser\n\n";
const ADMIN_OK = "admin\n\n\nadmin\n\n"; // show cli level; set maxconn global 50; show cli level

Deno.test("console replies - one reply per command, empty ones included", () => {
  assert.deepEqual(splitReplies(LOWERED_DENIED), ["", "Permission denied\n"]);
  assert.deepEqual(splitReplies(ADMIN_OK), ["admin\n", "", "admin\n"]);
  assert.equal(splitReplies(MIXED).length, 5);
});

Deno.test("console replies - refusals are found per command", () => {
  assert.equal(refusalOf("Permission denied\n"), "Permission denied");
  assert.equal(refusalOf("[3]: Permission denied\n"), "[3]: Permission denied");
  assert.match(refusalOf("This command is restricted to expert mode only.\n") ?? "", /expert/);
  assert.equal(refusalOf("admin\n"), null);
  assert.equal(refusalOf(""), null);
  // user; set maxconn global 1; show cli level; bogus cmd; show cli level
  assert.deepEqual(refusalsPerCommand(MIXED, 4, 1), [
    "Permission denied",
    null,
    "Unknown command, but maybe one of the following ones is a better match:",
    null,
  ]);
  assert.deepEqual(refusalsPerCommand(ADMIN_OK, 3, 0), [null, null, null]);
});

Deno.test("console replies - when replies cannot be told apart, a refusal marks every command", () => {
  // A reply holding an empty line of its own makes more replies than commands.
  const odd = "a\n\nb\n\nPermission denied\n\n";
  assert.deepEqual(refusalsPerCommand(odd, 2, 0), ["Permission denied", "Permission denied"]);
  assert.deepEqual(refusalsPerCommand("a\n\nb\n\nc\n\n", 2, 0), [null, null]);
});
