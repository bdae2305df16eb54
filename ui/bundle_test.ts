import assert from "node:assert/strict";
import { buildIslandsModule, OUTPUT } from "../scripts/build-ui.ts";

Deno.test("ui bundle - the committed island bundle matches its sources", async () => {
  const { module } = await buildIslandsModule();
  const committed = await Deno.readTextFile(OUTPUT);
  assert.equal(committed, module, "stale: run deno run -A scripts/build-ui.ts");
});
