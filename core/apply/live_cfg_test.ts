import assert from "node:assert/strict";
import { LiveCfg } from "./live_cfg.ts";

Deno.test("LiveCfg - the remembered text while the file is unchanged, the file's own otherwise", async () => {
  const dir = await Deno.makeTempDir({ prefix: "pp-live-cfg-" });
  try {
    const path = `${dir}/haproxy.cfg`;
    const live = new LiveCfg(path);
    assert.equal(await live.read(), null, "no file yet");
    await Deno.writeTextFile(path, "global\n");
    assert.equal(await live.read(), "global\n");
    // The same file: served from memory (a read would see nothing different, so spy on it).
    const read = Deno.readTextFile;
    let reads = 0;
    Deno.readTextFile = (...args) => (reads++, read(...args));
    try {
      assert.equal(await live.read(), "global\n");
      assert.equal(reads, 0, "not read again");
    } finally {
      Deno.readTextFile = read;
    }
    // Edited in place, same size: its times changed, so it is read again.
    await new Promise((r) => setTimeout(r, 5));
    await Deno.writeTextFile(path, "GLOBAL\n");
    assert.equal(await live.read(), "GLOBAL\n");
    // A new file renamed over it (what every writer of the cfg does).
    await Deno.writeTextFile(`${path}.new`, "defaults\n");
    await Deno.rename(`${path}.new`, path);
    assert.equal(await live.read(), "defaults\n");
    // An apply that swapped its candidate in says so: that text, without a read.
    await Deno.writeTextFile(`${path}.new`, "frontend fe\n");
    await Deno.rename(`${path}.new`, path);
    await live.swapped("frontend fe\n");
    assert.equal(await live.read(), "frontend fe\n");
    await Deno.remove(path);
    assert.equal(await live.read(), null, "gone");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
