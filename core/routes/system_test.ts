import assert from "node:assert/strict";
import { interfaceAddresses } from "./system.ts";

Deno.test("system interfaces - the host's addresses, loopback first, with prefixes", () => {
  const all = interfaceAddresses();
  assert.ok(all.length > 0);
  assert.deepEqual(all[0], {
    name: all[0].name,
    family: all[0].family,
    address: all[0].address,
    prefix: all[0].prefix,
    loopback: true,
  });
  const lo = all.find((a) => a.address === "127.0.0.1");
  assert.ok(lo, "127.0.0.1 is listed");
  assert.equal(lo.prefix, 8);
  assert.ok(all.every((a) => Number.isInteger(a.prefix)));
});
