import assert from "node:assert/strict";
import { composeStateSchema } from "../state/schema.ts";
import { dataPaths } from "../paths.ts";
import { renderState } from "./render.ts";

const schema = composeStateSchema({}, []);
const render = (defaults: Record<string, unknown> | undefined) =>
  renderState(
    schema.parse(defaults ? { haproxy: { defaults } } : {}),
    { paths: dataPaths("/tmp/pp-hitless-render") },
  ).text;
const lines = (text: string) => text.split("\n").filter((l) => /idle-close-on-response/.test(l));

Deno.test("render - defaults carry option idle-close-on-response unless turned off", () => {
  assert.deepEqual(lines(render(undefined)).map((l) => l.trim()), [
    "option idle-close-on-response",
  ]);
  assert.equal(lines(render({ mode: "http" })).length, 1, "a defaults without the key");
  assert.deepEqual(lines(render({ idleCloseOnResponse: false })), []);
  // Named in options either way, the options entry is the only line.
  assert.deepEqual(
    lines(render({ options: ["no idle-close-on-response"] })).map((l) => l.trim()),
    ["no option idle-close-on-response"],
  );
  assert.equal(lines(render({ options: ["idle-close-on-response"] })).length, 1);
});
