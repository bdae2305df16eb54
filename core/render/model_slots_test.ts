import assert from "node:assert/strict";
import { ConfigModel, d, type Section } from "./model.ts";

function frontend(): Section {
  return {
    kind: "frontend",
    name: "fe",
    directives: [
      d("mode", ["http"]),
      d("bind", ["127.0.0.1:80"]),
      d("bind", ["127.0.0.1:443"]),
      d("http-request", ["set-header", "X-A", "1"]),
      d("use_backend", ["api", "if", "is_api"]),
      d("default_backend", ["web"]),
    ],
  };
}

const keywords = (s: Section) => s.directives.map((x) => `${x.keyword} ${x.args[0] ?? ""}`.trim());

Deno.test("ConfigModel.insert - each slot lands where HAProxy evaluates it", () => {
  const model = new ConfigModel();
  const s = model.add(frontend());
  model.insert(s, "after-binds", [d("tcp-request", ["connection"])]);
  model.insert(s, "before-rules", [d("http-request", ["redirect"])]);
  model.insert(s, "before-routing", [d("http-request", ["deny"])]);
  model.insert(s, "end", [d("log-tag", ["x"])]);
  assert.deepEqual(keywords(s), [
    "mode http",
    "bind 127.0.0.1:80",
    "bind 127.0.0.1:443",
    "tcp-request connection",
    "http-request redirect",
    "http-request set-header",
    "http-request deny",
    "use_backend api",
    "default_backend web",
    "log-tag x",
  ]);
});

Deno.test("ConfigModel.insert - several inserts at one slot keep their call order", () => {
  const model = new ConfigModel();
  const s = model.add(frontend());
  model.insert(s, "before-rules", [d("http-request", ["first"])]);
  model.insert(s, "before-rules", [d("http-request", ["second"]), d("http-response", ["third"])]);
  model.insert(s, "before-rules", [d("http-request", ["fourth"])]);
  assert.deepEqual(keywords(s).slice(3, 8), [
    "http-request first",
    "http-request second",
    "http-response third",
    "http-request fourth",
    "http-request set-header",
  ]);
});

Deno.test("ConfigModel.insert - a missing anchor falls back to the next slot, never outside the section", () => {
  const model = new ConfigModel();
  const s = model.add({ kind: "backend", name: "b", directives: [d("balance", ["roundrobin"])] });
  model.insert(s, "after-binds", [d("x")]);
  model.insert(s, "before-routing", [d("y")]);
  assert.deepEqual(keywords(s), ["balance roundrobin", "x", "y"]);
});
