import assert from "node:assert/strict";
import { runOutcome } from "./timer.ts";
import type { RenewAnswer } from "./issuer.ts";

const ok = { id: "site", ok: true, renewed: true, notAfter: null };

Deno.test("renewal run outcome - a failed certificate or install fails; a deferred install does not", () => {
  const run = (a: RenewAnswer) => runOutcome(a);
  assert.equal(run({ results: [ok], reload: { ok: true, error: null } }), "success");
  assert.equal(
    run({ results: [ok], reload: { ok: false, error: "deferred: window", deferred: true } }),
    "success",
  );
  assert.equal(run({ results: [ok], reload: { ok: false, error: "haproxy -c" } }), "failure");
  assert.equal(
    run({ results: [{ ...ok, ok: false, renewed: false }], reload: { ok: true, error: null } }),
    "failure",
  );
});
