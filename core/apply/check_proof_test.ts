import assert from "node:assert/strict";
import { checkIsProven } from "./check_proof.ts";
import type { ServerChange } from "./runtime_diff.ts";
import { parseServerLine } from "./runtime_cfg.ts";

const update = (before: string, after: string): ServerChange => ({
  kind: "update",
  backend: "app",
  server: "s1",
  before: parseServerLine(before),
  after: parseServerLine(after),
});
const only = (...servers: ServerChange[]) => ({ servers, acls: [] });

Deno.test("checkIsProven - weights and disabled flags only", () => {
  const line = "server s1 127.0.0.1:8081 weight 10 check";
  assert.equal(
    checkIsProven(only(update(line, "server s1 127.0.0.1:8081 weight 20 check")), 0),
    true,
  );
  assert.equal(
    checkIsProven(only(update(line, "server s1 127.0.0.1:8081 weight 10 check disabled")), 0),
    true,
  );
  assert.equal(
    checkIsProven(
      only(
        update(line, "server s1 127.0.0.1:8081 weight 0 check"),
        update("server s2 127.0.0.1:8082 weight 5", "server s2 127.0.0.1:8082 weight 256"),
      ),
      0,
    ),
    true,
  );
});

function added(): ServerChange {
  return {
    kind: "add",
    backend: "app",
    server: "s9",
    after: parseServerLine("server s9 127.0.0.1:9009 weight 1 check"),
    keywords: ["check", "weight", "1"],
  };
}

Deno.test("checkIsProven - an added server is proven by its add server (run before the verdict)", () => {
  assert.equal(checkIsProven(only(added()), 0), true);
  const line = "server s1 127.0.0.1:8081 weight 10 check";
  assert.equal(
    checkIsProven(only(added(), update(line, "server s1 127.0.0.1:8081 weight 2 check")), 0),
    true,
  );
  // Not with a generated file or an ACL's entries beside it.
  assert.equal(checkIsProven(only(added()), 1), false);
});

Deno.test("checkIsProven - anything else is checked", () => {
  const line = "server s1 127.0.0.1:8081 weight 10 check";
  // An address: HAProxy resolves and parses it.
  assert.equal(
    checkIsProven(only(update(line, "server s1 127.0.0.1:9000 weight 10 check")), 0),
    false,
  );
  // Another keyword on the line.
  assert.equal(checkIsProven(only(update(line, "server s1 127.0.0.1:8081 weight 10")), 0), false);
  // A weight outside what HAProxy takes.
  assert.equal(
    checkIsProven(only(update(line, "server s1 127.0.0.1:8081 weight 300 check")), 0),
    false,
  );
  // Removed servers (a rule may still name one), ACL entries, changed generated files, no
  // change at all.
  const removed: ServerChange = {
    kind: "remove",
    backend: "app",
    server: "s9",
    before: parseServerLine("server s9 127.0.0.1:9009 weight 1"),
    keywords: [],
  };
  assert.equal(checkIsProven(only(removed), 0), false);
  assert.equal(checkIsProven(only(added(), removed), 0), false);
  assert.equal(
    checkIsProven({ servers: [], acls: [{ file: "/d/a.lst", entries: ["x"] }] }, 1),
    false,
  );
  assert.equal(
    checkIsProven(only(update(line, "server s1 127.0.0.1:8081 weight 20 check")), 1),
    false,
  );
  assert.equal(checkIsProven(only(), 0), false);
});
