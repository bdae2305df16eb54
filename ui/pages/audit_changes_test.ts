import assert from "node:assert/strict";
import { renderToString } from "preact-render-to-string";
import { html } from "../html.ts";
import { ChangeList, changeText, SnapshotLinks } from "./audit_changes.ts";
import { REDACTED } from "../../core/state/redact.ts";

Deno.test("changeText - each kind of change reads as one line", () => {
  const e = "server web-pool/web-1";
  assert.equal(
    changeText({ op: "change", entity: e, field: "weight", from: 10, to: 20 }),
    "server web-pool/web-1: weight 10 → 20",
  );
  assert.equal(changeText({ op: "add", entity: e }), "server web-pool/web-1 added");
  assert.equal(changeText({ op: "remove", entity: "backend old" }), "backend old removed");
  assert.equal(
    changeText({ op: "add", entity: "backend b", field: "healthCheck", to: '{"path":"/"}' }),
    'backend b: healthCheck set to {"path":"/"}',
  );
  assert.equal(
    changeText({ op: "remove", entity: e, field: "weight", from: 10 }),
    "server web-pool/web-1: weight removed (was 10)",
  );
  assert.equal(
    changeText({ op: "change", entity: "stats", from: null, to: "{}" }),
    "stats: null → {}",
  );
  assert.equal(
    changeText({ op: "change", entity: "c", field: "secret", from: REDACTED, to: REDACTED }),
    "c: secret changed (secret, not shown)",
  );
});

Deno.test("ChangeList - lists the changes and how many more; nothing without any", () => {
  const out = renderToString(html`
    <${ChangeList}
      changes=${[{ op: "add", entity: "backend a" }]} omitted=${3} />
  `);
  assert.match(out, /<li>backend a added<\/li>/);
  assert.match(out, /and 3 more/);
  assert.equal(renderToString(html`<${ChangeList} />`), "");
});

Deno.test("SnapshotLinks - each snapshot id in a text links to its page, the rest stays text", () => {
  const id = "2026-05-17T12-34-56.789Z-abc1234";
  const out = renderToString(html`<${SnapshotLinks} text=${`{"reason":"restore:${id}"}`} />`);
  assert.equal(
    out,
    `{&quot;reason&quot;:&quot;restore:<a class="snapshot" href="/snapshots/${id}">${id}</a>&quot;}`,
  );
  assert.equal(renderToString(html`<${SnapshotLinks} text="no id here" />`), "no id here");
});
