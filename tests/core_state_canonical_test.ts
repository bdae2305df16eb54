/**
 * The ETag and snapshot ids hash the validated state's plain JSON instead of
 * a key-sorted serialization. That is sound only while validation rebuilds
 * every object in the schema's key order, whatever the input's order: these
 * tests hold the composed schema (core and every built-in plugin) to it,
 * and the apply's serializer (core/state/state_json.ts) to the same bytes.
 *
 * @module
 */
import assert from "node:assert/strict";
import { offlineRenderer } from "../core/offline.ts";
import { dataPaths } from "../core/paths.ts";
import { defaultPlugins } from "../plugins/mod.ts";
import { stateJson } from "../core/state/state_json.ts";

const GOLDEN_DIR = new URL("./golden/", import.meta.url).pathname;

/** The same value with every object's keys in reverse order, at every depth. */
function reversedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reversedKeys);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value).reverse().map(([k, v]) => [k, reversedKeys(v)]),
  );
}

Deno.test("validated state JSON - key order of the input never shows in the output", async () => {
  const dir = await Deno.makeTempDir({ prefix: "pp-canonical-" });
  // The goldens' data directory (their paths point into it), and their raw directives allowed.
  const offline = await offlineRenderer(
    defaultPlugins(),
    dataPaths("/tmp/patchpanel-golden"),
    "haproxy",
    "security:\n  allowRawDirectives: true\n",
  );
  try {
    const inputs: [string, unknown][] = [...Deno.readDirSync(GOLDEN_DIR)]
      .filter((e) => e.name.endsWith(".json"))
      .map((e) => [e.name, JSON.parse(Deno.readTextFileSync(GOLDEN_DIR + e.name))]);
    // Plugin fragments too: certificates, trusted CAs, GeoIP, TLS on binds and servers.
    inputs.push(["plugins", {
      version: 1,
      haproxy: {
        frontends: [{ id: "fe", binds: [{ address: "127.0.0.1:8443" }], defaultBackend: "be" }],
        backends: [{ id: "be", servers: [{ name: "s", address: "127.0.0.1:9443", ssl: true }] }],
      },
      geoip: { enabled: false },
    }]);
    for (const [name, input] of inputs) {
      const a = offline.schema.safeParse(input);
      assert.ok(a.success, `${name}: ${JSON.stringify(!a.success && a.error.issues)}`);
      const b = offline.schema.parse(reversedKeys(input));
      assert.equal(JSON.stringify(b), JSON.stringify(a.data), name);
      // The apply's serializer (backend texts supplied apart) writes the same bytes.
      assert.equal(stateJson(a.data, (be) => JSON.stringify(be)), JSON.stringify(a.data), name);
      // And the output is already in schema order: validating it again changes nothing.
      assert.equal(
        JSON.stringify(offline.schema.parse(reversedKeys(a.data))),
        JSON.stringify(a.data),
      );
    }
  } finally {
    offline.close();
    await Deno.remove(dir, { recursive: true });
  }
});
