import assert from "node:assert/strict";
import { Registry } from "./registry.ts";
import { StartupError, type StartupErrorCode } from "./errors.ts";
import { definePlugin, type Plugin } from "./plugin.ts";
import { startTestDaemon } from "../tests/support/daemon.ts";

function throwsCode(fn: () => unknown, code: StartupErrorCode, pattern?: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof StartupError, String(e));
    assert.equal(e.code, code);
    if (pattern) assert.match(e.message, pattern);
    return true;
  });
}

const p = (name: string, extra: Partial<Plugin> = {}): Plugin => definePlugin({ name, ...extra });

Deno.test("plugin order - [b (needs a), a] registers and sets up a first", async () => {
  const order: string[] = [];
  const a = p("order-a", { setup: () => void order.push("a") });
  const b = p("order-b", { dependencies: ["order-a"], setup: () => void order.push("b") });
  const names = new Registry([b, p("other"), a]).plugins.map((x) => x.name);
  assert.deepEqual(names, ["other", "order-a", "order-b"]);
  const d = await startTestDaemon({ plugins: [b, a] });
  await d.stop();
  assert.deepEqual(order, ["a", "b"]);
});

Deno.test("plugin order - a dependency cycle is PLUGIN_DEPENDENCY_CYCLE naming it", () => {
  throwsCode(
    () =>
      new Registry([
        p("x", { dependencies: ["y"] }),
        p("y", { dependencies: ["z"] }),
        p("z", { dependencies: ["x"] }),
        p("free"),
      ]),
    "PLUGIN_DEPENDENCY_CYCLE",
    /x → y → z → x/,
  );
  throwsCode(
    () => new Registry([p("self", { dependencies: ["self"] })]),
    "PLUGIN_DEPENDENCY_CYCLE",
  );
});

Deno.test("plugin order - a version range patchpanel is outside of is refused", () => {
  throwsCode(
    () => new Registry([p("future", { patchpanel: "^2.0" })], { version: "0.1.0" }),
    "PLUGIN_VERSION_MISMATCH",
    /'future' needs patchpanel "\^2.0"; this is 0.1.0/,
  );
  throwsCode(
    () => new Registry([p("odd", { patchpanel: "soon" })], { version: "0.1.0" }),
    "PLUGIN_INVALID",
  );
  new Registry([p("fits", { patchpanel: ">=0.1.0 <0.2" })], { version: "0.1.3" });
  new Registry([p("fits-this", { patchpanel: "^0.1" })]);
});

Deno.test("plugin order - an unknown plugin key is refused at load", () => {
  const typo = { name: "typo", dependecies: ["tls"] } as unknown as Plugin;
  throwsCode(() => new Registry([typo]), "PLUGIN_INVALID", /unknown key 'dependecies'/);
});
