// deno-lint-ignore-file no-explicit-any
import assert from "node:assert/strict";
import { StateStore } from "./store.ts";

const state = (weight: number): any => ({ version: 1, note: "é ✓", weight });
const utf8 = (bytes: Uint8Array | null) => new TextDecoder().decode(bytes!);

Deno.test("StateStore - the file and the answers are one encoding of the body", async () => {
  const dir = await Deno.makeTempDir({ prefix: "pp-store-" });
  try {
    const store = new StateStore(`${dir}/state.json`);
    const prepared = store.prepare(state(1));
    const staged = await store.stage(prepared);
    assert.equal(store.bodyBytes(), null, "nothing is current before the commit");
    await staged.commit();
    const file = await Deno.readTextFile(`${dir}/state.json`);
    assert.equal(file, JSON.stringify(state(1)) + "\n");
    assert.equal(utf8(store.bodyBytes()), JSON.stringify(state(1)), "no trailing newline");
    assert.equal(store.body(), JSON.stringify(state(1)));

    // Adopted without a write (start-up): encoded on first use, then kept.
    store.adopt(state(2));
    assert.equal(utf8(store.bodyBytes()), JSON.stringify(state(2)));
    assert.equal(store.bodyBytes(), store.bodyBytes());
    await store.save(state(3));
    assert.equal(await Deno.readTextFile(`${dir}/state.json`), JSON.stringify(state(3)) + "\n");
    assert.equal(utf8(store.bodyBytes()), JSON.stringify(state(3)));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
