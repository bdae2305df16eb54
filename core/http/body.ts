/**
 * Reading a request body with a ceiling that holds while the bytes arrive.
 * `req.text()` buffers everything first, so a chunked upload with no
 * `Content-Length` (to the public login route, before any credential)
 * could grow the daemon's memory without bound before a length check ran.
 *
 * @module
 */
import { badRequest, HttpError } from "../errors.ts";

/** The 413 envelope for a body past its ceiling. */
export function tooLarge(maxBytes: number): HttpError {
  const message = `request body too large (limit ${maxBytes} bytes)`;
  return new HttpError("PayloadTooLarge", message);
}

/**
 * The body as UTF-8 text, refusing with a 413 as soon as it passes
 * `maxBytes` (by `Content-Length` before reading, or while streaming).
 */
export async function readTextCapped(req: Request, maxBytes: number): Promise<string> {
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > maxBytes) throw tooLarge(maxBytes);
  if (!req.body) return "";
  if (req.headers.has("content-length")) {
    // The server refuses more bytes than declared, so the whole body is within the ceiling:
    // read it in one go (Deno collects a socket-backed body without a JS step per chunk).
    try {
      return await req.text();
    } catch {
      throw badRequest("request body could not be read");
    }
  }
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    let step: ReadableStreamReadResult<Uint8Array>;
    try {
      step = await reader.read();
    } catch {
      // A broken transfer (bad chunk framing, a dropped connection) is the client's fault.
      throw badRequest("request body could not be read");
    }
    const { done, value } = step;
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.byteLength;
  }
  return new TextDecoder().decode(all);
}
