import assert from "node:assert/strict";
import { removeStaleTemps, stageFile } from "./fsutil.ts";

Deno.test("stageFile - commit puts it in place, discard leaves the destination untouched", async () => {
  const dir = await Deno.makeTempDir({ prefix: "pp-fsutil-" });
  try {
    const path = `${dir}/state.json`;
    await Deno.writeTextFile(path, "old");
    const dropped = await stageFile(path, "dropped");
    await dropped.discard();
    assert.equal(await Deno.readTextFile(path), "old");
    const kept = await stageFile(path, "new", 0o600);
    assert.equal(await Deno.readTextFile(path), "old", "not in place before commit");
    await kept.commit();
    assert.equal(await Deno.readTextFile(path), "new");
    assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["state.json"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("stageFile - place puts it in place keeping the old file; undo puts that back, keep forgets it", async () => {
  const dir = await Deno.makeTempDir({ prefix: "pp-fsutil-" });
  const names = () => [...Deno.readDirSync(dir)].map((e) => e.name).sort();
  try {
    const path = `${dir}/state.json`;
    await Deno.writeTextFile(path, "old");
    const undone = await (await stageFile(path, "refused")).place();
    assert.equal(await Deno.readTextFile(path), "refused", "in place before the verdict");
    await undone.undo();
    assert.equal(await Deno.readTextFile(path), "old");
    assert.deepEqual(names(), ["state.json"]);
    const kept = await (await stageFile(path, "new")).place();
    assert.deepEqual(names(), ["state.json", "state.json.tmp-prev"], "the old one kept as a temp");
    await kept.keep();
    assert.equal(await Deno.readTextFile(path), "new");
    assert.deepEqual(names(), ["state.json"]);
    // Without a file to replace, undo removes the placed one.
    const fresh = `${dir}/fresh.json`;
    await (await (await stageFile(fresh, "first")).place()).undo();
    assert.deepEqual(names(), ["state.json"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("removeStaleTemps - removes only <name>.tmp-* beside the path", async () => {
  const dir = await Deno.makeTempDir({ prefix: "pp-fsutil-" });
  try {
    for (const name of ["state.json", "state.json.tmp-1a2b3c4d", "haproxy.cfg.tmp-x", "other"]) {
      await Deno.writeTextFile(`${dir}/${name}`, name);
    }
    await removeStaleTemps([`${dir}/state.json`]);
    const left = [...Deno.readDirSync(dir)].map((e) => e.name).sort();
    assert.deepEqual(left, ["haproxy.cfg.tmp-x", "other", "state.json"]);
    await removeStaleTemps([`${dir}/state.json`, `${dir}/haproxy.cfg`]);
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name).sort(), ["other", "state.json"]);
    await removeStaleTemps([`${dir}/missing/state.json`]); // no directory: nothing to do
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
