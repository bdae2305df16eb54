/**
 * The diff view in a real browser: every line of a unified diff is its own
 * line on screen (unchanged context included) and a long line wraps inside
 * the panel instead of being cut off.
 *
 * @module
 */
import assert from "node:assert/strict";
import { renderToString } from "preact-render-to-string";
import { createTwoFilesPatch } from "diff";
import { html } from "../ui/html.ts";
import { Diff } from "../ui/components/diff.ts";
import { STYLES } from "../ui/styles.ts";
import { launchBrowser } from "./support/browser.ts";

Deno.test("diff view - one line per line, context kept, long lines wrapped", async () => {
  const before = ["global", "  maxconn 100", "", "defaults", "  mode http", "  timeout client 30s"]
    .join("\n") + "\n";
  const long = `  http-request set-header X-Long ${"v".repeat(400)}`;
  const after =
    ["global", "  maxconn 200", "", "defaults", "  mode http", long, "  timeout client 30s"]
      .join("\n") + "\n";
  const patch = createTwoFilesPatch("a", "b", before, after, "", "", { context: 10 });
  const expected = patch.split("\n").filter((l) => !l.startsWith("===") && !l.startsWith("Index:"));
  while (expected[expected.length - 1] === "") expected.pop();
  const markup = renderToString(html`<${Diff} diff=${patch} />`);
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 600, height: 800 } });
    await page.setContent(
      `<!doctype html><style>${STYLES}</style><main style="width:560px">${markup}</main>`,
    );
    const lines = page.locator("pre.diff > .line");
    assert.equal(await lines.count(), expected.length, "one element per diff line");
    const texts = await lines.allTextContents();
    assert.deepEqual(texts, expected.map((l) => l === "" ? " " : l));
    // innerText is what a reader sees: the same number of lines, context lines included.
    const shown = (await page.locator("pre.diff").innerText()).replace(/\n$/, "").split("\n");
    assert.ok(shown.includes("   mode http"), "an unchanged line stays on its own line");
    // Each line starts below the previous one; the long line wraps within the pre.
    const boxes = await lines.evaluateAll((els) =>
      els.map((e) => {
        const r = e.getBoundingClientRect();
        return { top: r.top, height: r.height, right: r.right };
      })
    );
    for (let i = 1; i < boxes.length; i++) assert.ok(boxes[i].top > boxes[i - 1].top);
    const preRight = await page.locator("pre.diff").evaluate((e) =>
      e.getBoundingClientRect().right
    );
    const longIndex = expected.indexOf(`+${long}`);
    assert.ok(longIndex >= 0);
    assert.ok(boxes[longIndex].height > boxes[0].height * 2, "the long line wraps");
    assert.ok(boxes[longIndex].right <= preRight + 1, "and stays inside the diff");
    const scrollW = await page.locator("pre.diff").evaluate((e) => e.scrollWidth - e.clientWidth);
    assert.equal(scrollW, 0, "nothing is cut off to the right");
  } finally {
    await browser.close();
  }
});
