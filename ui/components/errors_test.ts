import assert from "node:assert/strict";
import { renderToString } from "preact-render-to-string";
import { ErrorBox } from "./errors.ts";
import { html } from "../html.ts";

Deno.test("ErrorBox - a field-level 403 lists the state paths the role may not change", () => {
  const body = {
    error: "ForbiddenError",
    message: "the operator role may not change 1 state field(s)",
    paths: ["haproxy.global.statsSockets.0.level"],
    need: "admin",
  };
  const markup = renderToString(
    html`<${ErrorBox} reply=${{ status: 403, body, text: JSON.stringify(body), ok: false }} />`,
  );
  assert.match(markup, /You are not allowed to do that: the operator role may not change/);
  assert.match(markup, /<li><code>haproxy\.global\.statsSockets\.0\.level<\/code><\/li>/);
});

Deno.test("ErrorBox - a 502 cites the failing cfg line with its text, errors first, output collapsed", () => {
  const diff = [
    "--- haproxy.cfg\tlive",
    "+++ haproxy.cfg\tcandidate",
    "@@ -10,3 +10,4 @@",
    " backend web",
    "   balance roundrobin",
    "+  http-request bogus-action",
    "   server s1 127.0.0.1:1 weight 100 check",
  ].join("\n");
  const output = [
    "[NOTICE]   (1) : haproxy version is 2.6.12",
    "[WARNING]  (1) : config : parsing [/tmp/pp-x/haproxy.cfg.plan:3] : something minor",
    "[ALERT]    (1) : config : parsing [/tmp/pp-x/haproxy.cfg.plan:12] : unknown action",
  ].join("\n");
  const body = {
    error: "HaproxyCheckFailed",
    message: "haproxy -c failed",
    output,
    diff,
    hints: [
      { severity: "warning", line: 3, message: "something minor", entity: null },
      {
        severity: "error",
        line: 12,
        message: "unknown action",
        entity: { kind: "backend", id: "web" },
      },
    ],
  };
  const markup = renderToString(
    html`<${ErrorBox} reply=${{
      status: 502,
      body,
      text: "",
      ok: false,
      headers: new Headers(),
    }} />`,
  );
  assert.ok(markup.indexOf("unknown action") < markup.indexOf("something minor"), "error first");
  assert.match(markup, /<pre class="cited"[^>]*>12 \| {3}http-request bogus-action<\/pre>/);
  assert.ok(!markup.includes("haproxy.cfg.plan"), "no scratch file name");
  assert.match(markup, /\[haproxy\.cfg:12\]/);
  assert.match(markup, /<details><summary>HAProxy's full output/);
});
