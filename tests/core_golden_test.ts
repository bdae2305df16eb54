/**
 * Golden files for the renderer: each `tests/golden/<case>.json` renders to
 * exactly `tests/golden/<case>.cfg`, twice in a row, and every golden cfg
 * passes a real `haproxy -c`. `UPDATE_GOLDEN=1` rewrites the .cfg files.
 *
 * Renders use a fixed data directory so the goldens are stable; the files a
 * render refers to (ACL lists) are written there so `haproxy -c` can read
 * them. `haproxy -c` starts no listener and no health check.
 *
 * @module
 */
import assert from "node:assert/strict";
import { composeStateSchema } from "../core/state/schema.ts";
import { renderState } from "../core/render/render.ts";
import { dataPaths } from "../core/paths.ts";
import { writeGenerated } from "../core/apply/files.ts";
import { checkConfig } from "../core/haproxy/check.ts";

const GOLDEN_DIR = new URL("./golden/", import.meta.url).pathname;
const DATA_DIR = "/tmp/patchpanel-golden";
const UPDATE = Deno.env.get("UPDATE_GOLDEN") === "1";

const cases = [...Deno.readDirSync(GOLDEN_DIR)]
  .filter((e) => e.isFile && e.name.endsWith(".json"))
  .map((e) => e.name.slice(0, -".json".length))
  .sort();

const schema = composeStateSchema({}, []);
const paths = dataPaths(DATA_DIR);

function render(input: unknown) {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new Error(JSON.stringify(parsed.error.issues, null, 2));
  return renderState(parsed.data, { paths });
}

Deno.test("golden - there are enough cases", () => {
  assert.ok(cases.length >= 8, `only ${cases.length} golden cases`);
});

for (const name of cases) {
  Deno.test(`golden - ${name} renders byte-identical, deterministically, and passes haproxy -c`, async () => {
    const input = JSON.parse(await Deno.readTextFile(`${GOLDEN_DIR}${name}.json`));
    const first = render(input);
    const second = render(structuredClone(input));
    assert.equal(second.text, first.text, "two renders of the same state differ");
    assert.deepEqual(second.files, first.files, "two renders produced different files");
    assert.equal(first.lines.length, first.text.split("\n").length, "line map length");

    const cfgPath = `${GOLDEN_DIR}${name}.cfg`;
    if (UPDATE) await Deno.writeTextFile(cfgPath, first.text);
    const golden = await Deno.readTextFile(cfgPath);
    assert.equal(first.text, golden, `${name}.cfg is stale (UPDATE_GOLDEN=1 regenerates it)`);

    await Deno.mkdir(`${DATA_DIR}/run`, { recursive: true });
    await writeGenerated(first.files);
    const check = await checkConfig("haproxy", cfgPath);
    assert.ok(check.ok, `haproxy -c rejected ${name}.cfg:\n${check.output}`);
  });
}
