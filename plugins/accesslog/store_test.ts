import assert from "node:assert/strict";
import { LogStore } from "./store.ts";
import { parseLogLine } from "./parse.ts";

const line = (status: number, backend: string) =>
  `127.0.0.1:1 [03/Dec/2026:17:29:16.285] fe ${backend}/s 0/0/0/0/1 ${status} 10 - - ---- ` +
  `1/1/0/0/0 0/0 "GET / HTTP/1.1"`;

Deno.test("access log store - bounded by count and age, filtered, newest kept", () => {
  const store = new LogStore(3, 1000);
  const now = Date.now();
  for (let i = 0; i < 5; i++) {
    store.add(parseLogLine(line(i % 2 ? 503 : 200, i < 3 ? "a" : "b"), store.nextSeq(), now));
  }
  assert.equal(store.size, 3);
  assert.equal(store.evicted, 2);
  assert.deepEqual(store.query({}).map((e) => e.seq), [3, 4, 5]);
  assert.deepEqual(store.query({ status: "5xx" }).map((e) => e.seq), [4]);
  assert.deepEqual(store.query({ backend: "b" }).map((e) => e.seq), [4, 5]);
  assert.deepEqual(store.query({ limit: 1 }).map((e) => e.seq), [5]);
  assert.deepEqual(store.query({ after: 4 }).map((e) => e.seq), [5]);
  store.prune(now + 5000);
  assert.equal(store.size, 0);
  assert.equal(store.evicted, 5);
});
