import assert from "node:assert/strict";
import { readForm } from "./mount.ts";

Deno.test("readForm - a multipart post gives its text fields and its files' exact bytes", async () => {
  const data = new FormData();
  data.append("_csrf", "t");
  data.append("code", "503");
  const bytes = new Uint8Array([0x48, 0x0d, 0x0a, 0xff, 0x00]);
  data.append("page", new File([bytes], "503.http", { type: "message/http" }));
  const req = new Request("http://x/error-pages", { method: "POST", body: data });
  const { form, files } = await readForm(req);
  assert.equal(form.get("code"), "503");
  assert.equal(form.get("page"), null, "a file is not a text field");
  const file = files.get("page")!;
  assert.equal(file.name, "503.http");
  assert.equal(file.type, "message/http");
  assert.deepEqual(file.bytes, bytes);
});

Deno.test("readForm - an urlencoded post has no files; other bodies are refused", async () => {
  const ok = await readForm(
    new Request("http://x/", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "a=1",
    }),
  );
  assert.equal(ok.form.get("a"), "1");
  assert.equal(ok.files.size, 0);
  await assert.rejects(
    () =>
      readForm(
        new Request("http://x/", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: "{}",
        }),
      ),
    /form posts only/,
  );
});
