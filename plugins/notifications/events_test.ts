import assert from "node:assert/strict";
import { defaultPlugins } from "../mod.ts";
import { EVENT_NOTICES } from "./events.ts";

Deno.test("notices - every certificate event a built-in plugin emits becomes a notice", () => {
  const declared = defaultPlugins().flatMap((p) => p.events ?? []).filter((e) =>
    e.startsWith("cert:")
  );
  assert.ok(declared.includes("cert:renew-failed"), "the certbot plugin declares its failures");
  for (const event of declared) {
    const draft =
      (EVENT_NOTICES as Record<string, ((p: unknown) => { event: string }) | undefined>)[
        event
      ];
    assert.ok(draft, `${event} has no notice: an operator would never hear of it`);
    const notice = draft({
      certId: "c1",
      providerId: "le",
      name: "www",
      domains: ["a.test"],
      notAfter: "2027-01-01T00:00:00Z",
      daysLeft: 3,
      status: "expiring",
      usedBy: [],
      error: "boom",
      kind: "validation-failed",
    });
    assert.equal(notice.event, event);
  }
});
