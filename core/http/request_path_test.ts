import assert from "node:assert/strict";
import { pathOf } from "./request_path.ts";

Deno.test("pathOf - equals new URL(href).pathname, plain or not", () => {
  const base = "http://127.0.0.1:8099";
  for (
    const path of [
      "/",
      "/api/state",
      "/api/state?reason=x",
      "/api/state?x=/y#z",
      "/api/haproxy/servers/app/web-1.example:80/state",
      "/api/state/",
      "//api//state",
      "/api/./state",
      "/api/../state",
      "/api/x/..",
      "/api/%2e%2e/state",
      "/api/%41",
      "/api\\state",
      "/api/st ate",
      "/api/é",
      "/api/<x>",
      "/api/`x`",
      "/api/{x}",
      "/.well-known/x",
      "/a.b/..c/...",
      "/api/state#frag",
    ]
  ) {
    const href = base + path;
    assert.equal(pathOf(href), new URL(href).pathname, path);
  }
  assert.equal(pathOf("http://[::1]:8099/api/state?x"), "/api/state");
  assert.equal(pathOf("http://127.0.0.1:8099"), new URL("http://127.0.0.1:8099").pathname);
});
