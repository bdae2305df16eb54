import assert from "node:assert/strict";
import { LogTail } from "./log_tail.ts";

const until = async (probe: () => boolean) => {
  for (let i = 0; i < 200 && !probe(); i++) await new Promise((r) => setTimeout(r, 10));
  return probe();
};

Deno.test("LogTail - follows appended lines, from the end on attach, from the start after a truncation", async () => {
  const dir = await Deno.makeTempDir({ prefix: "pp-tail-" });
  const file = `${dir}/haproxy.log`;
  const lines: string[] = [];
  const tail = new LogTail(file, (l) => lines.push(l), 5);
  try {
    await Deno.writeTextFile(file, "old 1\nold 2\n");
    await tail.follow(true); // an attach: what was there before is not replayed
    await Deno.writeTextFile(file, "new 1\nnew", { append: true });
    assert.ok(await until(() => lines.length === 1), JSON.stringify(lines));
    await Deno.writeTextFile(file, " 2\r\n", { append: true });
    assert.ok(await until(() => lines.length === 2));
    assert.deepEqual(lines, ["new 1", "new 2"]);
    // A fresh master truncates the file: it is read again from its start.
    await Deno.writeTextFile(file, "fresh\n");
    assert.ok(await until(() => lines.length === 3), JSON.stringify(lines));
    assert.equal(lines[2], "fresh");
    // drain reads at once, including a last line without its newline.
    await Deno.writeTextFile(file, "last words", { append: true });
    await tail.drain();
    assert.equal(lines.at(-1), "last words");
  } finally {
    await tail.stop();
    await Deno.remove(dir, { recursive: true });
  }
});
