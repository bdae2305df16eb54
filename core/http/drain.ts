/**
 * Answers that arrive whole, whatever stage refused the request. A response
 * sent before the request body was read (a 400 for a bad path parameter, a
 * 401/403 from a guard, a 404, a 429, a 413) closes an HTTP/2 stream while
 * the client may still be uploading: the server then resets the stream
 * (`RST_STREAM NO_ERROR`, as RFC 9113 §8.1 allows), and clients such as
 * curl 7.88 (Debian 12) treat the body they can no longer send as a
 * failure: `curl: (92) Stream error in the HTTP/2 framing layer`, answer
 * lost. Deno also closes an unread body as soon as a response is set, so it
 * cannot be read afterwards: the rest of the body is read (and dropped)
 * before the response is handed back, so the client has finished sending
 * when the answer arrives, on HTTP/2 and HTTP/1.1 alike.
 *
 * The read is bounded: a body that declared its length is read to its end
 * when that length is at most twice the body limit (so a 413 for a body
 * slightly too large still arrives whole); a body of unknown length
 * (chunked) only while it stays within the limit. Past that the answer is
 * sent at once, as before: the stream reset is then the protocol's own
 * answer to an endless upload. A request that asked `Expect: 100-continue`
 * is not read either: answering first is how it is told not to send. And
 * the answer waits at most {@link DRAIN_WAIT_MS} for a slow upload.
 *
 * @module
 */

/** A `Deno.serve` handler. */
export type ServeHandler = (
  req: Request,
  info: Deno.ServeHandlerInfo,
) => Response | Promise<Response>;

/**
 * Wraps a handler so that every answer is sent only once what is left of
 * the request body (within the bounds above) has been read. Requests that
 * cannot carry a body (GET, HEAD) pass through untouched and synchronously.
 */
export function answersWhole(handler: ServeHandler, maxBodyBytes: number): ServeHandler {
  return (req, info) => {
    const out = handler(req, info);
    const method = req.method;
    if (method === "GET" || method === "HEAD") return out;
    if (out instanceof Promise) {
      return out.then((res) => afterDrain(req, maxBodyBytes, res));
    }
    return afterDrain(req, maxBodyBytes, out);
  };
}

function afterDrain(
  req: Request,
  maxBodyBytes: number,
  res: Response,
): Response | Promise<Response> {
  const pending = drainUnread(req, maxBodyBytes);
  return pending ? pending.then(() => res) : res;
}

/**
 * Reads and drops what is left of a request body, or returns null when
 * there is nothing to read (no body, already read, or past the bounds).
 * Never rejects: a broken upload is the client's, and the answer stands.
 */
export function drainUnread(
  req: Request,
  maxBodyBytes: number,
  maxWaitMs = DRAIN_WAIT_MS,
): Promise<void> | null {
  // `Expect: 100-continue` (curl's HTTP/1.1 uploads past 1 MiB): the client sends the body only
  // once reading starts, and an answer before that tells it not to; reading would fetch it.
  if (req.headers.get("expect")?.toLowerCase() === "100-continue") return null;
  const body = req.body;
  // Locked: a reader holds it (a handler read it to its end, or gave up on it).
  if (body === null || body.locked) return null;
  const declared = req.headers.get("content-length");
  let budget: number;
  if (declared !== null) {
    const length = Number(declared);
    if (!Number.isFinite(length) || length > 2 * maxBodyBytes) return null;
    budget = length; // the server refuses more than the declared length itself
  } else {
    // Unknown length: disturbed means a reader already passed the limit and let go.
    if (req.bodyUsed) return null;
    budget = maxBodyBytes;
  }
  return readAndDrop(body.getReader(), budget, maxWaitMs);
}

/**
 * How long an answer waits for the rest of a body: a client that trickles
 * (or stops sending) gets its answer then, as before the drain existed.
 */
export const DRAIN_WAIT_MS = 10_000;

async function readAndDrop(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  budget: number,
  maxWaitMs: number,
): Promise<void> {
  let read = 0;
  // Cancelling settles the pending read, which ends the loop below.
  const timer = setTimeout(() => reader.cancel().catch(() => {}), maxWaitMs);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      read += value.byteLength;
      if (read > budget) {
        await reader.cancel();
        return;
      }
    }
  } catch {
    // The client broke the upload off (or it was already closed): nothing left to wait for.
  } finally {
    clearTimeout(timer);
  }
}
