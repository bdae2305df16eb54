/**
 * `deno task bench`: runs every benchmark module in `scripts/bench/` (each
 * default-exports an async function that prints its figures), in file-name
 * order, in one process. Files starting with `_` are helpers, not benches.
 *
 *   deno task bench            # all of them
 *   deno task bench core auth  # only scripts/bench/core.ts and auth.ts
 *
 * @module
 */

const dir = new URL("./bench/", import.meta.url);
const only = new Set(Deno.args);
const names = [...Deno.readDirSync(dir)]
  .filter((e) => e.isFile && e.name.endsWith(".ts") && !e.name.startsWith("_"))
  .map((e) => e.name)
  .filter((n) => !n.endsWith("_test.ts"))
  .filter((n) => only.size === 0 || only.has(n.slice(0, -3)))
  .sort();

let failed = 0;
for (const name of names) {
  console.log(`\n== bench/${name}`);
  const started = performance.now();
  try {
    const mod = await import(new URL(name, dir).href);
    if (typeof mod.default !== "function") throw new Error("no default-exported function");
    await mod.default();
  } catch (error) {
    failed++;
    console.error(`bench/${name} failed: ${(error as Error)?.stack ?? error}`);
  }
  console.log(`(bench/${name}: ${((performance.now() - started) / 1000).toFixed(1)} s)`);
}
if (failed) Deno.exit(1);
