import assert from "node:assert/strict";
import { join } from "node:path";
import { ByoStore } from "./store.ts";

const files = (tag: string) => ({
  fullchain: `chain ${tag}`,
  privkey: `key ${tag}`,
  cert: `leaf ${tag}`,
});

async function withStore(fn: (store: ByoStore, root: string) => Promise<void>) {
  const root = join(await Deno.makeTempDir({ prefix: "pp-byo-" }), "byo-certs");
  try {
    await fn(new ByoStore(root), root);
  } finally {
    await Deno.remove(join(root, ".."), { recursive: true });
  }
}

function entries(root: string): string[] {
  return [...Deno.readDirSync(root)].map((e) => e.name).sort();
}

Deno.test("byo store - a replacement swaps every file at once and commit drops the old version", async () => {
  await withStore(async (store, root) => {
    const first = await store.write("app", files("v1"));
    assert.equal(first.replaced, false);
    await first.commit();
    const second = await store.write("app", files("v2"));
    assert.equal(second.replaced, true);
    assert.equal(await store.fullchain("app"), "chain v2");
    assert.equal(await Deno.readTextFile(join(store.dir("app"), "privkey.pem")), "key v2");
    await second.commit();
    assert.equal(entries(root).filter((n) => n.startsWith(".v-")).length, 1);
    assert.deepEqual(await store.names(), ["app"]);
  });
});

Deno.test("byo store - rollback restores the previous files, or removes a new name", async () => {
  await withStore(async (store, root) => {
    await (await store.write("app", files("v1"))).commit();
    const swap = await store.write("app", files("v2"));
    await swap.rollback();
    assert.equal(await store.fullchain("app"), "chain v1");
    assert.equal(await Deno.readTextFile(join(store.dir("app"), "cert.pem")), "leaf v1");
    assert.equal(entries(root).filter((n) => n.startsWith(".v-")).length, 1);

    const fresh = await store.write("other", files("x"));
    await fresh.rollback();
    assert.equal(await store.exists("other"), false);
    assert.deepEqual(await store.names(), ["app"]);
  });
});

Deno.test("byo store - a plain directory from a hand copy is adopted, and remove leaves nothing", async () => {
  await withStore(async (store, root) => {
    await Deno.mkdir(join(root, "legacy"), { recursive: true });
    await Deno.writeTextFile(join(root, "legacy", "fullchain.pem"), "old chain");
    assert.deepEqual(await store.names(), ["legacy"]);
    const swap = await store.write("legacy", files("new"));
    assert.equal(swap.replaced, true);
    await swap.commit();
    assert.equal(await store.fullchain("legacy"), "chain new");
    await store.remove("legacy");
    assert.deepEqual(entries(root), []);
    assert.equal(await store.fullchain("legacy"), null);
  });
});
