import assert from "node:assert/strict";
import { changeMessage, mayChangeMaps, parseEntryLines } from "./map_pages.ts";
import { serversUsing, settingsText } from "./diagnostic_pages.ts";

Deno.test("changeMessage - says where a map change went, and when nothing changed", () => {
  const base = { map: "hosts", key: "a", value: "b", snapshotId: 7 };
  assert.equal(
    changeMessage({ ...base, op: "add", changed: true, loaded: true }),
    "Added a → b in map hosts: HAProxy uses it now, and it is written to the map file and the " +
      "state (snapshot 7); no reload.",
  );
  assert.match(
    changeMessage({ ...base, op: "del", changed: true, loaded: false }),
    /^Removed a from map hosts: HAProxy does not load this map/,
  );
  assert.match(
    changeMessage({ ...base, op: "set", changed: false, snapshotId: null }),
    /already has a → b; nothing changed/,
  );
});

Deno.test("mayChangeMaps - operators and admins, as the entry routes take", () => {
  const p = (role: "viewer" | "operator" | "admin") => ({ role }) as never;
  assert.deepEqual([mayChangeMaps(p("viewer")), mayChangeMaps(p("operator"))], [false, true]);
  assert.equal(mayChangeMaps(p("admin")), true);
  assert.equal(mayChangeMaps(null), false);
});

Deno.test("resolvers page helpers - the servers using a section; its settings in words", () => {
  const state = {
    haproxy: {
      backends: [
        { id: "app", servers: [{ name: "s1", resolvers: "dns" }, { name: "s2" }] },
        { id: "api", servers: [{ name: "x", resolvers: "other" }] },
      ],
    },
  };
  assert.deepEqual(serversUsing(state, "dns"), ["app/s1"]);
  assert.equal(
    settingsText({ id: "dns", nameservers: [], resolveRetries: 2, timeouts: { resolve: "1s" } }),
    "timeout resolve 1s, resolve_retries 2",
  );
  assert.equal(settingsText({ id: "dns", nameservers: [] }), "HAProxy's defaults");
});

Deno.test("parseEntryLines - 'key value' per line, blank lines skipped, anything else named", () => {
  assert.deepEqual(parseEntryLines("a.test be-1\r\n\n  b.test   be-0  \n"), [
    { key: "a.test", value: "be-1" },
    { key: "b.test", value: "be-0" },
  ]);
  assert.deepEqual(parseEntryLines(""), []);
  assert.equal(parseEntryLines("a.test be-1\nb.test"), "line 2: write 'key value' (two words)");
  assert.equal(parseEntryLines("a b c"), "line 1: write 'key value' (two words)");
});
