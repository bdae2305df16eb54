// deno-lint-ignore-file no-explicit-any
import assert from "node:assert/strict";
import { documentFromText } from "./body_delta.ts";
import { BackendMemo } from "./backend_memo.ts";
import { composeStateSchema, type State } from "./schema.ts";
import { joinParts, stateJsonParts } from "./state_json.ts";

function validated(): { state: State; text: string; parts: ReturnType<typeof stateJsonParts> } {
  const memo = new BackendMemo();
  const schema = composeStateSchema({}, [], memo);
  const state = schema.parse({
    version: 1,
    haproxy: {
      frontends: [{ id: "fe", binds: [{ address: "127.0.0.1:8080" }], defaultBackend: "a" }],
      backends: ["a", "b", "c"].map((id) => ({
        id,
        servers: [{ name: "s1", address: "127.0.0.1:9001", weight: 1 }],
      })),
    },
  });
  const parts = stateJsonParts(state, (b) => memo.jsonOf(b));
  return { state, text: joinParts(parts), parts };
}

/** Checks the fast read against the whole parse, and that untouched backends are shared. */
function same(body: string, state: State, parts: any, changed: number | null) {
  const doc = documentFromText(body, state, parts) as any;
  assert.ok(doc, "read against the current document");
  assert.deepEqual(JSON.parse(JSON.stringify(doc)), JSON.parse(body));
  doc.haproxy.backends.forEach((b: unknown, i: number) => {
    if (i === changed) assert.notEqual(b, state.haproxy.backends[i]);
    else assert.equal(b, state.haproxy.backends[i], `backend ${i} is the current object`);
  });
}

Deno.test("documentFromText - the current text, or one backend's text changed, reads without a whole parse", () => {
  const { state, text, parts } = validated();
  same(text, state, parts, null);
  same(text.replace('"weight":1', '"weight":7'), state, parts, 0);
  const last = text.lastIndexOf('"weight":1');
  same(text.slice(0, last) + '"weight":9' + text.slice(last + 10), state, parts, 2);
  // A server added inside the middle backend, with whitespace a hand edit might leave.
  const b = text.indexOf('"id":"b"');
  const servers = text.indexOf('"servers":[', b) + '"servers":['.length;
  same(
    text.slice(0, servers) + ' {"name":"s2","address":"127.0.0.1:9002"} ,' + text.slice(servers),
    state,
    parts,
    1,
  );
});

Deno.test("documentFromText - anything else is left to the whole parse", () => {
  const { state, text, parts } = validated();
  const none = (body: string) => assert.equal(documentFromText(body, state, parts), null, body);
  none(text.replace('"127.0.0.1:8080"', '"127.0.0.1:8081"')); // a frontend
  none(text.replace(/"weight":1/g, '"weight":2')); // three backends
  none(text.replace('"weight":1', '"weight":')); // malformed inside a backend
  const close = text.indexOf('],"stats"');
  assert.ok(close > 0);
  none(text.slice(0, close) + ',{"id":"x","servers":[]}' + text.slice(close)); // one more
  none("\ufeff" + text);
  none("");
  none(text.slice(0, -1)); // truncated
  const b = text.indexOf(',{"id":"b"');
  const c = text.indexOf(',{"id":"c"');
  none(text.slice(0, b) + text.slice(c)); // a backend removed
});
