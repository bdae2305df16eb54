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
  const message = `request body too large (limit ${maxBytes} bytes, limits.bodyBytes)`;
  return new HttpError("PayloadTooLarge", message);
}

/**
 * The body as UTF-8 text, refusing with a 413 as soon as it passes
 * `maxBytes` (by `Content-Length` before reading, or while streaming).
 */
export async function readTextCapped(req: Request, maxBytes: number): Promise<string> {
  // The BOM is kept: a body that starts with one is refused by name (see {@link parseJsonDocument})
  // instead of being stripped silently, and elsewhere it makes the JSON malformed (400).
  return KEEP_BOM.decode(await readBytesCapped(req, maxBytes));
}

/**
 * The body's bytes, as they came (for files that need not be UTF-8), with
 * the same ceiling as {@link readTextCapped}.
 */
export async function readBytesCapped(req: Request, maxBytes: number): Promise<Uint8Array> {
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > maxBytes) throw tooLarge(maxBytes);
  if (!req.body) return new Uint8Array();
  if (req.headers.has("content-length")) {
    // The server refuses more bytes than declared, so the whole body is within the ceiling:
    // read it in one go (Deno collects a socket-backed body without a JS step per chunk).
    // Not req.text(): it strips a leading BOM, which must reach parseJsonDocument.
    try {
      return new Uint8Array(await req.arrayBuffer());
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
  return all;
}

/** UTF-8 that keeps a leading byte order mark (TextDecoder's default strips it). */
const KEEP_BOM = new TextDecoder("utf-8", { ignoreBOM: true });

/**
 * Parses a body that must be a whole JSON document (a state to apply or
 * plan). An empty or whitespace-only body is what a failed pipeline step
 * writes (`jq ... > next.json` that died), and a byte order mark is what
 * some editors prepend; both are refused with a 400 that says so, never
 * read as `{}` and filled with defaults.
 */
export function parseJsonDocument(text: string): unknown {
  if (text.charCodeAt(0) === 0xfeff) {
    throw badRequest(
      "request body starts with a UTF-8 byte order mark (BOM); send plain UTF-8 JSON",
    );
  }
  if (text.trim() === "") {
    throw badRequest(
      "request body is empty; send the whole state document (an empty body is refused, " +
        "not read as {})",
    );
  }
  try {
    return JSON.parse(text);
  } catch {
    throw badRequest("malformed JSON body");
  }
}
