import assert from "node:assert/strict";
import { clientKey } from "./client_key.ts";

Deno.test("clientKey - IPv4 as is, IPv4-mapped IPv6 as its IPv4", () => {
  assert.equal(clientKey("192.0.2.1"), "192.0.2.1");
  assert.equal(clientKey("::ffff:192.0.2.1"), "192.0.2.1");
  assert.equal(clientKey("::FFFF:127.0.0.1"), "127.0.0.1");
});

Deno.test("clientKey - an IPv6 /64 is one key, whatever the low 64 bits and spelling", () => {
  const key = "2001:db8:0:1::/64";
  for (
    const ip of [
      "2001:db8:0:1::1",
      "2001:db8:0:1:ffff:ffff:ffff:ffff",
      "2001:0db8:0000:0001:0000:0000:0000:0002",
      "[2001:DB8:0:1:a:b:c:d]",
      "2001:db8:0:1::5%eth0",
      "2001:db8:0:1:0:0:192.0.2.1",
    ]
  ) assert.equal(clientKey(ip), key, ip);
  assert.notEqual(clientKey("2001:db8:0:2::1"), key, "the next /64 is another client");
  assert.equal(clientKey("::1"), "0:0:0:0::/64");
  assert.equal(clientKey("2001:db8::"), "2001:db8:0:0::/64");
});

Deno.test("clientKey - what is not an address is its own key, never merged with others", () => {
  for (const odd of ["unknown", "1:2:3", "1::2::3", "g::1", "1:2:3:4:5:6:7:8:9"]) {
    assert.equal(clientKey(odd), odd.toLowerCase(), odd);
  }
});
