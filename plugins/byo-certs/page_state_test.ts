import assert from "node:assert/strict";
import { dnsNames } from "./page_state.ts";

Deno.test("dnsNames - keeps DNS names and wildcards, drops IP addresses", () => {
  assert.deepEqual(
    dnsNames(["app.test", "*.app.test", "127.0.0.1", "::1", "bad name"]),
    ["app.test", "*.app.test"],
  );
});
