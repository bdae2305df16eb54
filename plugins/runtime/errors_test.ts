import assert from "node:assert/strict";
import { parseShowErrors } from "./errors.ts";

const SAMPLE = "Total events captured on [03/Dec/2026:14:31:03.543] : 1\n \n" +
  "[03/Dec/2026:14:31:03.542] frontend fe-main (#2): invalid request\n" +
  "  backend <NONE> (#-1), server <NONE> (#-1), event #0, src 127.0.0.1:36152\n" +
  "  buffer starts at 0 (including 0 out), 16357 free,\n" +
  "  len 27, wraps at 16336, error at position 3\n" +
  "  H1 connection flags 0x00000100, H1 stream flags 0x00000810\n" +
  "  H1 msg state MSG_RQMETH(2), H1 msg flags 0x00001400\n" +
  "  H1 chunk len 0 bytes, H1 body len 0 bytes :\n  \n" +
  "  00000  GET\\x01/ HTTP/1.1\\r\\n\n  00016  Host: x\\r\\n\n  00025  \\r\\n\n\n";

Deno.test("show errors - an invalid request: proxy, sides, position, length and the capture", () => {
  assert.deepEqual(parseShowErrors(SAMPLE), [{
    at: "03/Dec/2026:14:31:03.542",
    proxy: "fe-main",
    proxyKind: "frontend",
    direction: "request",
    backend: null,
    server: null,
    source: "127.0.0.1:36152",
    errorAt: 3,
    length: 27,
    capture: ["GET\\x01/ HTTP/1.1\\r\\n", "Host: x\\r\\n", "\\r\\n"],
  }]);
  assert.deepEqual(parseShowErrors("Total events captured on [x] : 0\n"), []);
});
