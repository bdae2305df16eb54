// deno-lint-ignore-file no-explicit-any
import assert from "node:assert/strict";
import { encodeParts } from "./state_bytes.ts";
import { joinParts, type StateJsonParts } from "./state_json.ts";

const utf8 = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const backend = (id: string, weight: number): any =>
  Object.freeze({ id, note: "é ✓ 日本", servers: [{ name: "s", weight }] });
const parts = (backends: any[], head = '{"version":1,"haproxy":{"backends":['): StateJsonParts => ({
  head,
  backends: backends.map((value) => ({ value, text: JSON.stringify(value) })),
  tail: '],"x":"ü"}}',
});
/** The same backends' parts with the texts of `prev` where the value is one of its. */
const sharing = (prev: StateJsonParts, backends: any[]): StateJsonParts => ({
  ...prev,
  backends: backends.map((value) =>
    prev.backends.find((b) => b.value === value) ?? { value, text: JSON.stringify(value) }
  ),
});

Deno.test("encodeParts - the UTF-8 of the joined text, with and without a previous layout", () => {
  const [a, b, c, d] = ["a", "b", "c", "d"].map((id) => backend(id, 1));
  const first = encodeParts(parts([a, b, c]), "\n", null);
  assert.equal(utf8(first.bytes), joinParts(first.parts) + "\n");
  const cases = [
    [a, b, c], // unchanged
    [a, backend("b", 2), c], // one changed in place
    [a, b, c, d], // one added at the end
    [d, a, b, c], // one added in front: every index shifts
    [c, b, a], // reordered
    [a, c], // one removed
    [], // none left
  ];
  for (const backends of cases) {
    const next = sharing(first.parts, backends);
    const laid = encodeParts(next, "\n", first);
    assert.equal(
      utf8(laid.bytes),
      joinParts(next) + "\n",
      JSON.stringify(backends.map((x) => x.id)),
    );
    // And its own offsets serve the state after it.
    const again = encodeParts(sharing(next, backends), "", laid);
    assert.equal(utf8(again.bytes), joinParts(next));
  }
  // A different head (a frontend changed): the backends still copy to their new places.
  const headed = { ...sharing(first.parts, [a, b]), head: '{"version":1,"ü":[1,2,3],"b":[' };
  assert.equal(utf8(encodeParts(headed, "\n", first).bytes), joinParts(headed) + "\n");
});

Deno.test("encodeParts - a backend the previous state had is copied from its bytes, not encoded", () => {
  const [a, b] = [backend("a", 1), backend("b", 1)];
  const first = encodeParts(parts([a, b]), "", null);
  // Mark a's bytes in the previous layout: only a copy carries the mark over.
  const at = first.starts[0] + first.parts.backends[0].text.indexOf('"a"') + 1;
  first.bytes[at] = "A".charCodeAt(0);
  const next = sharing(first.parts, [a, backend("b", 2)]);
  const text = utf8(encodeParts(next, "", first).bytes);
  assert.ok(text.includes('"id":"A"'), "a copied from the previous bytes");
  assert.ok(text.includes('"weight":2'), "b encoded afresh");
  // The same value with another text (not frozen, changed since) is encoded, not copied.
  const changed = { ...next, backends: [{ value: a, text: JSON.stringify({ ...a, id: "z" }) }] };
  assert.ok(utf8(encodeParts(changed, "", first).bytes).includes('"id":"z"'));
});
