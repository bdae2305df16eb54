/**
 * The console's static assets, embedded in the binary as strings (the
 * stylesheet, the esbuild-built island bundle and the favicon): nothing is
 * read from disk at run time, so `deno compile` needs no `--include`. URLs
 * carry a content hash so browsers may cache them for good, and each asset
 * is gzipped once at start-up for clients that accept it.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import { STYLES } from "./styles.ts";
import { ISLANDS_JS } from "./generated/islands_bundle.ts";

/** An embedded asset: its bytes as text and its content type. */
export interface Asset {
  body: string;
  type: string;
  hash: string;
  /** The body gzipped (level 9), sent to clients whose Accept-Encoding lists gzip. */
  gzip: Uint8Array;
}

function asset(body: string, type: string): Asset {
  return {
    body,
    type,
    hash: createHash("sha256").update(body).digest("hex").slice(0, 12),
    gzip: new Uint8Array(gzipSync(new TextEncoder().encode(body), { level: 9 })),
  };
}

/** The console's icon: a patch panel's two ports joined by a cable, in the accent colour. */
const FAVICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">` +
  `<rect width="32" height="32" rx="6" fill="#1f6feb"/>` +
  `<circle cx="9" cy="16" r="4" fill="#fff"/><circle cx="23" cy="16" r="4" fill="#fff"/>` +
  `<path d="M9 16 C 9 6, 23 6, 23 16" stroke="#fff" stroke-width="2.5" fill="none"/></svg>`;

/** Every asset by file name. */
export const ASSETS: Record<string, Asset> = {
  "app.css": asset(STYLES, "text/css; charset=utf-8"),
  "islands.js": asset(ISLANDS_JS, "text/javascript; charset=utf-8"),
  "favicon.svg": asset(FAVICON, "image/svg+xml"),
};

/** Whether an Accept-Encoding header accepts gzip (and does not refuse it with `q=0`). */
export function acceptsGzip(header: string | null): boolean {
  return (header ?? "").split(",").some((part) => {
    const [coding, ...params] = part.trim().toLowerCase().split(";");
    if (coding !== "gzip" && coding !== "*") return false;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    return !q || Number(q.slice(2)) > 0;
  });
}

/** The cache-busting URL of an asset. */
export function assetUrl(name: keyof typeof ASSETS & string): string {
  return `/ui/assets/${name}?v=${ASSETS[name].hash}`;
}

/** The response for `GET /ui/assets/:name` (gzipped when accepted); 404 for anything not embedded. */
export function assetResponse(name: string, acceptEncoding: string | null = null): Response {
  const a = Object.hasOwn(ASSETS, name) ? ASSETS[name] : undefined;
  if (!a) {
    return new Response(JSON.stringify({ error: `no asset '${name}'` }), {
      status: 404,
      headers: { "content-type": "application/json; charset=utf-8" },
    });
  }
  const headers: Record<string, string> = {
    "content-type": a.type,
    "cache-control": "public, max-age=31536000, immutable",
    "x-content-type-options": "nosniff",
    vary: "accept-encoding",
  };
  if (acceptsGzip(acceptEncoding)) {
    return new Response(a.gzip.slice(), {
      headers: { ...headers, "content-encoding": "gzip" },
    });
  }
  return new Response(a.body, { headers });
}
