/**
 * The authority the host check reads when a request has no Host header
 * (HTTP/2 carries it as `:authority`, which Deno puts only in the URL).
 *
 * @module
 */
import assert from "node:assert/strict";
import { authorityOf, hostGuard, isLoopbackHost } from "./hosts.ts";
import type { GuardInput } from "./server.ts";

Deno.test("authorityOf - host and port of an absolute URL, sliced", () => {
  assert.equal(authorityOf("https://127.0.0.1:8099/api/state?x=1"), "127.0.0.1:8099");
  assert.equal(authorityOf("https://[::1]:8099/"), "[::1]:8099");
  assert.equal(authorityOf("http://pp.example"), "pp.example");
  assert.equal(authorityOf("/relative"), null);
});

Deno.test("hostGuard - a request without a Host header is judged by its URL's authority", () => {
  const guard = hostGuard(isLoopbackHost);
  const input = (url: string) => ({ req: new Request(url) }) as unknown as GuardInput;
  const headers = { set() {} };
  assert.equal(guard.check(input("https://127.0.0.1:8099/api/state"), headers), undefined);
  assert.throws(
    () => guard.check(input("https://rebind.attacker.example/api/state"), headers),
    /not one of this daemon's names/,
  );
});
