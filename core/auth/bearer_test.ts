import assert from "node:assert/strict";
import { bearerToken } from "./bearer.ts";

const WIRE = "pp_a1b2c3d4.0123456789abcdef0123456789abcdef";

Deno.test("bearerToken - takes the token after a case-insensitive Bearer scheme", () => {
  assert.equal(bearerToken(`Bearer ${WIRE}`), WIRE);
  assert.equal(bearerToken(`bearer ${WIRE}`), WIRE);
  assert.equal(bearerToken(`BeArEr ${WIRE}`), WIRE);
  assert.equal(bearerToken(`Bearer \t ${WIRE}  `), WIRE);
});

Deno.test("bearerToken - refuses other schemes, a missing token and several words", () => {
  const bad = [
    "",
    "Bearer",
    "Bearer ",
    "Bearer  \t ",
    `Bearer${WIRE}`,
    `Basic ${WIRE}`,
    `Bearerx ${WIRE}`,
    `Bearer ${WIRE} extra`,
    `Bearer\n${WIRE}`,
    `Bearer\x00${WIRE}`,
    // Setting bit 0x20 lowercases letters only: these must not pass for "bearer".
    `\x02earer ${WIRE}`,
    `Bearer\x00 ${WIRE}`,
  ];
  for (const value of bad) assert.equal(bearerToken(value), null, JSON.stringify(value));
});
