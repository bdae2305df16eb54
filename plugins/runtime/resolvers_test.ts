import assert from "node:assert/strict";
import { parseShowResolvers } from "./resolvers.ts";

Deno.test("show resolvers - sections, name servers and counters are parsed", () => {
  const text = [
    "Resolvers section testdns",
    " nameserver ns1:",
    "  sent:        12",
    "  snd_error:   0",
    "  valid:       11",
    "  nx:          1",
    " nameserver ns2:",
    "  sent:        3",
    "Resolvers section other",
    "",
  ].join("\n");
  assert.deepEqual(parseShowResolvers(text), [
    {
      id: "testdns",
      nameservers: [
        { name: "ns1", counters: { sent: 12, snd_error: 0, valid: 11, nx: 1 } },
        { name: "ns2", counters: { sent: 3 } },
      ],
    },
    { id: "other", nameservers: [] },
  ]);
});
