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
  // Added or removed servers, ACL entries, changed generated files, no change at all.
  const added: ServerChange = {
    kind: "add",
    backend: "app",
    server: "s9",
    after: parseServerLine("server s9 127.0.0.1:9009 weight 1"),
    keywords: [],
  };
  assert.equal(checkIsProven(only(added), 0), false);
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
