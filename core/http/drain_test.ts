/**
 * The bounds of reading what is left of a request body before answering:
 * a declared body is read to its end up to twice the limit, a body of
 * unknown length only up to the limit, a body already read is left alone,
 * and GET passes through without a promise.
 *
 * @module
 */
import assert from "node:assert/strict";
import { answersWhole, drainUnread } from "./drain.ts";

const LIMIT = 1000;
const CHUNK = 100;

/** A request whose body is `chunks` chunks of {@link CHUNK} bytes (endless when null). */
function upload(chunks: number | null, headers: Record<string, string> = {}) {
  const seen = { pulled: 0, cancelled: false };
  const body = new ReadableStream<Uint8Array>({
    pull(c) {
      if (chunks !== null && seen.pulled >= chunks) return c.close();
      seen.pulled++;
      c.enqueue(new Uint8Array(CHUNK));
    },
    cancel() {
      seen.cancelled = true;
    },
  }, { highWaterMark: 0 });
  const req = new Request("http://127.0.0.1/api/x", {
    method: "POST",
    body,
    headers,
    duplex: "half",
  } as RequestInit);
  return { req, seen };
}

const info = {} as Deno.ServeHandlerInfo;

Deno.test("drain - an unread body that declared its length is read to its end first", async () => {
  const { req, seen } = upload(15, { "content-length": String(15 * CHUNK) });
  let drained = false;
  const handler = answersWhole(() => new Response("refused", { status: 400 }), LIMIT);
  const res = await Promise.resolve(handler(req, info)).then((r) => {
    drained = seen.pulled === 15;
    return r;
  });
  assert.equal(res.status, 400);
  assert.ok(drained, `read ${seen.pulled} of 15 chunks before answering`);
  assert.equal(seen.cancelled, false);
});

Deno.test("drain - a declared body past twice the limit is not read at all", () => {
  const { req, seen } = upload(null, { "content-length": String(2 * LIMIT + 1) });
  assert.equal(drainUnread(req, LIMIT), null);
  assert.equal(seen.pulled, 0);
});

Deno.test("drain - a body of unknown length is read only up to the limit", async () => {
  const { req, seen } = upload(null);
  await drainUnread(req, LIMIT);
  assert.ok(seen.pulled <= LIMIT / CHUNK + 2, `pulled ${seen.pulled} chunks`);
  assert.equal(seen.cancelled, true);
});

Deno.test("drain - a body sent only on 100 Continue is not asked for", () => {
  const { req, seen } = upload(3, { "content-length": String(3 * CHUNK), expect: "100-continue" });
  assert.equal(drainUnread(req, LIMIT), null);
  assert.equal(seen.pulled, 0);
});

Deno.test("drain - an upload that stops sending is given up on, not waited for", async () => {
  const stalled = new ReadableStream<Uint8Array>({ pull: () => new Promise(() => {}) });
  const req = new Request("http://127.0.0.1/api/x", {
    method: "POST",
    body: stalled,
    headers: { "content-length": "100" },
    duplex: "half",
  } as RequestInit);
  await drainUnread(req, LIMIT, 10);
});

Deno.test("drain - a body the handler read is left alone", async () => {
  const { req } = upload(3, { "content-length": String(3 * CHUNK) });
  await req.arrayBuffer();
  assert.equal(drainUnread(req, LIMIT), null);
});

Deno.test("drain - GET answers pass through as they are, without a promise", () => {
  const res = new Response("ok");
  const handler = answersWhole(() => res, LIMIT);
  assert.equal(handler(new Request("http://127.0.0.1/api/x"), info), res);
});
