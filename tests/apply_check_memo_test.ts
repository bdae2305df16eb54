/**
 * A candidate `haproxy -c` accepted a moment ago is not checked again: a
 * plan followed by the apply of the same state (the console's and CI's
 * review-then-apply) runs HAProxy's check once, and the apply still lands
 * in the running HAProxy. Another state, or a refused candidate (never
 * remembered), is checked again. The key's other parts (generated files,
 * the referenced files' digest) are covered in core/apply/check_memo_test.ts.
 *
 * @module
 */
import assert from "node:assert/strict";
import { freePort, simpleState, startBackend, startTestDaemon, through } from "./support/daemon.ts";

/** The stage names of an answer's Server-Timing. */
const stages = (h: Headers) =>
  (h.get("server-timing") ?? "").split(",").map((s) => s.trim().split(";")[0]);

Deno.test("check memo - plan then apply checks once; other states, refusals and replaced files check again", async () => {
  const [one, two] = [startBackend("one"), startBackend("two")];
  const fe = freePort();
  const d = await startTestDaemon({
    config: { security: { allowRawDirectives: true } },
    state: simpleState(fe, [{ name: "s", address: one.address }]),
  });
  try {
    // Plan, then apply the same document: the apply takes the plan's pass (runtime path).
    const next = simpleState(fe, [{ name: "s", address: two.address }]);
    const plan = await d.api("POST", "/api/state/plan", next);
    assert.equal(plan.status, 200, plan.text);
    assert.equal(plan.body.ok, true);
    const put = await d.api("PUT", "/api/state", next);
    assert.equal(put.status, 200, put.text);
    assert.ok(stages(put.headers).includes("check-memo"), put.headers.get("server-timing")!);
    assert.ok(!stages(put.headers).includes("check"));
    assert.equal((await through(fe)).body, "two");

    // Another state is checked for real (the first one passed at start-up, so it would not be).
    const back = await d.api(
      "PUT",
      "/api/state",
      simpleState(fe, [{ name: "s", address: one.address, weight: 7 }]),
    );
    assert.equal(back.status, 200, back.text);
    assert.ok(stages(back.headers).includes("check"), back.headers.get("server-timing")!);
    assert.equal((await through(fe)).body, "one");

    // A refused candidate is never remembered: its plan and its apply both run the check.
    const bad = simpleState(fe, [{ name: "s", address: two.address }]) as {
      haproxy: { backends: { rawDirectives?: string[] }[] };
    };
    bad.haproxy.backends[0].rawDirectives = ["bogus-keyword on"];
    const badPlan = await d.api("POST", "/api/state/plan", bad);
    assert.equal(badPlan.body.ok, false, badPlan.text);
    const badPut = await d.api("PUT", "/api/state", bad);
    assert.equal(badPut.status, 502, badPut.text);
    assert.match(badPut.body.output, /bogus-keyword/);
    assert.equal((await through(fe)).body, "one");
  } finally {
    await d.stop();
    await one.close();
    await two.close();
  }
});
