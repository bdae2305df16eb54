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

Deno.test("StateStore - the next state's file copies the backends it shares, byte for byte", async () => {
  const dir = await Deno.makeTempDir({ prefix: "pp-store-" });
  try {
    const store = new StateStore(`${dir}/state.json`);
    const be = (id: string, w: number) => Object.freeze({ id, note: "ü", servers: [{ w }] });
    const doc = (backends: unknown[]): any => ({ version: 1, haproxy: { backends }, acls: [] });
    const [a, b, c] = [be("a", 1), be("b", 1), be("c", 1)];
    store.adopt(doc([a, b, c]));
    for (const next of [doc([a, be("b", 2), c]), doc([c, a]), doc([a, c, be("d", 3)])]) {
      await (await store.stage(store.prepare(next))).commit();
      assert.equal(await Deno.readTextFile(`${dir}/state.json`), JSON.stringify(next) + "\n");
      assert.equal(utf8(store.bodyBytes()), JSON.stringify(next));
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
