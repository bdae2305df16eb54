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
      backends: ["a", "b", "c", "d"].map((id) => ({
        id,
        servers: [{ name: "s1", address: "127.0.0.1:9001", weight: 1 }],
      })),
    },
  });
  const parts = stateJsonParts(state, (b) => memo.jsonOf(b));
  return { state, text: joinParts(parts), parts };
}

type Body = (text: string) => string;

/** The fast read equals the whole parse; `shared` backends are the current objects. */
function same(body: Body, shared: number) {
  const { state, text, parts } = validated();
  const doc = documentFromText(body(text), state, parts) as any;
  assert.ok(doc, "read against the current document");
  assert.deepEqual(JSON.parse(JSON.stringify(doc)), JSON.parse(body(text)));
  const current = new Set<unknown>(state.haproxy.backends);
  const kept = doc.haproxy.backends.filter((b: unknown) => current.has(b)).length;
  assert.equal(kept, shared, "backends outside the changed span are the current objects");
}
function same_(body: Body, shared: number): void {
  same(body, shared);
}

Deno.test("documentFromText - the current text, or changes within the backends, read without a whole parse", () => {
  same_((t) => t, 4);
  same_((t) => t.replace('"weight":1', '"weight":7'), 3);
  same_((t) => {
    const last = t.lastIndexOf('"weight":1');
    return t.slice(0, last) + '"weight":9' + t.slice(last + 10);
  }, 3);
  // A server added inside backend b, with whitespace a hand edit might leave.
  same_((t) => {
    const at = t.indexOf('"servers":[', t.indexOf('"id":"b"')) + '"servers":['.length;
    return t.slice(0, at) + ' {"name":"s2","address":"127.0.0.1:9002"} ,' + t.slice(at);
  }, 3);
  // b and c changed: both parsed, a and d shared.
  same_((t) => {
    const b = t.indexOf('"weight":1', t.indexOf('"id":"b"'));
    const c = t.indexOf('"weight":1', t.indexOf('"id":"c"'));
    return t.slice(0, b) + '"weight":2' + t.slice(b + 10, c) + '"weight":3' + t.slice(c + 10);
  }, 2);
  // A backend appended, one removed.
  same_((t) => {
    const close = t.indexOf('],"stats"');
    return t.slice(0, close) + ',{"id":"x","servers":[]}' + t.slice(close);
  }, 3); // d is in the span: the insertion starts where it ends
  // b removed: b and c look alike past their ids, so the differing region reaches into c, and c is
  // parsed again (an equal value).
  same_((t) => t.slice(0, t.indexOf(',{"id":"b"')) + t.slice(t.indexOf(',{"id":"c"')), 2);
});

Deno.test("documentFromText - anything else is left to the whole parse", () => {
  const { state, text, parts } = validated();
  const none = (body: string) => assert.equal(documentFromText(body, state, parts), null, body);
  none(text.replace('"weight":1', '"weight":')); // malformed inside a backend
  assert.ok(text.includes('"disabled":false}]'));
  none(text.replace('"disabled":false}]', '"disabled":false}]]')); // a bracket too many
  none(text.replace(',{"id":"b"', ',,{"id":"b"')); // an empty element
  none(text.slice(0, text.indexOf('[{"id":"a"') + 1) + text.slice(text.indexOf('],"stats"')));
  none("\ufeff" + text);
  none("");
  none(text.slice(0, -1)); // truncated
});

Deno.test("documentFromText - a change around the backends parses only the text around them", () => {
  same_((t) => t.replace('"127.0.0.1:8080"', '"127.0.0.1:8081"'), 4); // a frontend
  same_((t) => t.replace('"server":"30s"', '"server":"31s"'), 4); // the defaults
  same_(
    (t) => t.replace('"acls":[]', '"acls":[{"name":"x","criterion":"path","values":["/"]}]'),
    4,
  );
  same_((t) => t.replace('"global":{', ' \n "global" : {'), 4);
  const { state, text, parts } = validated();
  const none = (body: string) => assert.equal(documentFromText(body, state, parts), null, body);
  const at = '"backends":[';
  assert.ok(text.includes(at));
  // An element added first: beside the others, so read as a change within the backends.
  same_((t) => t.replace(at, `${at}1,`), 3);
  // The split moved into another array, a string, a nested array.
  none(text.replace(at, `${at}],"x":[`));
  none(text.replace(at, `${at}"`));
  none(text.replace(at, `${at}[`));
  // A head that holds the placeholder itself, escaped: the backends would be that string.
  none(text.replace(at, `${at}"\\u0000patchpanel backends\\u0000"],"x":[`));
  none(text.replace('"acls":[]', '"acls":['));
  // A repeated `backends` key after them wins in JSON.parse: the body's backends are that.
  const repeated = text.slice(0, text.length - parts.tail.length) +
    parts.tail.replace(/^\]/, '],"backends":["\\u0000patchpanel backends\\u0000"]');
  assert.notEqual(repeated, text);
  none(repeated);
});
