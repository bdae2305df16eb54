/**
 * The Lua console page over plain HTTP with a real session: the library
 * plugin installed and enabled in one click (and then in the state and the
 * cfg), an upload refused with luac's output shown inline, and the
 * installed table naming where each plugin is used.
 *
 * @module
 */
import assert from "node:assert/strict";
import { startTestDaemon } from "./support/daemon.ts";
import { lua } from "../plugins/lua/mod.ts";

Deno.test("lua page - one-click library install, inline check output, usage", async () => {
  const d = await startTestDaemon({ plugins: [lua()] });
  try {
    const session = await d.login();
    assert.equal(session.status, 200);
    const post = (fields: Record<string, string>) =>
      fetch(`${d.url}/lua`, {
        method: "POST",
        redirect: "manual",
        headers: {
          cookie: session.cookie,
          "content-type": "application/x-www-form-urlencoded",
          origin: d.url,
        },
        body: new URLSearchParams({ _csrf: session.csrfToken, ...fields }),
      });
    const page = await fetch(`${d.url}/lua`, { headers: { cookie: session.cookie } });
    const html = await page.text();
    assert.equal(page.status, 200, html);
    assert.match(html, /Installed Lua plugins/);
    assert.match(html, /request-id/);

    const install = await post({ _step: "library", name: "maintenance" });
    await install.body?.cancel();
    assert.equal(install.status, 303);
    const state = await d.api("GET", "/api/state");
    assert.deepEqual(state.body.lua.plugins, [{ name: "maintenance", enabled: true, params: {} }]);
    assert.match(await Deno.readTextFile(d.paths.cfg), /lua-load \S+\.lua/);

    const refused = await post({ _step: "upload", name: "oops", script: "local x = = 1" });
    const text = await refused.text();
    assert.equal(refused.status, 400, text);
    assert.match(text, /manifest is needed/);
    const bad = await post({
      _step: "upload",
      name: "oops",
      script: '--[[patchpanel\n{"version": "1", "registers": []}\n]]\nlocal x = = 1',
    });
    const badText = await bad.text();
    assert.equal(bad.status, 400);
    assert.match(badText, /oops\.lua:4: unexpected symbol near (&#39;|')=(&#39;|')/);

    const listed = await (await fetch(`${d.url}/lua`, { headers: { cookie: session.cookie } }))
      .text();
    assert.match(listed, /lua\.plugins\.0/);
  } finally {
    await d.stop();
  }
});
