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
