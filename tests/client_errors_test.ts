/**
 * The console's error reports against a real daemon: a viewer's report is
 * audited as `client-error`, a malformed one is a 400, and past ten a minute
 * the answer is 429 with Retry-After.
 *
 * @module
 */
import assert from "node:assert/strict";
import { startTestDaemon } from "./support/daemon.ts";

Deno.test("client errors - a viewer's report is audited; the eleventh in a minute is a 429", async () => {
  const d = await startTestDaemon();
  try {
    const viewer = await d.mintToken("viewer");
    const report = { message: "TypeError: x is undefined", page: "/backends", line: 12 };
    const first = await d.api("POST", "/api/client-errors", report, {}, { as: viewer });
    assert.equal(first.status, 200, first.text);
    const bad = await d.api("POST", "/api/client-errors", { message: "" }, {}, { as: viewer });
    assert.equal(bad.status, 400, bad.text);
    for (let i = 0; i < 9; i++) {
      assert.equal(
        (await d.api("POST", "/api/client-errors", report, {}, { as: viewer })).status,
        200,
      );
    }
    const over = await d.api("POST", "/api/client-errors", report, {}, { as: viewer });
    assert.equal(over.status, 429, over.text);
    assert.ok(Number(over.headers.get("retry-after")) > 0);
    const audit = await d.api("GET", "/api/audit?limit=50");
    const rows = audit.body.entries.filter((e: { category: string }) =>
      e.category === "client-error"
    );
    assert.equal(rows.length, 10);
    assert.equal(rows[0].details.message, report.message);
    assert.equal(rows[0].target, "/backends");
  } finally {
    await d.stop();
  }
});
